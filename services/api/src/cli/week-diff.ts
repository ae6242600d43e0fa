/**
 * Prints a plan as a readable diff of the week, in the user's zone: what moves from where to where,
 * what is added or cancelled, with the reason and who gets an email.
 */
import { Temporal } from 'temporal-polyfill';

export interface PlanOperationView {
  id: string;
  kind: string;
  reason: string;
  emails: string[];
  status: string;
  desired: {
    before?: { start: string; end: string };
    after?: { start: string; end: string };
    title?: string;
  };
}

const symbols: Record<string, string> = {
  moveSeries: '~',
  moveOccurrence: '~',
  updateFocusBlock: '~',
  createFocusBlock: '+',
  deleteFocusBlock: '-',
  cancelOccurrence: '-',
  restoreOccurrence: '+',
  rejoinSeries: '~',
};

function slot(range: { start: string; end: string } | undefined, zone: string): string {
  if (!range) return '';
  const start = Temporal.Instant.from(range.start).toZonedDateTimeISO(zone);
  const end = Temporal.Instant.from(range.end).toZonedDateTimeISO(zone);
  const day = start
    .toPlainDate()
    .toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
  return `${day} ${start.toPlainTime().toString().slice(0, 5)}–${end.toPlainTime().toString().slice(0, 5)}`;
}

export function weekDiff(operations: PlanOperationView[], zone: string): string {
  if (operations.length === 0) return 'No changes: the week already follows your rules.';
  const sorted = [...operations].sort((a, b) =>
    (a.desired.after?.start ?? a.desired.before?.start ?? '').localeCompare(
      b.desired.after?.start ?? b.desired.before?.start ?? '',
    ),
  );
  return sorted
    .map((op) => {
      const { before, after } = op.desired;
      const where =
        before && after ? `${slot(before, zone)}  →  ${slot(after, zone)}` : slot(after ?? before, zone);
      const mail = op.emails.length
        ? `  (${op.emails.length} email(s) to ${[...new Set(op.emails)].join(', ')})`
        : '';
      const state = op.status === 'planned' ? '' : `  [${op.status}]`;
      return `${symbols[op.kind] ?? '?'} ${op.kind.padEnd(17)} ${where}${state}\n    ${op.reason}${mail}\n    id ${op.id}`;
    })
    .join('\n');
}
