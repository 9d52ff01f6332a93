import type { AuditEntry } from '../../../shared/domain/entities.js';
import { time, utc } from '../format.js';
import { auditActionText, auditDetails, auditIds } from '../logic/money.js';
import { PrintVoucherButton } from './VoucherPrintView.js';

/** The case's append-only audit trail, newest first, with the hash chain's verdict on this desk. */
export function CaseTimeline({
  audit,
  verified,
  airport = null,
}: {
  audit: AuditEntry[];
  verified: boolean;
  airport?: string | null;
}) {
  const entries = [...audit].reverse();
  return (
    <section className="timeline" aria-label="Case timeline" data-testid="case-timeline">
      <h3>
        Timeline{' '}
        {audit.length > 0 && (
          <span
            className={`badge ${verified ? 'chain-ok' : 'chain-broken'}`}
            data-testid="audit-verified"
            data-verified={verified}
            title={
              verified
                ? 'Every entry’s hash matches the one before it'
                : 'An entry does not match the chain: the trail was altered'
            }
          >
            {verified ? '✓ chain verified' : '✗ chain BROKEN'}
          </span>
        )}
      </h3>
      {entries.length === 0 ? (
        <p className="muted">No audit entries on this desk yet.</p>
      ) : (
        <ol className="audit">
          {entries.map((a) => (
            <li
              key={a.id}
              data-testid="audit-entry"
              data-action={a.action}
              data-seq={a.seq}
              title={[`#${a.seq}`, a.commandId ? `command: ${a.commandId}` : '', auditIds(a.details)]
                .filter(Boolean)
                .join('\n')}
            >
              <span className="when" title={utc(a.at)}>
                {time(a.at, airport)}
              </span>
              <span className="what">
                <strong>{auditActionText(a.action)}</strong> <span className="muted">by {a.actor}</span>
                {auditDetails(a.details).length > 0 && (
                  <span className="details">{auditDetails(a.details).join(' · ')}</span>
                )}
                {a.action === 'issued' && typeof a.details.issuanceId === 'string' && (
                  <PrintVoucherButton issuanceId={a.details.issuanceId} testId="reprint-voucher" reprint />
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
