// Small helpers for Blazor interop. The theme is a cookie so the server renders the right theme first time.
window.portal = {
  setTheme: function (theme) {
    document.cookie = "portal-theme=" + encodeURIComponent(theme) + "; path=/; max-age=31536000; samesite=lax";
  }
};
window.portal.copy = function (text) {
  return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve();
};
