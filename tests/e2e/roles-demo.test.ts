/**
 * Roles on the demo calendar, synced from the sandbox through the real adapters: the roles People
 * suggests match the demo's truth (the team in Alex's standup are the reports; the people Alex has
 * 1:1s with outside it, cross-functional or external, are partners), and the plan's 1:1 overload
 * rule counts reports only, as the user sets them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLM_WEEK } from '../../services/provider-sandbox/src/demo/tlm-week.js';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { startPipeline, type PipelineHarness } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

interface Person {
  email: string;
  displayName: string;
  role: string;
  roleSource: string;
}
interface Week {
  week: string;
  reportsWithOneOnOnes: number;
  partnersWithOneOnOnes: number;
  overload: string[];
}

const nameOf = (key: string) => TLM_WEEK.people.find((p) => p.key === key)!.name;
// The demo's truth: Alex's team is the standup; every other 1:1 is with a partner.
const team = new Set(TLM_WEEK.events.find((e) => e.key === 'standup')!.attendees);
const oneOnOnes = TLM_WEEK.events
  .filter((e) => e.kind === 'oneOnOne')
  .map((e) => (e.organizer === TLM_WEEK.user ? e.attendees[0]! : e.organizer));
const truth = Object.fromEntries(oneOnOnes.map((key) => [nameOf(key), team.has(key) ? 'report' : 'partner']));

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('roles on the demo calendar on %s', (provider, email) => {
  let p: PipelineHarness;

  beforeAll(async () => {
    p = await startPipeline(provider, email);
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  const people = async () =>
    (await p.h.t.app.inject({ method: 'GET', url: '/api/v1/people', headers: { cookie: p.cookie } })).json<{
      people: Person[];
    }>().people;
  const weeks = async () => {
    expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
    const res = await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } });
    return res.json<{ metrics: { weeks: Week[] } }>().metrics.weeks;
  };

  it('suggests the demo truth: the four in the team are reports, Sam, Dana and Chris partners', async () => {
    expect(Object.values(truth).filter((r) => r === 'report')).toHaveLength(4);
    const suggested = Object.fromEntries((await people()).map((x) => [x.displayName, x.role]));
    expect(suggested).toEqual(truth);
    expect((await people()).every((x) => x.roleSource === 'detected')).toBe(true);
  }, 60_000);

  it('counts reports only toward the 1:1 limit, and a role the user sets moves a person between the counts', async () => {
    const before = await weeks();
    expect(before.length).toBeGreaterThan(0);
    // Priya, Jonas and Lena meet Alex weekly (Marco every other week).
    expect(Math.min(...before.map((w) => w.reportsWithOneOnOnes))).toBeGreaterThanOrEqual(3);
    for (const week of before) {
      expect(week.reportsWithOneOnOnes).toBeLessThanOrEqual(4);
      expect(week.partnersWithOneOnOnes).toBeLessThanOrEqual(3);
      expect(week.overload).not.toContain('tooManyOneOnOnes');
    }
    // Dana (Design, weekly 1:1 Alex organizes) made a report by the user: one more report, one fewer partner.
    const dana = (await people()).find((x) => x.displayName === nameOf('dana'))!;
    const res = await p.h.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${dana.email}`,
      headers: p.writes,
      payload: { role: 'report' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await people()).find((x) => x.email === dana.email)).toMatchObject({
      role: 'report',
      roleSource: 'user',
    });
    const after = await weeks();
    expect(after.map((w) => [w.week, w.reportsWithOneOnOnes, w.partnersWithOneOnOnes])).toEqual(
      before.map((w) => [w.week, w.reportsWithOneOnOnes + 1, w.partnersWithOneOnOnes - 1]),
    );
  }, 120_000);
});
