import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logging redaction', () => {
  it('never writes an OAuth token, code or secret to the log output, at any nesting', () => {
    const { lines, stream } = capture();
    const log = createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, 'test', stream);
    log.info(
      {
        access_token: 'ya29.super-secret-access',
        tokens: { refresh_token: '1//refresh-secret' },
        query: { code: '4/auth-code-secret', state: 'st' },
        body: { client_secret: 'shh-secret' },
        callbackUrl: 'https://app.example/auth/google/callback?state=abc&code=4/url-code-secret&scope=x',
        headers: { authorization: 'Bearer header-secret' },
        connectionId: 'conn_1',
      },
      'token exchange done',
    );
    const out = lines.join('');
    for (const secret of [
      'ya29.super-secret-access',
      '1//refresh-secret',
      '4/auth-code-secret',
      '4/url-code-secret',
      'shh-secret',
      'header-secret',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('conn_1');
    expect(out).toContain('[redacted]');
  });

  it('drops the query string of request URLs, where OAuth codes travel', () => {
    const { lines, stream } = capture();
    const log = createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, 'test', stream);
    log.info(
      { req: { method: 'GET', url: '/auth/google/callback?code=4/secret-code&state=abc' } },
      'request',
    );
    expect(lines.join('')).not.toContain('secret-code');
    expect(lines.join('')).toContain('/auth/google/callback');
  });

  it('keeps error codes and SQLSTATEs, which share the name `code` with the OAuth authorization code', () => {
    const { lines, stream } = capture();
    const log = createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, 'test', stream);
    log.info({ code: 'FL_VALIDATION_FAILED', statusCode: 400 }, 'request refused');
    log.error({ err: Object.assign(new Error('duplicate key'), { code: '23505' }) }, 'query failed');
    log.warn({ provider: { status: 429, body: { error: { code: 'TooManyRequests' } } } }, 'throttled');
    const out = lines.join('');
    for (const code of ['FL_VALIDATION_FAILED', '23505', 'TooManyRequests']) expect(out).toContain(code);
    expect(out).not.toContain('[redacted]');
  });
});
