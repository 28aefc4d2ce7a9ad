// Small behaviours with no inline script (the Content-Security-Policy forbids inline code).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// The territory tree: the first click loads a territory's children (htmx); later clicks fold and
// unfold everything below it, and never reach htmx again (this listener runs first: capture).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const row = button.closest("tr");
  if (!button.dataset.loaded) {
    button.dataset.loaded = "1";
    button.setAttribute("aria-expanded", "true");
    button.textContent = "▾";
    return; // htmx fetches the children
  }
  event.stopPropagation();
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  button.textContent = open ? "▾" : "▸";
  const path = row.dataset.path;
  for (const below of row.parentElement.querySelectorAll("tr[data-path]")) {
    if (below !== row && below.dataset.path.startsWith(path)) {
      below.hidden = !open;
      const inner = below.querySelector("[data-tree-toggle][data-loaded]");
      if (inner && open) {
        inner.setAttribute("aria-expanded", "true");
        inner.textContent = "▾";
      }
    }
  }
}, true);
