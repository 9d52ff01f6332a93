import { z } from 'zod';
import { formatMoney, MoneySchema, type Money } from '../money.js';
import {
  InstantSchema,
  PaymentMethodSchema,
  type Booking,
  type Flight,
  type Issuance,
  type Passenger,
} from '../domain/entities.js';

/**
 * The printed voucher (issue #12): everything a passenger, a restaurant, a hotel or a cab needs to
 * honour a voucher, as the desk's main process builds it from its cache (`voucher:document`). Pure:
 * the same model is unit-tested here and rendered by the renderer's print view.
 */

/** Care given in kind (a voucher to spend at a partner); everything else is compensation or a refund. */
export const CARE_TYPES: ReadonlySet<string> = new Set(['meal', 'hotel', 'transport', 'communication']);

/**
 * How long a voucher is valid (docs/vouchers.md):
 * - `CARE_DAY`   daily care (`D<n>`): until 23:59 station time on care day n, day 1 = the local day of the
 *   flight's scheduled departure at the station; at least 12 h after issue.
 * - `CARE_NIGHT` a hotel night (`N<n>`): until 12:00 (check-out) station time the morning after night n,
 *   night 1 = the night of the scheduled departure day; at least 12 h after issue.
 * - `CARE_EVENT` once-per-disruption care (`EVENT`): 24 h from issue.
 * - `TRAVEL_VOUCHER` compensation paid as a travel voucher, or travel credit: 365 days from issue.
 * - `NO_EXPIRY`  compensation paid by transfer, cheque or cash: the document is a receipt, no end date.
 */
export const ValidityRuleSchema = z.enum(['CARE_DAY', 'CARE_NIGHT', 'CARE_EVENT', 'TRAVEL_VOUCHER', 'NO_EXPIRY']);
export type ValidityRule = z.infer<typeof ValidityRuleSchema>;

export const VoucherValiditySchema = z.object({
  from: InstantSchema,
  /** null = no end date (a receipt for money paid out). */
  until: InstantSchema.nullable(),
  rule: ValidityRuleSchema,
  /** The IANA zone the times are printed in (the station's), `UTC` when unknown. */
  timeZone: z.string(),
});
export type VoucherValidity = z.infer<typeof VoucherValiditySchema>;

export const VoucherFormatSchema = z.enum(['page', 'receipt']);
/** `page` = A4/Letter (the default), `receipt` = an 80 mm receipt printer. */
export type VoucherFormat = z.infer<typeof VoucherFormatSchema>;

export const VoucherDocumentSchema = z.object({
  serial: z.string().min(1).max(64),
  issuanceId: z.string(),
  caseId: z.string(),
  /** Entitlement type (`meal`, `hotel`, `transport`, `cash`, …) and its care period (`D1`, `N2`, `EVENT`). */
  type: z.string(),
  carePeriod: z.string().nullable(),
  regime: z.string().nullable(),
  /** VALID, or VOID (a voided voucher still prints, stamped VOID, e.g. for the file). */
  status: z.enum(['VALID', 'VOID']),
  passenger: z.object({ name: z.string(), pnr: z.string().nullable(), seat: z.string().nullable() }),
  /** The amount issued, else (in-kind care) the policy's value of it; null = a service with no value. */
  value: MoneySchema.nullable(),
  /** `12.00 USD` (ISO code, never a symbol); `—` without a value. */
  valueText: z.string(),
  /** `amount` = the issued amount; `up_to` = in-kind care honoured up to the policy value. */
  valueBasis: z.enum(['amount', 'up_to', 'none']),
  paymentMethod: PaymentMethodSchema.nullable(),
  validity: VoucherValiditySchema,
  /** Issuing station (IATA) and agent, when and from which desk. */
  station: z.string(),
  agent: z.string(),
  issuedAt: InstantSchema,
  deskId: z.string(),
  offline: z.boolean(),
  flight: z
    .object({
      label: z.string(),
      origin: z.string(),
      destination: z.string(),
      scheduledDeparture: InstantSchema,
      status: z.string(),
    })
    .nullable(),
  /** This print: copy 1 is the original, any later copy is a REPRINT (counted by the main process). */
  print: z.object({
    printId: z.string(),
    copy: z.number().int().positive(),
    reprint: z.boolean(),
    printedAt: InstantSchema,
    printedBy: z.string(),
  }),
  /** The serial as a Code 128 barcode, an SVG rendered by bwip-js in the main process (shown as an image). */
  barcode: z.object({
    symbology: z.literal('code128'),
    text: z.string(),
    svg: z.string().startsWith('<svg').max(200_000),
  }),
});
export type VoucherDocument = z.infer<typeof VoucherDocumentSchema>;

// ───────── time in a zone, without a library ─────────

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function zoneParts(ms: number, timeZone: string): Record<string, number> {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of `timeZone` from UTC at the instant `ms`, in ms (east positive). */
function zoneOffset(ms: number, timeZone: string): number {
  const p = zoneParts(ms, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return asUtc - (ms - (ms % 1000));
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in a zone. */
export function localDay(iso: string, timeZone: string): string {
  const p = zoneParts(Date.parse(iso), timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The instant of wall-clock `hh:mm` on `day` plus `addDays` days in a zone (DST-safe: offset re-read at the result). */
export function atLocal(day: string, addDays: number, hh: number, mm: number, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d + addDays, hh, mm);
  const first = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(first, timeZone);
}

const HOUR = 3_600_000;

/**
 * The validity of a voucher from its issuance, its care period and the flight (rules on
 * {@link ValidityRuleSchema}). `timeZone` is the issuing station's IANA zone.
 */
export function voucherValidity(input: {
  type: string;
  carePeriod: string | null;
  paymentMethod: Issuance['paymentMethod'];
  issuedAt: string;
  scheduledDeparture: string | null;
  timeZone: string;
}): VoucherValidity {
  const from = Date.parse(input.issuedAt);
  const out = (until: number | null, rule: ValidityRule): VoucherValidity => ({
    from: new Date(from).toISOString(),
    until: until === null ? null : new Date(until).toISOString(),
    rule,
    timeZone: input.timeZone,
  });
  const care = CARE_TYPES.has(input.type) || input.paymentMethod === 'in_kind_voucher';
  if (care) {
    const period = /^([DN])(\d{1,3})$/.exec(input.carePeriod ?? '');
    if (period) {
      const n = Number(period[2]);
      const base = localDay(input.scheduledDeparture ?? input.issuedAt, input.timeZone);
      const end =
        period[1] === 'D'
          ? atLocal(base, n - 1, 23, 59, input.timeZone)
          : atLocal(base, n, 12, 0, input.timeZone);
      return out(Math.max(end, from + 12 * HOUR), period[1] === 'D' ? 'CARE_DAY' : 'CARE_NIGHT');
    }
    return out(from + 24 * HOUR, 'CARE_EVENT');
  }
  if (input.paymentMethod === 'travel_voucher' || input.type === 'travel_credit')
    return out(from + 365 * 24 * HOUR, 'TRAVEL_VOUCHER');
  return out(null, 'NO_EXPIRY');
}

/** What the main process knows when it builds a voucher (all from the desk's cache). */
export interface VoucherInput {
  issuance: Issuance;
  entitlement: { type: string; carePeriod: string; regime: string } | null;
  /** The policy value of in-kind care (when the issuance carries no amount). */
  policyValue: Money | null;
  passenger: Passenger | null;
  booking: Booking | null;
  flight: Flight | null;
  station: string;
  timeZone: string;
  print: VoucherDocument['print'];
  barcodeSvg: string;
}

/** Builds (and validates) the printed voucher's model. */
export function buildVoucherDocument(i: VoucherInput): VoucherDocument {
  const value = i.issuance.amount ?? i.policyValue;
  const carePeriod = i.entitlement?.carePeriod ?? null;
  return VoucherDocumentSchema.parse({
    serial: i.issuance.voucherSerial,
    issuanceId: i.issuance.id,
    caseId: i.issuance.caseId,
    type: i.issuance.type,
    carePeriod,
    regime: i.entitlement?.regime ?? null,
    status: i.issuance.status,
    passenger: {
      name: i.passenger ? `${i.passenger.firstName} ${i.passenger.lastName}` : i.issuance.passengerId,
      pnr: i.booking?.pnr ?? null,
      seat: i.booking?.seat ?? null,
    },
    value,
    valueText: value ? formatMoney(value) : '—',
    valueBasis: i.issuance.amount ? 'amount' : value ? 'up_to' : 'none',
    paymentMethod: i.issuance.paymentMethod,
    validity: voucherValidity({
      type: i.issuance.type,
      carePeriod,
      paymentMethod: i.issuance.paymentMethod,
      issuedAt: i.issuance.issuedAt,
      scheduledDeparture: i.flight?.scheduledDeparture ?? null,
      timeZone: i.timeZone,
    }),
    station: i.station,
    agent: i.issuance.issuedBy,
    issuedAt: i.issuance.issuedAt,
    deskId: i.issuance.deskId,
    offline: i.issuance.offline,
    flight: i.flight
      ? {
          label: `${i.flight.carrier}${i.flight.number}`,
          origin: i.flight.origin,
          destination: i.flight.destination,
          scheduledDeparture: i.flight.scheduledDeparture,
          status: i.flight.status,
        }
      : null,
    print: i.print,
    barcode: { symbology: 'code128', text: i.issuance.voucherSerial, svg: i.barcodeSvg },
  });
}

/** The audit-note text that records a print (the case timeline shows it; main counts copies from it). */
export function printNoteText(serial: string, copy: number, printId: string): string {
  return copy === 1
    ? `Voucher ${serial} printed (copy 1) [print ${printId}]`
    : `Voucher ${serial} REPRINTED (copy ${copy}) [print ${printId}]`;
}

/** Reads a print note back: the serial, copy and print id, or null for any other note. */
export function parsePrintNote(text: string): { serial: string; copy: number; printId: string } | null {
  const m = /^Voucher (\S+) (?:printed|REPRINTED) \(copy (\d+)\) \[print ([\w-]+)\]$/.exec(text);
  return m ? { serial: m[1]!, copy: Number(m[2]), printId: m[3]! } : null;
}

/** `voucher:document`: the voucher of one issuance, for one print (`printId`, made by the renderer per print). */
export const VoucherDocumentRequestSchema = z.object({
  issuanceId: z.string().min(1).max(200),
  printId: z.string().regex(/^[\w-]{8,64}$/, 'a print id (letters, digits, dashes)'),
});

/**
 * `voucher:print` (Electron only): main prints the desk window's contents through Electron's print
 * path (webContents.print); the print CSS shows only the open voucher. Web mode answers FORBIDDEN
 * and the renderer calls window.print() instead.
 */
export const VoucherPrintRequestSchema = z.object({ format: VoucherFormatSchema });
export const VoucherPrintResponseSchema = z.object({ printed: z.boolean(), reason: z.string().nullable() });
