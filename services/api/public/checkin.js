/* global document */
/**
 * A check-in drafted for one person, shown word for word with a Copy button: the user sends it over
 * Slack or Teams themselves (Frontload does not post to chat yet), so the page says so.
 */
import { announce, h } from './dom.js';

let counter = 0;

/** The draft for `who`, introduced by `intro` (which says when and why it is suggested). */
export function checkInBlock(who, text, intro) {
  const id = `check-in-${++counter}`;
  const copy = h('button', { type: 'button', className: 'secondary', 'aria-describedby': id }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      announce(`Copied the check-in for ${who}.`);
    } catch {
      // No clipboard (an insecure page, a refused permission): select it for the user to copy.
      globalThis.getSelection?.()?.selectAllChildren(document.getElementById(id));
      announce(`Select and copy the check-in for ${who}: the browser did not allow copying.`);
    }
  });
  return h(
    'div',
    { className: 'check-in' },
    h('span', {}, `${intro} (send it yourself over Slack or Teams: Frontload does not send it):`),
    h('blockquote', { className: 'pre', id }, text),
    copy,
  );
}
