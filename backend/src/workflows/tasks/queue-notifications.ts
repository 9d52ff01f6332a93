import { z } from 'zod';
import { CaseSchema } from '../../../../src/shared/domain/index.js';
import { keys, stripKeys } from '../../data/keys.js';
import { batchGet, getDisruption, getFlight, getPassengers } from '../../data/repositories.js';
import { disruptionEmail, disruptionSms } from '../../notify/templates.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const QueueNotificationsInputSchema = z.object({
  flightId: z.string().min(1),
  disruptionId: z.string().min(1),
  batchResults: z.array(z.object({ casesCreated: z.array(z.string()) }).passthrough()).default([]),
});

/**
 * Tells each passenger whose case was just opened about the disruption, by email and/or SMS as
 * they opted in. Idempotent per case, disruption kind and channel, so a re-run or a duplicate
 * event sends nothing twice. Returns passengers notified / not notified.
 */
export async function queueNotifications(deps: WorkflowDeps, raw: unknown): Promise<{ sent: number; skipped: number; failed: number }> {
  const input = QueueNotificationsInputSchema.parse(raw);
  const flight = await getFlight(deps.ctx, input.flightId);
  const disruption = await getDisruption(deps.ctx, input.flightId);
  if (!flight || !disruption) return { sent: 0, skipped: 0, failed: 0 };
  const caseIds = input.batchResults.flatMap((b) => b.casesCreated);
  const cases = (await batchGet(deps.ctx, caseIds.map((id) => keys.case(id)))).map((r) => CaseSchema.parse(stripKeys(r)));
  const passengers = new Map((await getPassengers(deps.ctx, cases.map((c) => c.passengerId))).map((p) => [p.id, p]));
  let sent = 0;
  let failed = 0;
  let skipped = caseIds.length - cases.length;
  // A few sends in flight at once; each is idempotent on its own key.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, cases.length) }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const p = passengers.get(c.passengerId);
        const key = `disruption:${c.id}:${disruption.kind}`;
        let any = false;
        try {
          if (p?.email && p.contact.email) {
            const msg = disruptionEmail({ to: p.email, passengerName: `${p.firstName} ${p.lastName}`, kind: disruption.kind, delayMinutes: disruption.delayMinutes, flight });
            if ((await deps.notifier.emailOnce(key, msg)) === 'sent') any = true;
          }
          if (p?.phone && p.contact.sms && deps.notifier.canSms) {
            if ((await deps.notifier.smsOnce(key, p.phone, disruptionSms({ kind: disruption.kind, delayMinutes: disruption.delayMinutes, flight }))) === 'sent') any = true;
          }
        } catch (err) {
          // One bad address or a transport hiccup must not fail the disruption (cases are committed);
          // the claim was released, so a re-drive of the event retries exactly the unsent ones.
          failed++;
          deps.log?.warn('disruption notice failed', { caseId: c.id, error: (err as Error).message });
          continue;
        }
        if (any) sent++;
        else skipped++;
      }
    }),
  );
  return { sent, skipped, failed };
}

export const handler = lambdaHandler(queueNotifications);
