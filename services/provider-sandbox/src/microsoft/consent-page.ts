/** The sandbox's Microsoft sign-in/consent screen and error page: plain forms, inline CSS, no scripts. */
import type { SandboxAccount } from '../core/types.js';

const escape = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;padding:40px 16px;color:#1b1b1b}
main{max-width:440px;margin:0 auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 12px}p{color:#444}label.account{display:flex;gap:12px;align-items:center;
padding:10px;border:1px solid #ccc;margin:8px 0;cursor:pointer}ul{padding-left:20px}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:24px}button{font-size:15px;padding:6px 20px;min-width:108px;
cursor:pointer;border:1px solid #8c8c8c;background:#ccc}button.accept{background:#0067b8;color:#fff;border-color:#0067b8}
.muted{font-size:13px;color:#666}`;

function layout(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`;
}

export interface ConsentView {
  consentId: string;
  clientId: string;
  scopes: string[];
  accounts: SandboxAccount[];
  loginHint: string | undefined;
  action: string;
}

export function consentPage(view: ConsentView): string {
  const preferred =
    view.accounts.find((a) => a.email.toLowerCase() === view.loginHint?.toLowerCase()) ?? view.accounts[0];
  const accounts = view.accounts
    .map(
      (a) =>
        `<label class="account"><input type="radio" name="account" value="${escape(a.id)}"${a.id === preferred?.id ? ' checked' : ''} required>` +
        `<span><strong>${escape(a.name)}</strong><br><span class="muted">${escape(a.email)}</span></span></label>`,
    )
    .join('\n');
  const scopes = view.scopes.map((s) => `<li>${escape(s)}</li>`).join('');
  const body =
    view.accounts.length === 0
      ? '<p>No sandbox Microsoft accounts exist yet. Create one through the control API (POST /_sandbox/accounts).</p>'
      : `<form method="post" action="${escape(view.action)}">
<input type="hidden" name="consent" value="${escape(view.consentId)}">
<p>Pick an account to continue to <strong>${escape(view.clientId)}</strong></p>
<fieldset style="border:0;padding:0;margin:0"><legend class="muted">Sandbox Microsoft accounts</legend>${accounts}</fieldset>
<p><strong>Permissions requested</strong> — ${escape(view.clientId)} would like to:</p><ul>${scopes}</ul>
<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button>
<button type="submit" name="decision" value="accept" class="accept">Accept</button></div></form>`;
  return layout('Sign in to your account (sandbox)', `<h1>Sign in</h1>${body}`);
}

/** Entra shows an error page (no redirect) when the app or its redirect URI cannot be trusted. */
export function errorPage(code: string, message: string): string {
  return layout(
    'Sign in to your account (sandbox)',
    `<h1>Sorry, but we’re having trouble signing you in.</h1><p><strong>${escape(code)}: ${escape(message)}</strong></p>`,
  );
}
