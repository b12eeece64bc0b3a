// A button marked data-print prints the page (the print stylesheet leaves only the document).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
