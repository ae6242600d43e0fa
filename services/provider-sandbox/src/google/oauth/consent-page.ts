/** The HTML of the sandbox's Google sign-in and consent screens: plain forms, inline CSS, no scripts. */
import type { SandboxAccount } from '../../core/types.js';
import { SCOPE_DESCRIPTIONS } from '../scopes.js';

const escape = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `body{font-family:system-ui,sans-serif;background:#f1f3f4;margin:0;padding:40px 16px;color:#202124}
main{max-width:460px;margin:0 auto;background:#fff;border-radius:8px;padding:32px;border:1px solid #dadce0}
h1{font-size:22px;font-weight:400;margin:0 0 8px}p{color:#5f6368}label.account{display:flex;gap:12px;align-items:center;
padding:10px;border:1px solid #dadce0;border-radius:6px;margin:8px 0;cursor:pointer}ul{padding-left:20px;color:#3c4043}
.actions{display:flex;justify-content:flex-end;gap:12px;margin-top:24px}button{font-size:14px;padding:9px 22px;border-radius:4px;
cursor:pointer;border:1px solid #dadce0;background:#fff}button.allow{background:#1a73e8;color:#fff;border-color:#1a73e8}
.badge{font-size:12px;color:#5f6368}`;

function layout(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`;
}

export interface ConsentView {
  consentId: string;
  clientId: string;
  scopes: string[];
  accounts: SandboxAccount[];
  loginHint?: string;
  action: string;
}

export function consentPage(view: ConsentView): string {
  const preferred = view.accounts.find((a) => a.email === view.loginHint?.toLowerCase()) ?? view.accounts[0];
  const accounts = view.accounts
    .map(
      (a) =>
        `<label class="account"><input type="radio" name="account" value="${escape(a.id)}"${
          a.id === preferred?.id ? ' checked' : ''
        } required><span><strong>${escape(a.name)}</strong><br><span class="badge">${escape(a.email)}</span></span></label>`,
    )
    .join('\n');
  const scopes = view.scopes
    .map((s) => `<li>${escape(SCOPE_DESCRIPTIONS[s] ?? s)} <span class="badge">${escape(s)}</span></li>`)
    .join('');
  const body =
    view.accounts.length === 0
      ? '<p>No sandbox Google accounts exist yet. Create one through the control API (POST /_sandbox/accounts).</p>'
      : `<form method="post" action="${escape(view.action)}">
<input type="hidden" name="consent" value="${escape(view.consentId)}">
<p>Choose an account to continue to <strong>${escape(view.clientId)}</strong></p>
<fieldset style="border:0;padding:0;margin:0"><legend class="badge">Sandbox Google accounts</legend>${accounts}</fieldset>
<p>${escape(view.clientId)} wants to:</p><ul>${scopes}</ul>
<div class="actions"><button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="allow">Allow</button></div></form>`;
  return layout('Sign in - Google Accounts (sandbox)', `<h1>Sign in with Google</h1>${body}`);
}

/** Google shows an error page (no redirect) when the client or redirect URI cannot be trusted. */
export function errorPage(status: number, error: string, detail: string): string {
  return layout(
    `Error ${status}: ${error}`,
    `<h1>Access blocked: this app's request is invalid</h1><p><strong>Error ${status}: ${escape(error)}</strong></p><p>${escape(detail)}</p>`,
  );
}
