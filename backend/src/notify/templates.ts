import { formatMoney, type Money } from '../../../src/shared/money.js';
import type { EmailMessage } from './transports.js';

/** Voucher email: amount, serial and flight, in plain text (works in every mail client and on paper). */
export function voucherEmail(v: {
  to: string;
  passengerName: string;
  type: string;
  amount: Money | null;
  voucherSerial: string;
  flight: { carrier: string; number: string; origin: string; destination: string; scheduledDeparture: string };
}): EmailMessage {
  const flight = `${v.flight.carrier}${v.flight.number} ${v.flight.origin}–${v.flight.destination} (${v.flight.scheduledDeparture.slice(0, 10)})`;
  const amount = v.amount ? formatMoney(v.amount) : 'as stated on the voucher';
  return {
    to: v.to,
    subject: `Your ${v.type} voucher ${v.voucherSerial} for flight ${v.flight.carrier}${v.flight.number}`,
    text: [
      `Dear ${v.passengerName},`,
      '',
      `We are sorry for the disruption to your flight ${flight}.`,
      `Voucher: ${v.type}`,
      `Amount: ${amount}`,
      `Serial: ${v.voucherSerial}`,
      '',
      'Show this serial at the desk or partner outlet to redeem it.',
    ].join('\n'),
  };
}

/** The SMS version of the disruption notice (one segment where possible). */
export function disruptionSms(v: {
  kind: string;
  delayMinutes: number;
  flight: { carrier: string; number: string; origin: string; destination: string };
}): string {
  const what =
    v.kind === 'CANCELLATION'
      ? 'is cancelled'
      : v.kind === 'DELAY'
        ? `is delayed ${v.delayMinutes} min`
        : 'has changed';
  return `Jetway: flight ${v.flight.carrier}${v.flight.number} ${v.flight.origin}-${v.flight.destination} ${what}. See airport staff for rebooking and care.`;
}

/** Disruption notice to a passenger whose case was opened. */
export function disruptionEmail(v: {
  to: string;
  passengerName: string;
  kind: string;
  delayMinutes: number;
  flight: { carrier: string; number: string; origin: string; destination: string; scheduledDeparture: string };
}): EmailMessage {
  const f = `${v.flight.carrier}${v.flight.number} ${v.flight.origin}–${v.flight.destination}`;
  const what =
    v.kind === 'CANCELLATION'
      ? 'has been cancelled'
      : v.kind === 'DELAY'
        ? `is delayed by ${v.delayMinutes} minutes`
        : 'has changed';
  return {
    to: v.to,
    subject: `Flight ${v.flight.carrier}${v.flight.number} ${what}`,
    text: [
      `Dear ${v.passengerName},`,
      '',
      `Your flight ${f} on ${v.flight.scheduledDeparture.slice(0, 10)} ${what}.`,
      'Our staff at the airport can tell you what you are entitled to and rebook you.',
    ].join('\n'),
  };
}

type FlightRef = { carrier: string; number: string; origin: string; destination: string; scheduledDeparture: string };
const flightLine = (f: FlightRef): string =>
  `${f.carrier}${f.number} ${f.origin}–${f.destination} (${f.scheduledDeparture.slice(0, 10)})`;

/** A supervisor denied a request for compensation above the agent's limit: the passenger is told, with the reason. */
export function approvalDeniedEmail(v: {
  to: string;
  passengerName: string;
  type: string;
  amount: Money | null;
  reason: string;
  flight: FlightRef;
}): EmailMessage {
  const amount = v.amount ? formatMoney(v.amount) : 'as offered';
  return {
    to: v.to,
    subject: `Your ${v.type} claim for flight ${v.flight.carrier}${v.flight.number} was not approved`,
    text: [
      `Dear ${v.passengerName},`,
      '',
      `Your ${v.type} claim (${amount}) for flight ${flightLine(v.flight)} was reviewed by a supervisor and was not approved.`,
      `Reason: ${v.reason}`,
      '',
      'You can ask our staff at the airport or customer service to review it again.',
    ].join('\n'),
  };
}

/** A voucher was voided (not redeemed): the passenger must not use its serial any more. */
export function voucherVoidedEmail(v: {
  to: string;
  passengerName: string;
  type: string;
  voucherSerial: string;
  reason: string;
  flight: FlightRef;
}): EmailMessage {
  return {
    to: v.to,
    subject: `Your ${v.type} voucher ${v.voucherSerial} was voided`,
    text: [
      `Dear ${v.passengerName},`,
      '',
      `Your ${v.type} voucher ${v.voucherSerial} for flight ${flightLine(v.flight)} was voided and can no longer be redeemed.`,
      `Reason: ${v.reason}`,
      '',
      'If a replacement is due, our staff will issue it and you will receive it separately.',
    ].join('\n'),
  };
}
