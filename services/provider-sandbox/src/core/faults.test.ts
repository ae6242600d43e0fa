import { describe, expect, it } from 'vitest';
import { createFaultInjector } from './faults.js';

const request = {
  provider: 'google' as const,
  route: 'GET /calendar/v3/calendars/:calendarId/events',
  accountId: 'a1',
};

describe('fault injector', () => {
  it('matches exact routes, prefixes and accounts, and expires counted rules', () => {
    const faults = createFaultInjector();
    faults.add({ route: 'GET /calendar/v3/*', accountId: 'someone-else', status: 500 });
    faults.add({ route: 'GET /calendar/v3/*', status: 503, count: 2 });
    expect(faults.match(request)?.status).toBe(503);
    expect(faults.match(request)?.status).toBe(503);
    expect(faults.match(request)).toBeUndefined();
    expect(faults.list()).toHaveLength(1);
  });

  it('draws rate-based faults from a seeded generator (same seed, same failures)', () => {
    const run = () => {
      const faults = createFaultInjector(42);
      faults.add({ route: '*', status: 500, rate: 0.3 });
      return Array.from({ length: 200 }, () => faults.match(request) !== undefined);
    };
    const first = run();
    expect(run()).toEqual(first);
    const share = first.filter(Boolean).length / first.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('consumes push faults per provider and account', () => {
    const faults = createFaultInjector();
    faults.setPushFault({ provider: 'microsoft', mode: 'drop', count: 1 });
    faults.setPushFault({ accountId: 'a1', mode: 'delay', count: 1, delayMs: 5 });
    expect(faults.takePushFault('google', 'a2')).toBeUndefined();
    expect(faults.takePushFault('google', 'a1')).toEqual({ mode: 'delay', delayMs: 5 });
    expect(faults.takePushFault('microsoft', 'a2')).toEqual({ mode: 'drop' });
    expect(faults.pushFaults()).toEqual([]);
  });
});
