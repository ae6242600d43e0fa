import { Writable } from 'node:stream';
import { setTimeout as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from './index.js';

function captured() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, 'test', stream) };
}

describe('log context', () => {
  it('adds the context fields to lines a root logger writes inside it, across awaits, and none outside', async () => {
    const { lines, log } = captured();
    await withLogContext({ jobId: 'job-1', queue: 'sync', jobName: 'sync' }, async () => {
      await tick(1);
      log.info('deep inside');
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'deep inside', jobId: 'job-1', queue: 'sync', jobName: 'sync' });
    expect(lines[1]).not.toHaveProperty('jobId');
  });

  it('keeps concurrent contexts apart', async () => {
    const { lines, log } = captured();
    await Promise.all(
      ['a', 'b', 'c'].map((reqId, i) =>
        withLogContext({ reqId }, async () => {
          await tick(5 - i);
          log.info(`request ${reqId}`);
        }),
      ),
    );
    for (const line of lines) expect(line.msg).toBe(`request ${String(line.reqId)}`);
    expect(lines).toHaveLength(3);
  });

  it('nests, keeping the outer fields, and never writes a key a child logger already binds twice', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ LOG_LEVEL: 'info', LOG_PRETTY: false }, 'test', stream);
    withLogContext({ reqId: 'req-7' }, () =>
      withLogContext({ jobId: 'job-9' }, () => log.child({ jobId: 'job-9' }).info('bound')),
    );
    expect(JSON.parse(lines[0]!)).toMatchObject({ reqId: 'req-7', jobId: 'job-9' });
    expect(lines[0]!.match(/"jobId"/g)).toHaveLength(1);
  });
});
