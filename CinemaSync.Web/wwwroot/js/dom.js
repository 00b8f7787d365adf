// Small DOM helpers shared by the page's panels.

/** `el("li", { class: "x", text: "hi", "aria-label": "…" }, child…)`: an element with attributes and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter(c => c != null && c !== false));
  return node;
}

/**
 * Re-renders `container` with `render()` and gives the focus back to the element that had it,
 * matched by its `data-focus-key`, so keyboard users keep their place when a list is redrawn.
 */
export function rerenderKeepingFocus(container, render) {
  const active = document.activeElement;
  const key = container.contains(active) ? active?.dataset?.focusKey : null;
  render();
  if (!key) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  (again && !again.disabled ? again : container.querySelector("button:not(:disabled)"))?.focus();
}

/** Copies `text` to the clipboard; false when the browser refuses (then show the text to copy by hand). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** "1:05:09" / "4:02" from milliseconds or seconds. */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms <= 0) return "";
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h ? `${h}:${String(m).padStart(2, "0")}` : `${m}`) + `:${String(r).padStart(2, "0")}`;
}

const statusTimers = new WeakMap();

/** Says `text` in a status element and clears it after `ms`, so old news does not linger. */
export function flash(element, text, ms = 6000) {
  clearTimeout(statusTimers.get(element));
  element.textContent = text;
  statusTimers.set(element, setTimeout(() => { if (element.textContent === text) element.textContent = ""; }, ms));
}
