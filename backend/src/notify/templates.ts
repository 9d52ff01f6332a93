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
export function disruptionSms(v: { kind: string; delayMinutes: number; flight: { carrier: string; number: string; origin: string; destination: string } }): string {
  const what = v.kind === 'CANCELLATION' ? 'is cancelled' : v.kind === 'DELAY' ? `is delayed ${v.delayMinutes} min` : 'has changed';
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
  const what = v.kind === 'CANCELLATION' ? 'has been cancelled' : v.kind === 'DELAY' ? `is delayed by ${v.delayMinutes} minutes` : 'has changed';
  return {
    to: v.to,
    subject: `Flight ${v.flight.carrier}${v.flight.number} ${what}`,
    text: [`Dear ${v.passengerName},`, '', `Your flight ${f} on ${v.flight.scheduledDeparture.slice(0, 10)} ${what}.`, 'Our staff at the airport can tell you what you are entitled to and rebook you.'].join('\n'),
  };
}
