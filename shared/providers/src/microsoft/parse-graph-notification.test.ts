import { describe, expect, it } from 'vitest';
import { sharedJson } from '../__fixtures__/fixtures.js';
import { parseGraphNotification } from './parse-graph-notification.js';

describe('parseGraphNotification', () => {
  it('reads the documented change notification (graph-change-notification-webhook-post-body.json)', () => {
    const body = sharedJson('graph-change-notification-webhook-post-body.json');
    expect(parseGraphNotification({ query: {}, body })).toEqual({
      kind: 'notifications',
      changes: [
        {
          subscriptionId: '{subscription_guid}',
          clientState: 'secretClientValue',
          changeType: 'created',
          resource: 'users/{user_guid}@{tenant_guid}/messages/{long_id_string}',
          resourceId: '{long_id_string}',
        },
      ],
      lifecycle: [],
    });
  });

  it('recognises the validation handshake and returns the decoded token (M-VALID)', () => {
    const query = new URLSearchParams(
      'validationToken=Validation%3A%20Testing%20client%20application%20reachability',
    );
    expect(parseGraphNotification({ query, body: undefined })).toEqual({
      kind: 'validation',
      validationToken: 'Validation: Testing client application reachability',
    });
    expect(parseGraphNotification({ query: { validationToken: '' }, body: undefined }).kind).toBe('invalid');
  });

  it('separates lifecycle events from changes', () => {
    const body = {
      value: [
        {
          subscriptionId: 's1',
          clientState: 'k',
          lifecycleEvent: 'reauthorizationRequired',
          subscriptionExpirationDateTime: '2026-11-22T00:00:00Z',
        },
        { subscriptionId: 's1', clientState: 'k', lifecycleEvent: 'missed' },
        {
          subscriptionId: 's1',
          clientState: null,
          changeType: 'deleted',
          resource: 'me/events/AAMk1',
          resourceData: { id: 'AAMk1' },
        },
      ],
    };
    expect(parseGraphNotification({ query: {}, body })).toEqual({
      kind: 'notifications',
      changes: [
        { subscriptionId: 's1', changeType: 'deleted', resource: 'me/events/AAMk1', resourceId: 'AAMk1' },
      ],
      lifecycle: [
        { subscriptionId: 's1', clientState: 'k', lifecycleEvent: 'reauthorizationRequired' },
        { subscriptionId: 's1', clientState: 'k', lifecycleEvent: 'missed' },
      ],
    });
  });

  it.each([
    ['no body', undefined],
    ['an empty batch', { value: [] }],
    ['an item without subscription', { value: [{ changeType: 'created' }] }],
    ['an unknown change type', { value: [{ subscriptionId: 's', changeType: 'moved' }] }],
    ['an unknown lifecycle event', { value: [{ subscriptionId: 's', lifecycleEvent: 'reborn' }] }],
    [
      'an oversized clientState',
      { value: [{ subscriptionId: 's', changeType: 'created', clientState: 'x'.repeat(300) }] },
    ],
  ])('refuses %s', (_label, body) => {
    expect(parseGraphNotification({ query: {}, body }).kind).toBe('invalid');
  });
});
