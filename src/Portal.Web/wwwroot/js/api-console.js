// The API reference's console: requests to the portal's own API, sent by the browser with an API token.
// The token stays in this page's memory (gone on reload) and is never sent to the server except as the
// Authorization header of these requests; cookies are not sent (credentials: "omit"), so only the token authorizes.
window.portalApiConsole = (function () {
  var token = null;
  var maxBody = 65536;

  async function me(candidate) {
    var response = await fetch("/api/identity/me", { headers: { Authorization: "Bearer " + candidate, Accept: "application/json" }, credentials: "omit" });
    if (response.status !== 200) {
      return { ok: false, message: response.status === 401
        ? "The portal does not accept this token: it is mistyped, expired or revoked."
        : "The token could not be checked (HTTP " + response.status + ")." };
    }
    var who = await response.json();
    return { ok: true, name: who.name, scopes: who.scopes || [] };
  }

  return {
    authorize: async function (inputId) {
      var input = document.getElementById(inputId);
      var candidate = input ? input.value.trim() : "";
      if (input) input.value = "";
      if (candidate.length === 0) return { ok: false, message: "Paste an API token first." };
      var result = await me(candidate);
      if (result.ok) token = candidate;
      return result;
    },
    status: async function () {
      return token === null ? { ok: false, message: "" } : await me(token);
    },
    forget: function () { token = null; },
    send: async function (method, path, body) {
      // Only this portal's own paths: a document can never make the console call another host.
      if (typeof path !== "string" || path.charAt(0) !== "/" || path.charAt(1) === "/" || path.charAt(1) === "\\") {
        return { status: 0, statusText: "", error: "Only the portal's own API paths can be called from here.", body: "", millis: 0, contentType: "", truncated: false };
      }
      var headers = { Accept: "application/json, application/problem+json" };
      if (token !== null) headers.Authorization = "Bearer " + token;
      if (body !== null) headers["Content-Type"] = "application/json";
      var started = performance.now();
      try {
        var response = await fetch(path, { method: method, headers: headers, body: body, credentials: "omit", redirect: "manual" });
        var text = response.type === "opaqueredirect" ? "" : await response.text();
        return {
          status: response.status, statusText: response.type === "opaqueredirect" ? "redirect" : response.statusText,
          contentType: response.headers.get("content-type") || "", millis: Math.round(performance.now() - started),
          body: text.length > maxBody ? text.slice(0, maxBody) : text, truncated: text.length > maxBody, error: null
        };
      } catch (e) {
        return { status: 0, statusText: "", error: String(e), body: "", millis: Math.round(performance.now() - started), contentType: "", truncated: false };
      }
    }
  };
})();
