/**
 * The `slack` delivery format: a Slack incoming-webhook message carrying the same facts as the JSON
 * event (https://api.slack.com/messaging/webhooks): a `text` fallback plus Block Kit sections.
 */
import type { WebhookPayloadV1 } from '@frontload/domain';
import Type, { type Static } from 'typebox';

const Mrkdwn = Type.Object({
  type: Type.Literal('mrkdwn'),
  text: Type.String({ minLength: 1, maxLength: 3000 }),
});

/** The subset of Slack's incoming-webhook payload we send; tests validate every message against it. */
export const SlackIncomingWebhookMessage = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 40_000 }),
    blocks: Type.Array(
      Type.Union([
        Type.Object({ type: Type.Literal('section'), text: Mrkdwn }, { additionalProperties: false }),
        Type.Object(
          { type: Type.Literal('context'), elements: Type.Array(Mrkdwn, { minItems: 1, maxItems: 10 }) },
          { additionalProperties: false },
        ),
      ]),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type SlackIncomingWebhookMessage = Static<typeof SlackIncomingWebhookMessage>;

const titles: Record<WebhookPayloadV1['type'], string> = {
  'overload.tripped': ':warning: Week overloaded',
  'overload.cleared': ':white_check_mark: Week back under the limit',
  'connection.lost': ':electric_plug: Calendar connection lost',
  'skip_week.announced': ':palm_tree: Skip week coming up',
  'people.not_seen': ':wave: People you have not seen lately',
  'webhook.test': ':wave: Test from Frontload',
};

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function facts(data: WebhookPayloadV1['data']): string[] {
  const lines: string[] = [];
  if (data.week) lines.push(`*Week of ${data.week.start}* (${escape(data.week.zone)})`);
  for (const [name, value] of Object.entries(data.measured ?? {})) {
    const limit = data.thresholds?.[name];
    lines.push(`• ${escape(name)}: *${value}*${limit === undefined ? '' : ` (limit ${limit})`}`);
  }
  if (data.skipWeek) {
    lines.push(
      `Skipped: ${data.skipWeek.affected.map((p) => escape(p.name || p.email)).join(', ') || 'nobody'}`,
    );
    lines.push(
      `Protected: ${data.skipWeek.protected.map((p) => escape(p.name || p.email)).join(', ') || 'nobody'}`,
    );
  }
  if (data.notSeen) {
    const { lookbackDays, people } = data.notSeen;
    for (const p of people) {
      const gap = p.daysNotSeen === null ? `not in ${lookbackDays} days` : `${p.daysNotSeen} days`;
      lines.push(`• ${escape(p.name || p.email)} (${p.role}): *${gap}*`);
    }
  }
  return lines;
}

export function slackMessage(payload: WebhookPayloadV1): SlackIncomingWebhookMessage {
  const title = titles[payload.type];
  const details = facts(payload.data);
  return {
    text: `${title}: ${payload.data.summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${escape(payload.data.summary)}` } },
      ...(details.length
        ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: details.join('\n') } }]
        : []),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `<${payload.data.links.settings}|Open Frontload settings>` }],
      },
    ],
  };
}
