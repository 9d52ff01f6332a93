import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { naiveUtcIso, nowMicros, pythonJsonDumps } from '../../backend/src/simulator/events.js';
import { expect, signIn, test } from './fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const FLIGHTPULSE = path.resolve(repoRoot, '../shared/data/flightpulse');
const TOPIC = 'flight-operations';

/** A FlightPulse FLIGHT_DELAY of SW9012 as its simulator sends it: a day late, mechanical (within the airline's control: overnight care). */
function overnightDelayValue(): string {
  const now = new Date();
  const later = new Date(now.getTime() + 1440 * 60_000);
  return pythonJsonDumps({
    event_id: randomUUID(),
    event_type: 'FLIGHT_DELAY',
    timestamp: naiveUtcIso(nowMicros()),
    source: 'operations_center',
    payload: {
      flight_id: 'SW9012',
      delay_minutes: 1440,
      reason: 'MECHANICAL',
      reason_detail: 'Aircraft on ground: part arrives tomorrow',
      new_departure: later.toISOString().replace('Z', ''),
      new_arrival: new Date(later.getTime() + 120 * 60_000).toISOString().replace('Z', ''),
    },
  });
}

/** FlightPulse scenario 3 (FLIGHT_CANCELLED SW9012 PHX→OAK), re-dated to now as slice.spec.ts sends it. */
function scenario3Value(): string {
  const [event] = JSON.parse(fs.readFileSync(path.join(FLIGHTPULSE, 'events/scenario3-cancellation.json'), 'utf8')) as Record<string, unknown>[];
  return pythonJsonDumps({ ...event, event_id: randomUUID(), timestamp: naiveUtcIso(nowMicros()) });
}

// Its own cloud: it needs SW9012 untouched (the console-* and admin specs disrupt Phoenix flights).
test.use({ cloudName: 'care-choice' });

test('the passenger’s choice and care types: a refund choice brings the refund entitlement; a hotel is issued for 2 nights', async ({ page, desk, kafka, backend }, testInfo) => {
  const shot = async (name: string) => {
    await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  };
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(desk.url);
  await signIn(page, 'agent.phx');
  const row = page.getByTestId('flight-SW9012');
  await expect(row).toBeVisible();
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');
  // SW9012 must still be untouched in this file's own cloud (the console-* and slice specs cancel it for weather).
  await expect(row, 'SW9012 already disrupted by an earlier spec in this worker').toHaveAttribute('data-status', 'SCHEDULED');
  await shot('01-board');

  // An overnight mechanical delay first (cases with hotel and transport), then FlightPulse cancels the flight.
  await kafka.send({ topic: TOPIC, messages: [{ value: overnightDelayValue() }] });
  await expect(row).toHaveAttribute('data-status', 'DELAYED', { timeout: 90_000 });
  await kafka.send({ topic: TOPIC, messages: [{ value: scenario3Value() }] });
  await expect(row).toHaveAttribute('data-status', 'CANCELLED', { timeout: 90_000 });
  await shot('02-board-cancelled');

  await row.click();
  const firstPax = page.getByTestId('passenger-row').first();
  await expect(firstPax).toBeVisible();
  await firstPax.click();
  const choiceEnt = page.getByTestId('entitlement-rebooking_or_refund');
  await expect(choiceEnt).toBeVisible({ timeout: 60_000 });
  // Not a voucher: no Issue button, the choice control instead.
  await expect(page.getByTestId('issue-rebooking_or_refund')).toHaveCount(0);
  await expect(choiceEnt.getByTestId('choice-hint')).toBeVisible();
  const control = page.getByTestId('choice-control');
  await expect(control).toBeVisible();
  await expect(page.getByTestId('entitlement-refund')).toHaveCount(0);
  await shot('03-case-choice-offered');

  // Record the refund: two buttons, then a confirmation.
  await control.getByTestId('choice-refund').click();
  const dialog = page.getByTestId('choice-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('choice-dialog-text')).toContainText('refund');
  await shot('04-choice-confirm');
  await dialog.getByTestId('dialog-confirm').click();
  await expect(dialog).toHaveCount(0);

  // The server re-decides with choice = refund: the US DOT automatic refund appears once, the choice is shown.
  const refund = page.getByTestId('entitlement-refund');
  await expect(refund).toBeVisible({ timeout: 60_000 });
  await expect(refund).toHaveCount(1);
  await expect(refund).toHaveAttribute('data-regime', 'US_DOT');
  await expect(refund.locator('.why')).toContainText('260.6');
  await expect(control).toHaveAttribute('data-choice', 'refund');
  await expect(page.getByTestId('choice-recorded')).toContainText('refund');
  // An agent cannot record a second, different choice.
  await expect(control.getByTestId('choice-rebook')).toHaveCount(0);
  await shot('05-refund-entitlement');

  // Issue the hotel for 2 nights (goodwill: overnight, within the airline's control).
  const hotel = page.getByTestId('entitlement-hotel');
  await expect(hotel).toBeVisible();
  const hotelId = (await hotel.getAttribute('data-entitlement-id'))!;
  const perNight = (await hotel.getByTestId('entitlement-amount').textContent())!.trim();
  await page.getByTestId('issue-hotel').click();
  const hd = page.getByTestId('hotel-dialog');
  await expect(hd).toBeVisible();
  await expect(hd.getByTestId('care-share')).toBeVisible();
  await hd.getByTestId('care-nights').fill('2');
  const [amount, currency] = perNight.split(' ');
  await expect(hd.getByTestId('care-total')).toHaveText(`${(Number(amount) * 2).toFixed(2)} ${currency}`);
  await shot('06-hotel-dialog');
  await page.setViewportSize({ width: 1024, height: 800 });
  await shot('06b-hotel-dialog-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await hd.getByTestId('dialog-confirm').click();
  await expect(hd).toHaveCount(0);
  await expect(hotel.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced', { timeout: 60_000 });
  await expect(hotel).toHaveAttribute('data-status', 'ISSUED');
  await expect(hotel.getByTestId('issuance-care')).toContainText('2 nights');
  await shot('07-hotel-issued');

  // Exactly one issuance in the backend, for 2 nights, worth two nights.
  const valid = async () => (await backend.issuancesFor(hotelId)).filter((i) => i.status === 'VALID');
  await expect.poll(async () => (await valid()).length).toBe(1);
  const iss = (await valid())[0]!;
  expect(iss.care).toMatchObject({ nights: 2 });
  expect((iss.amount as { amountMinor: number }).amountMinor).toBe(Math.round(Number(amount) * 100) * 2);
  await page.setViewportSize({ width: 1024, height: 800 });
  await shot('08-case-1024');
  expect(pageErrors).toEqual([]);
});
