/* A step that cannot be undone (publishing, removing an attachment, withdrawing) asks first: a button, form or
   link marked data-confirm="question" goes ahead only when the question is answered OK. The page works the same
   without script (the server still checks every step); this only stops a slip of the finger. */
(function () {
  function confirmed(element) {
    var question = element && element.getAttribute("data-confirm");
    return !question || window.confirm(question);
  }
  // Capture phase: runs before the form's own listeners (submit-once.js), which never see a cancelled submit.
  document.addEventListener("submit", function (event) {
    if (!confirmed(event.submitter) || !confirmed(event.target)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (link && !confirmed(link)) { event.preventDefault(); }
  });
})();
