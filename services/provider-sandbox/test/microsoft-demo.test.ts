import type { Client } from '@microsoft/microsoft-graph-client';
import type { Event } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandbox } from '../src/app.js';
import { graphClient, signIn, START_MS } from './microsoft-helpers.js';

describe('Microsoft demo seed (TLM week)', () => {
  let close: () => Promise<void>;
  let client: Client;
  let base: string;

  beforeAll(async () => {
    const { app, core } = await buildSandbox({
      publicUrl: 'http://127.0.0.1',
      controlEnabled: true,
      allowHttpPush: true,
      seedDemo: true,
      startAtMs: START_MS,
    });
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    close = () => app.close();
    const alex = core.accounts.byEmail('microsoft', 'alex.tlm@contoso.sandbox.test');
    if (alex === undefined) throw new Error('demo account missing');
    client = graphClient(base, (await signIn(base, alex.id)).access_token);
  });
  afterAll(async () => close());

  it("shows the TLM's week: 1:1s both ways, team meetings, all-hands, holiday, OOO and an external guest", async () => {
    const week = (await client
      .api('/me/calendarView')
      .query({ startDateTime: '2026-11-23T00:00:00Z', endDateTime: '2026-12-01T00:00:00Z' })
      .top(200)
      .get()) as { value: Event[] };
    const subjects = new Set(week.value.map((e) => e.subject));
    for (const s of [
      'Alex / Priya 1:1',
      'Marco <> Alex',
      'Team standup',
      'Company all-hands',
      'Out of office: doctor',
      'Public holiday (office closed)',
      'Alex / Chris (partner sync)',
    ]) {
      expect(subjects).toContain(s);
    }
    expect(week.value.find((e) => e.subject === 'Marco <> Alex')?.isOrganizer).toBe(false);
    expect(week.value.find((e) => e.subject === 'Out of office: doctor')?.showAs).toBe('oof');
    expect(week.value.find((e) => e.subject === 'Public holiday (office closed)')?.isAllDay).toBe(true);
    const partner = week.value.find((e) => e.subject === 'Alex / Chris (partner sync)');
    expect(partner?.attendees?.map((a) => a.emailAddress?.address)).toEqual(['chris@partner.example']);
  });

  it('keeps a recurring series at the same local time across the DST change', async () => {
    const masters = (await client
      .api('/me/events')
      .filter("startswith(subject,'Architecture review')")
      .get()) as { value: Event[] };
    const master = masters.value[0];
    const all = (await client
      .api(`/me/events/${master?.id}/instances`)
      .query({ startDateTime: '2026-08-01T00:00:00Z', endDateTime: '2027-06-01T00:00:00Z' })
      .header('Prefer', 'outlook.timezone="W. Europe Standard Time"')
      .top(100)
      .get()) as { value: Event[] };
    expect(all.value).toHaveLength(30);
    expect(new Set(all.value.map((e) => e.start?.dateTime?.slice(11)))).toEqual(
      new Set(['16:00:00.0000000']),
    );
    const utc = (await client
      .api(`/me/events/${master?.id}/instances`)
      .query({ startDateTime: '2026-08-01T00:00:00Z', endDateTime: '2027-06-01T00:00:00Z' })
      .top(100)
      .get()) as { value: Event[] };
    expect(new Set(utc.value.map((e) => e.start?.dateTime?.slice(11, 13)))).toEqual(new Set(['14', '15']));
  });

  it("makes the reports' calendars meaningful for getSchedule", async () => {
    const result = (await client.api('/me/calendar/getSchedule').post({
      schedules: ['priya.natarajan@contoso.sandbox.test', 'lena.hoffmann@contoso.sandbox.test'],
      startTime: { dateTime: '2026-11-23T09:00:00', timeZone: 'W. Europe Standard Time' },
      endTime: { dateTime: '2026-11-23T11:00:00', timeZone: 'W. Europe Standard Time' },
      availabilityViewInterval: 30,
    })) as { value: { availabilityView: string; workingHours: { daysOfWeek: string[] } }[] };
    expect(result.value[0]?.availabilityView).toMatch(/2/);
    expect(result.value[1]?.workingHours.daysOfWeek).toEqual(['monday', 'tuesday', 'wednesday', 'thursday']);
  });
});
