import { describe, expect, it } from 'vitest';
import { sampleValue } from './exposition.js';

const text = [
  '# HELP frontload_queue_jobs Jobs in each BullMQ queue by state.',
  '# TYPE frontload_queue_jobs gauge',
  'frontload_queue_jobs{queue="sync",state="waiting"} 3',
  'frontload_queue_jobs{queue="sync",state="delayed"} 2',
  'frontload_queue_jobs{queue="plan",state="waiting"} 7',
  'frontload_provider_calls_total{provider="google",route="events.list",status="a,\\"b\\""} 4',
  'frontload_queue_jobs_total 99',
].join('\n');

describe('sampleValue', () => {
  it('reads one sample by name and labels, summing the samples that match a subset of labels', () => {
    expect(sampleValue(text, 'frontload_queue_jobs', { queue: 'sync', state: 'delayed' })).toBe(2);
    expect(sampleValue(text, 'frontload_queue_jobs', { queue: 'sync' })).toBe(5);
    expect(sampleValue(text, 'frontload_queue_jobs')).toBe(12);
  });

  it('answers undefined when nothing matches, and never confuses a longer name or an escaped value', () => {
    expect(sampleValue(text, 'frontload_queue_jobs', { queue: 'apply' })).toBeUndefined();
    expect(sampleValue(text, 'frontload_queue')).toBeUndefined();
    expect(sampleValue(text, 'frontload_provider_calls_total', { status: 'a,"b"' })).toBe(4);
  });
});
