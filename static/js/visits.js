// Fast visit entry (SPEC §6): Ctrl+Enter (or Cmd+Enter) saves from any field, even a textarea.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
    return;
  }
  const form = event.target.closest("#visit-form");
  if (form) {
    event.preventDefault();
    form.requestSubmit();
  }
});
