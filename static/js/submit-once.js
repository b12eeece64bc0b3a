/* A submit button marked data-submit-once is disabled once its form is sent, so a double click files one
   application, not two (the server also refuses a repeated form token). */
(function () {
  document.querySelectorAll("button[data-submit-once]").forEach(function (button) {
    if (!button.form) { return; }
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
