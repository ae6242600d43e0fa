import { Writable } from 'node:stream';
import { createLogger, loggerOptions } from '@frontload/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';

const settings = { LOG_LEVEL: 'info', LOG_PRETTY: false };

describe('request ids in every log line', () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  // What repositories and providers log through: a root logger, not the request's child logger.
  const root = createLogger(settings, 'deep', stream);
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp({ logger: { ...loggerOptions(settings, 'api'), stream } });
    t.app.post('/test/log', async (request) => {
      await new Promise((resolve) => setImmediate(resolve));
      root.info({ body: request.body }, 'logged by the root logger');
      return { ok: true };
    });
  });
  afterAll(() => t.close());

  const linesOf = (reqId: string) => lines.filter((line) => line.reqId === reqId);

  it('tags root-logger lines with the request id, after the body was read, for concurrent requests', async () => {
    const ids = ['req-one', 'req-two', 'req-three'];
    // Over a real socket, so the body arrives on the connection's own callbacks.
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const answers = await Promise.all(
      ids.map((id) =>
        fetch(`${base}/test/log`, {
          method: 'POST',
          headers: { 'x-request-id': id, 'content-type': 'application/json' },
          body: JSON.stringify({ id }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const id of ids) {
      const deep = linesOf(id).filter((line) => line.msg === 'logged by the root logger');
      expect(deep, id).toHaveLength(1);
      expect(deep[0]).toMatchObject({ name: 'deep', body: { id } });
    }
  });

  it("keeps Fastify's own request lines with one reqId each", async () => {
    await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'req-health' } });
    await t.app.inject({ method: 'GET', url: '/api/v1/account', headers: { 'x-request-id': 'req-account' } });
    const own = linesOf('req-account');
    expect(own.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
  });
});
