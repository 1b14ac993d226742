// Small helpers for Blazor interop. The theme is a cookie so the server renders the right theme first time.
window.portal = {
  setTheme: function (theme) {
    document.cookie = "portal-theme=" + encodeURIComponent(theme) + "; path=/; max-age=31536000; samesite=lax";
  }
};
// Resolves to whether the text reached the clipboard (false without one, e.g. a denied permission), never rejects.
window.portal.copy = function (text) {
  return navigator.clipboard
    ? navigator.clipboard.writeText(text).then(function () { return true; }, function () { return false; })
    : Promise.resolve(false);
};
// The app bar's search: Enter opens the results page for what was typed, unless a suggestion was picked with the
// arrow keys (then the autocomplete opens that entity). A capture listener, so it runs before the autocomplete's own.
(function () {
  var picked = false;
  function inSearch(target) {
    return target instanceof Element && target.tagName === "INPUT" && target.closest("#portal-search") !== null;
  }
  window.addEventListener("keydown", function (e) {
    if (!inSearch(e.target)) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { picked = true; return; }
    if (e.key !== "Enter" || picked) return;
    var text = e.target.value.trim();
    if (text.length < 2) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    e.target.blur();
    var url = "/search?q=" + encodeURIComponent(text);
    if (window.Blazor && window.Blazor.navigateTo) window.Blazor.navigateTo(url); else window.location.href = url;
  }, true);
  window.addEventListener("input", function (e) { if (inSearch(e.target)) picked = false; }, true);
})();
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
// Picking an option of a select (MudSelect, MudAutocomplete) keeps the keyboard focus where it is. By default the press
// moves focus from the select to its list; the select sees that as focus leaving while its menu is open and asks the
// server to focus it again. On a slow connection that request arrives after the person has moved on to the next field,
// and the rest of what they type goes to the select (which even picks an option by its first letter): typed input was
// lost. Not moving the focus on the press means there is nothing to take back; the click still picks the option.
window.addEventListener("mousedown", function (e) {
  if (e.button === 0 && e.target instanceof Element && e.target.closest(".mud-popover [role=listbox]") !== null) {
    e.preventDefault();
  }
}, true);

// FigureChart's band lane spans exactly the chart's time axis, from its first step to its last: MudChart's plot starts
// after the y-axis labels (a margin that depends on them) and ends before a right margin, so the lane reads the x of
// the first and last x-axis labels (SVG user units, through the SVG's transform to the page). Realigned whenever the
// chart redraws (MudChart re-renders once it has measured its card) or resizes.
window.portal.alignChartBands = function (root) {
  if (!root) return;
  function align() {
    var lane = root.querySelector(".figure-chart-bands");
    var svg = root.querySelector("svg");
    var labels = svg ? svg.querySelectorAll(".mud-charts-xaxis text") : [];
    var matrix = svg ? svg.getScreenCTM() : null;
    if (!lane || labels.length === 0 || !matrix) return;
    function pageX(text) {
      var point = svg.createSVGPoint();
      point.x = parseFloat(text.getAttribute("x"));
      point.y = 0;
      return point.matrixTransform(matrix).x;
    }
    var first = pageX(labels[0]), last = pageX(labels[labels.length - 1]);
    var box = root.getBoundingClientRect();
    if (box.width <= 0 || !isFinite(first) || !isFinite(last)) return;
    lane.style.marginLeft = (first - box.left) + "px";
    lane.style.width = Math.max(0, last - first) + "px";
    lane.setAttribute("data-aligned", "");
  }
  align();
  if (!root.portalBands) {
    var again = function () { window.requestAnimationFrame(align); };
    root.portalBands = { redraws: new MutationObserver(again), resizes: new ResizeObserver(again) };
    // Only the chart's geometry: the lane's own style changes must not call align again.
    root.portalBands.redraws.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["viewBox", "x", "width"] });
    root.portalBands.resizes.observe(root);
  }
};
