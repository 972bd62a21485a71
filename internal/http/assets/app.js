// Downline back office: a few progressive enhancements. Every page works
// without JavaScript.
(function () {
  "use strict";
  // Copy buttons: <button data-copy="#id"> copies the value or text of #id.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b) return;
    var el = document.querySelector(b.getAttribute("data-copy"));
    if (!el) return;
    var text = el.value !== undefined ? el.value : el.textContent;
    var done = function () { var t = b.textContent; b.textContent = "Copied"; setTimeout(function () { b.textContent = t; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      el.select && el.select(); document.execCommand("copy"); done();
    }
  });
  // Confirmation: <form data-confirm="text"> asks before submitting, and
  // every submitted form disables its button to show progress.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var q = f.getAttribute("data-confirm");
    if (q && !window.confirm(q)) { e.preventDefault(); return; }
    var b = f.querySelector("button[type=submit]");
    if (b && f.hasAttribute("data-busy")) { b.disabled = true; b.textContent = f.getAttribute("data-busy"); }
  });
  // Live plan lint: a textarea with data-lint posts its text (debounced)
  // and shows the findings returned as HTML in the data-lint target.
  var ta = document.querySelector("textarea[data-lint]");
  if (ta) {
    var out = document.querySelector(ta.getAttribute("data-lint"));
    var csrf = document.querySelector("input[name=csrf_token]");
    var timer;
    ta.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams({ yaml: ta.value, csrf_token: csrf ? csrf.value : "" });
        fetch("/admin/plan/lint", { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.text(); })
          .then(function (h) { out.innerHTML = h; });
      }, 400);
    });
  }
})();
