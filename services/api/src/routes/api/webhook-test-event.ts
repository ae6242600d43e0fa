import type { WebhookPayloadV1 } from '@frontload/domain';

/** The body of a test-send: the same shape as a real event, so a receiver can be tried end to end. */
export function testEventPayload(input: {
  userId: string;
  email: string;
  now: Date;
  publicUrl: string;
}): WebhookPayloadV1 {
  return {
    type: 'webhook.test',
    timestamp: input.now.toISOString(),
    data: {
      version: 1,
      summary: 'Test event from Frontload: this endpoint receives and verifies signed deliveries.',
      user: { id: input.userId, email: input.email },
      links: { settings: `${input.publicUrl.replace(/\/$/, '')}/#webhooks` },
    },
  };
}
