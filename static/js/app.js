// Growth Hub: small behaviours that htmx attributes do not cover. No inline scripts anywhere (strict CSP).
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id === "messages") {
    window.setTimeout(function () { target.querySelectorAll(".message").forEach(function (m) { m.remove(); }); }, 8000);
  }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
