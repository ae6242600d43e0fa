/** The sandbox's Slack "allow access" screen and error page: plain forms, inline CSS, no scripts. */
import type { SlackUser } from './workspace.js';

const escape = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `body{font-family:Lato,system-ui,sans-serif;background:#f8f8f8;margin:0;padding:40px 16px;color:#1d1c1d}
main{max-width:480px;margin:0 auto;background:#fff;padding:36px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:24px;margin:0 0 12px}p{color:#454245}label.user{display:flex;gap:12px;align-items:center;padding:10px;
border:1px solid #ddd;border-radius:6px;margin:8px 0;cursor:pointer}ul{padding-left:20px}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:24px}button{font-size:15px;padding:8px 20px;min-width:100px;
cursor:pointer;border:1px solid #bbb;border-radius:4px;background:#fff}button.allow{background:#007a5a;color:#fff;border-color:#007a5a}
.muted{font-size:13px;color:#616061}`;

function layout(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`;
}

export interface SlackConsentView {
  requestId: string;
  clientId: string;
  teamName: string;
  userScopes: string[];
  users: SlackUser[];
  action: string;
}

export function slackConsentPage(view: SlackConsentView): string {
  const users = view.users
    .map(
      (u, i) =>
        `<label class="user"><input type="radio" name="user" value="${escape(u.id)}"${i === 0 ? ' checked' : ''} required>` +
        `<span><strong>${escape(u.realName)}</strong><br><span class="muted">${escape(u.email)}</span></span></label>`,
    )
    .join('\n');
  const scopes = view.userScopes.map((s) => `<li>${escape(s)}</li>`).join('');
  const body =
    view.users.length === 0
      ? '<p>The sandbox Slack workspace has no users yet. Add one through the control API (POST /_sandbox/slack/users).</p>'
      : `<form method="post" action="${escape(view.action)}">
<input type="hidden" name="request" value="${escape(view.requestId)}">
<p><strong>${escape(view.clientId)}</strong> is requesting permission to access the <strong>${escape(view.teamName)}</strong> Slack workspace.</p>
<fieldset style="border:0;padding:0;margin:0"><legend class="muted">Sign in as</legend>${users}</fieldset>
<p><strong>What will it be able to do on your behalf?</strong></p><ul>${scopes}</ul>
<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button>
<button type="submit" name="decision" value="allow" class="allow">Allow</button></div></form>`;
  return layout('Slack: allow access (sandbox)', `<h1>Allow access</h1>${body}`);
}

/** Slack shows an error page (no redirect) when the app, its redirect URL or its scopes are wrong. */
export function slackErrorPage(code: string, message: string): string {
  return layout(
    'Slack: something went wrong (sandbox)',
    `<h1>Something went wrong when authorizing this app.</h1><p><strong>${escape(code)}</strong>: ${escape(message)}</p>`,
  );
}
