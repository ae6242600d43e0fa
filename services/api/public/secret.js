/** A secret shown once (webhook signing secrets, API tokens): visible now, never fetched again. */
import { h } from './dom.js';

/** The once-shown box; removing it from the page is the only copy gone. */
export function onceShown(label, secret, id) {
  return h(
    'div',
    { className: 'once', role: 'alert', id },
    h(
      'p',
      {},
      h('strong', {}, label),
      ' — shown once. Copy it now; Frontload keeps only a sealed copy or a hash.',
    ),
    h('code', { className: 'secret', tabindex: '0' }, secret),
  );
}
