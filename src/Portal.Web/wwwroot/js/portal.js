// Small helpers for Blazor interop. The theme is a cookie so the server renders the right theme first time.
window.portal = {
  setTheme: function (theme) {
    document.cookie = "portal-theme=" + encodeURIComponent(theme) + "; path=/; max-age=31536000; samesite=lax";
  }
};
window.portal.copy = function (text) {
  return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve();
};
// The skip link moves keyboard focus to the page's main region. The document's <base href="/"> would otherwise turn
// "#main-content" into a link to the home page.
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest(".skip-link") : null;
  var main = document.getElementById("main-content");
  if (link && main) {
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  }
});
// Posts a form the page renders hidden (sign-out: a POST with its antiforgery token, started from a menu item).
window.portal.submitForm = function (id) {
  var form = document.getElementById(id);
  if (form) {
    form.requestSubmit();
  }
};
