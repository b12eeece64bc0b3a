/* Turns each textarea[data-richtext] into the vendored Trix editor, editing the
   same field (Trix writes its HTML into the textarea, which the form submits).
   An enhancement only: without JavaScript the textarea is there, and the server
   cleans whatever HTML it receives (gongkai/core/richtext.py). */
(function () {
  "use strict";
  // A body the editor cannot keep intact stays a textarea, with the reason.
  document.querySelectorAll("textarea[data-richtext-kept-as-html]").forEach(function (textarea) {
    var note = document.createElement("p");
    note.className = "richtext-note";
    note.id = textarea.id + "_note";
    note.textContent = textarea.getAttribute("data-richtext-kept-as-html");
    textarea.before(note);
    textarea.setAttribute("aria-describedby", ((textarea.getAttribute("aria-describedby") || "") + " " + note.id).trim());
  });

  var textareas = document.querySelectorAll("textarea[data-richtext]");
  if (!textareas.length || !window.Trix || !window.customElements) { return; }

  // The body's headings sit under the page's own title, the one <h1>.
  Trix.config.blockAttributes.heading1.tagName = "h2";
  // Toolbar texts in the interface language (rendered by the server from the .po files).
  var labels = JSON.parse(textareas[0].getAttribute("data-richtext"));
  Object.keys(labels).forEach(function (key) { if (key in Trix.config.lang) { Trix.config.lang[key] = labels[key]; } });

  // No file tools and no code blocks: files go in the item's own, checked
  // attachment field. Buttons are reachable with the Tab key.
  var defaultToolbar = Trix.config.toolbar.getDefaultHTML;
  Trix.config.toolbar.getDefaultHTML = function () {
    var template = document.createElement("template");
    template.innerHTML = defaultToolbar.call(this);
    template.content.querySelectorAll("[data-trix-button-group=file-tools], [data-trix-attribute=code]").forEach(function (el) { el.remove(); });
    template.content.querySelectorAll(".trix-button").forEach(function (button) { button.removeAttribute("tabindex"); });
    return template.innerHTML;
  };

  // Whatever file or image is dropped or pasted in is left out of the text.
  document.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });
  document.addEventListener("trix-attachment-add", function (event) {
    var attachment = event.attachment;
    setTimeout(function () { attachment.remove(); }, 0);
  });

  // Trix activates its buttons on mousedown (to keep the selection); let Enter
  // and Space on a focused button do the same.
  document.addEventListener("keydown", function (event) {
    var button = event.target.closest && event.target.closest("trix-toolbar .trix-button-row .trix-button");
    if (!button || (event.key !== "Enter" && event.key !== " ")) { return; }
    event.preventDefault();
    button.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
  });

  // Trix keeps one block per <div>; the platform stores a <p> per paragraph.
  function forEditor(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("p").forEach(function (p) {
      var div = document.createElement("div");
      while (p.firstChild) { div.appendChild(p.firstChild); }
      p.replaceWith(div);
    });
    return template.innerHTML;
  }

  textareas.forEach(function (textarea) {
    var field = textarea.closest(".field") || textarea.parentNode;
    var label = field.querySelector("label[for='" + textarea.id + "']");
    var help = document.getElementById(textarea.id + "_helptext");
    textarea.value = forEditor(textarea.value);

    var editor = document.createElement("trix-editor");
    editor.id = textarea.id + "_editor";
    editor.setAttribute("input", textarea.id);
    editor.className = "trix-content richtext-editor";
    if (label) {
      label.id = label.id || textarea.id + "_label";
      label.setAttribute("for", editor.id);
      editor.setAttribute("aria-labelledby", label.id);
    }
    if (help) { editor.setAttribute("aria-describedby", help.id); }
    if (field.classList.contains("has-error")) { editor.setAttribute("aria-invalid", "true"); }
    textarea.hidden = true;
    textarea.after(editor);
    editor.addEventListener("trix-initialize", function () {
      var toolbar = editor.toolbarElement;
      if (toolbar) {
        toolbar.setAttribute("role", "toolbar");
        toolbar.setAttribute("aria-label", labels.toolbar);
        toolbar.setAttribute("aria-controls", editor.id);
      }
    });

    // Links to the field (the error summary's) lead to the editor.
    document.querySelectorAll("a[href='#" + textarea.id + "']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        editor.scrollIntoView({ block: "center" });
        editor.focus();
      });
    });
  });

})();
