import { z } from 'zod';
import { CaseSchema } from '../../../../src/shared/domain/index.js';
import { keys, stripKeys } from '../../data/keys.js';
import { batchGet, getDisruption, getFlight, getPassengers } from '../../data/repositories.js';
import { disruptionEmail } from '../../notify/templates.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const QueueNotificationsInputSchema = z.object({
  flightId: z.string().min(1),
  disruptionId: z.string().min(1),
  batchResults: z.array(z.object({ casesCreated: z.array(z.string()) }).passthrough()).default([]),
});

/**
 * Tells each passenger whose case was just opened about the disruption (email if they opted
 * in). Idempotent per case and disruption kind, so a re-run or a duplicate event sends nothing twice.
 */
export async function queueNotifications(deps: WorkflowDeps, raw: unknown): Promise<{ sent: number; skipped: number }> {
  const input = QueueNotificationsInputSchema.parse(raw);
  const flight = await getFlight(deps.ctx, input.flightId);
  const disruption = await getDisruption(deps.ctx, input.flightId);
  if (!flight || !disruption) return { sent: 0, skipped: 0 };
  const caseIds = input.batchResults.flatMap((b) => b.casesCreated);
  const cases = (await batchGet(deps.ctx, caseIds.map((id) => keys.case(id)))).map((r) => CaseSchema.parse(stripKeys(r)));
  const passengers = new Map((await getPassengers(deps.ctx, cases.map((c) => c.passengerId))).map((p) => [p.id, p]));
  let sent = 0;
  let skipped = caseIds.length - cases.length;
  // A few sends in flight at once; each is idempotent on its own key.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, cases.length) }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const p = passengers.get(c.passengerId);
        if (!p || !p.email || !p.contact.email) {
          skipped++;
          continue;
        }
        const msg = disruptionEmail({ to: p.email, passengerName: `${p.firstName} ${p.lastName}`, kind: disruption.kind, delayMinutes: disruption.delayMinutes, flight });
        const r = await deps.notifier.emailOnce(`disruption:${c.id}:${disruption.kind}`, msg);
        if (r === 'sent') sent++;
        else skipped++;
      }
    }),
  );
  return { sent, skipped };
}

export const handler = lambdaHandler(queueNotifications);
