import bwipjs from 'bwip-js/node';
import type { Session } from '../../shared/rpc/contract.js';
import type { CommandAck } from '../commands/service.js';
import { airportByIata } from '../../shared/reference/airports.js';
import {
  buildVoucherDocument,
  parsePrintNote,
  printNoteText,
  type VoucherDocument,
} from '../../shared/voucher/document.js';
import type { Outbox } from '../db/outbox.js';
import type { CacheQueries } from '../db/queries.js';
import { NotFoundError } from '../errors.js';

export interface VoucherServiceDeps {
  queries: Pick<CacheQueries, 'issuance' | 'caseView'>;
  outbox: Pick<Outbox, 'queued'>;
  /** Queues the print's case note (CommandService.addCaseNote: the server's audit trail keeps it). */
  addCaseNote: (caseId: string, text: string, session: Session) => CommandAck;
  now?: () => Date;
}

/** The serial as a Code 128 SVG (bwip-js, pure JS: no canvas, works under Node and Electron). */
export function barcodeSvg(serial: string): string {
  return bwipjs.toSVG({ bcid: 'code128', text: serial, scale: 2, height: 14, includetext: false, paddingwidth: 4 });
}

/**
 * Printed vouchers (issue #12). The document comes from the desk's cache (works offline); every
 * print is recorded as a note on the case ("Voucher S printed (copy 1)", "… REPRINTED (copy 2)"),
 * queued through the outbox like any command, so the server's audit trail and every desk's
 * timeline show it. The copy number counts the distinct print ids of that serial already in the
 * case's audit trail plus those still queued on this desk; a repeated print id (a retry, React's
 * double effect) answers the same copy and records nothing new.
 */
export class VoucherService {
  constructor(private readonly d: VoucherServiceDeps) {}

  document(issuanceId: string, printId: string, session: Session): { doc: VoucherDocument; noteQueued: boolean } {
    const found = this.d.queries.issuance(issuanceId);
    if (!found) throw new NotFoundError(`issuance ${issuanceId} is not in this desk's cache`);
    const issuance = found.issuance;
    // Station scope: caseView refuses a case of stations this user does not hold.
    const view = this.d.queries.caseView(issuance.caseId);
    const ent = view.entitlements.find((e) => e.id === issuance.entitlementId) ?? null;
    const stations = view.case.stations;
    const station =
      view.flight && stations.includes(view.flight.origin) ? view.flight.origin : (stations[0] ?? view.flight?.origin ?? 'UTC');
    const timeZone = airportByIata(station)?.tz ?? 'UTC';

    const prints = new Map<string, number>();
    for (const a of view.audit) {
      if (a.action !== 'note' || typeof a.details.text !== 'string') continue;
      const p = parsePrintNote(a.details.text);
      if (p && p.serial === issuance.voucherSerial) prints.set(p.printId, p.copy);
    }
    for (const q of this.d.outbox.queued('addCaseNote')) {
      const payload = q.envelope.payload as { caseId?: string; text?: string };
      if (payload.caseId !== issuance.caseId || typeof payload.text !== 'string') continue;
      const p = parsePrintNote(payload.text);
      if (p && p.serial === issuance.voucherSerial) prints.set(p.printId, p.copy);
    }
    const seen = prints.get(printId);
    const copy = seen ?? prints.size + 1;
    const now = (this.d.now ?? (() => new Date()))().toISOString();
    if (seen === undefined) this.d.addCaseNote(issuance.caseId, printNoteText(issuance.voucherSerial, copy, printId), session);

    const doc = buildVoucherDocument({
      issuance,
      entitlement: ent,
      policyValue: ent?.controls?.value ?? null,
      passenger: view.passenger,
      booking: view.booking,
      flight: view.flight,
      station,
      timeZone,
      print: { printId, copy, reprint: copy > 1, printedAt: now, printedBy: session.username },
      barcodeSvg: barcodeSvg(issuance.voucherSerial),
    });
    return { doc, noteQueued: seen === undefined };
  }
}
