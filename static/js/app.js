// Growth Hub: small behaviours that htmx attributes do not cover. No inline scripts anywhere (strict CSP).
(function () {
  "use strict";
  var DISMISS_AFTER_MS = 8000;
  var SERVER_ERROR = "Something went wrong on our side. Try again; if it keeps happening, reload the page.";
  var NETWORK_ERROR = "Growth Hub could not be reached. Check your connection and try again.";

  function messagesRegion() {
    return document.getElementById("messages");
  }

  // Notices fade after a while; errors stay until the person acts again (they must be read, not missed).
  function scheduleDismiss(region) {
    window.setTimeout(function () {
      region.querySelectorAll(".message:not(.error)").forEach(function (m) { m.remove(); });
    }, DISMISS_AFTER_MS);
  }

  function showError(text) {
    var region = messagesRegion();
    if (!region) { return; }
    var message = document.createElement("div");
    message.className = "message error";
    message.setAttribute("role", "alert");
    message.setAttribute("data-refusal", "");
    message.textContent = text;
    region.replaceChildren(message);
  }

  function isMessages(element) {
    return element && element.id === "messages";
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!isMessages(target)) { return; }
    if (event.detail.xhr.status >= 400) {
      // A refusal of this page's last request (stores/htmx.py), as opposed to a notice the server queued.
      target.querySelectorAll(".message").forEach(function (m) { m.setAttribute("data-refusal", ""); });
    }
    scheduleDismiss(target);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (isMessages(event.detail.target)) { scheduleDismiss(event.detail.target); }
  });

  // Errors. The htmx-config meta in base.html swaps 4xx answers; the server sends each either as the re-rendered
  // fragment with its inline errors or as the error partial retargeted to #messages (stores/htmx.py). A whole
  // page answered 4xx without a retarget (something outside that path) is not swapped into a fragment's place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 400 || xhr.status >= 500 || xhr.getResponseHeader("HX-Retarget")) { return; }
    if (/^\s*<!doctype|<html[\s>]/i.test(event.detail.serverResponse || "")) {
      event.detail.shouldSwap = false;
      showError("That could not be done (error " + xhr.status + "). Reload the page and try again.");
    }
  });
  // A 5xx is not swapped (its body is no fragment); say something went wrong where messages show.
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.status >= 500) { showError(SERVER_ERROR); }
  });
  document.addEventListener("htmx:sendError", function () { showError(NETWORK_ERROR); });
  document.addEventListener("htmx:timeout", function () { showError(NETWORK_ERROR); });

  // Loading: htmx puts .htmx-request on the element that sent the request (the CSS shows a spinner on its
  // button or link); the region being replaced is marked aria-busy until the answer is in. The element is
  // remembered per request because a retargeted answer changes event.detail.target.
  var busy = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = messagesRegion();
    if (region) {
      // The person is trying again: the last refusal no longer describes what they are doing.
      region.querySelectorAll("[data-refusal]").forEach(function (m) { m.remove(); });
    }
    var target = event.detail.target;
    if (target && !isMessages(target)) {
      target.setAttribute("aria-busy", "true");
      busy.set(event.detail.xhr, target);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = busy.get(event.detail.xhr);
    if (target) {
      target.removeAttribute("aria-busy");
      busy.delete(event.detail.xhr);
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
