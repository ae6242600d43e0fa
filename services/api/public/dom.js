/* global document, Node */
/**
 * A tiny element builder. Text always goes in as text nodes (never innerHTML), so nothing from the
 * API can become markup; styles are set through the CSSOM, which the CSP allows.
 */

/**
 * Creates an element: `h('button', { type: 'button', onclick }, 'Save')`.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node|string|number|null|undefined|false)} children
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'className') el.className = String(value);
    else if (key === 'checked' || key === 'value' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Says something to screen-reader users and shows it in the status bar. */
export function announce(message, kind = 'info') {
  const bar = document.getElementById('status');
  if (!bar) return;
  bar.dataset.kind = kind;
  bar.textContent = message;
}

/** An instant in the page's one date and time format (format.js). */
export { formatWhen } from './format.js';

/** Runs an action for a button, disabling it meanwhile and reporting failures in the status bar. */
export function busy(button, action) {
  return async (event) => {
    button.disabled = true;
    try {
      await action(event);
    } catch (error) {
      announce(error instanceof Error ? error.message : String(error), 'error');
    } finally {
      button.disabled = false;
    }
  };
}
