import { z } from 'zod';
import { getCase, getDisruption, getFlight, getPassenger } from '../../data/repositories.js';
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
  let sent = 0;
  let skipped = 0;
  for (const caseId of input.batchResults.flatMap((b) => b.casesCreated)) {
    const c = await getCase(deps.ctx, caseId);
    const p = c ? await getPassenger(deps.ctx, c.passengerId) : null;
    if (!p || !p.email || !p.contact.email) {
      skipped++;
      continue;
    }
    const msg = disruptionEmail({ to: p.email, passengerName: `${p.firstName} ${p.lastName}`, kind: disruption.kind, delayMinutes: disruption.delayMinutes, flight });
    const r = await deps.notifier.emailOnce(`disruption:${caseId}:${disruption.kind}`, msg);
    if (r === 'sent') sent++;
    else skipped++;
  }
  return { sent, skipped };
}

export const handler = lambdaHandler(queueNotifications);
