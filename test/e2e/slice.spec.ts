import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { naiveUtcIso, nowMicros, pythonJsonDumps } from '../../backend/src/simulator/events.js';
import { expect, signIn, test } from './fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const FLIGHTPULSE = path.resolve(repoRoot, '../shared/data/flightpulse');
const TOPIC = 'flight-operations';

/**
 * FlightPulse scenario 3 (FLIGHT_CANCELLED SW9012 PHX→OAK) as FlightPulse's simulator would
 * send it today: the sample event with a fresh event id and the current naive-UTC timestamp,
 * serialized like Python's json.dumps, JSON value, no key.
 */
function scenario3Value(): string {
  const [event] = JSON.parse(fs.readFileSync(path.join(FLIGHTPULSE, 'events/scenario3-cancellation.json'), 'utf8')) as Record<string, unknown>[];
  return pythonJsonDumps({ ...event, event_id: randomUUID(), timestamp: naiveUtcIso(nowMicros()) });
}

// Its own cloud: the first test needs SW9012 untouched, and the console-* specs cancel it.
test.use({ cloudName: 'slice' });

test('slice: cancellation reaches the desk live, cases match bookings, a meal voucher is issued exactly once', async ({ page, desk, cloud, kafka, backend }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Prepare: a fresh desk, signed in as the Phoenix agent, board synced.
  await page.goto(desk.url);
  await expect(page.getByTestId('signin-submit')).toBeVisible();
  await shot('01-sign-in');
  await signIn(page, 'agent.phx');
  const row = page.getByTestId('flight-SW9012');
  await expect(row).toBeVisible();
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');
  await expect(row).toHaveAttribute('data-status', 'SCHEDULED');
  const flightId = (await row.getAttribute('data-flight-id'))!;
  expect(flightId).toMatch(/^SW9012-\d{4}-\d{2}-\d{2}$/);
  const booked = await backend.bookingsOnFlight(flightId);
  expect(booked).toBeGreaterThan(0);
  await shot('02-board-before');

  // Act: FlightPulse cancels SW9012.
  const value = scenario3Value();
  const t0 = Date.now();
  await kafka.send({ topic: TOPIC, messages: [{ value }] });

  // Assess: CANCELLED reaches the board. The 5 s target is measured by `npm run bench -- e2e-latency`
  // (a timed assertion here failed on a loaded CI machine); the test records the time it saw.
  await expect(row).toHaveAttribute('data-status', 'CANCELLED', { timeout: 60_000 });
  const cancelMs = Date.now() - t0;
  testInfo.annotations.push({ type: 'cancel-visible-ms', description: String(cancelMs) });
  console.log(`[e2e] CANCELLED visible ${cancelMs} ms after produce`);
  await expect(row.getByTestId('flight-status')).toHaveText('CANCELLED');
  await expect(row.getByTestId('flight-status')).toHaveAttribute('data-severity', 'cancelled');
  await shot('03-board-cancelled');

  // One case per booked passenger (count from the backend's table, not a constant).
  await row.click();
  await expect(page.getByTestId('passenger-count')).toHaveText(String(booked));
  await expect(page.getByTestId('case-count')).toHaveText(String(booked), { timeout: 30_000 });
  await expect(page.getByTestId('passenger-list')).toHaveAttribute('data-total', String(booked));
  await shot('04-flight-passengers');

  // Open the first passenger and issue the meal voucher.
  const firstPax = page.getByTestId('passenger-row').first();
  await firstPax.click();
  const meal = page.getByTestId('entitlement-meal');
  await expect(meal).toBeVisible();
  const entitlementId = (await meal.getAttribute('data-entitlement-id'))!;
  await expect(meal.getByTestId('entitlement-amount')).toHaveText(/^\d+\.\d{2} [A-Z]{3}$/);
  await expect(meal.locator('.why li').first()).toBeVisible();
  const issue = page.getByTestId('issue-meal');
  await expect(issue).toBeEnabled();
  await shot('05-case-before-issue');
  await issue.click();
  await expect(issue).toBeDisabled();
  await expect(meal.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced', { timeout: 60_000 });
  const serial = (await meal.getByTestId('voucher-serial').textContent())!.trim();
  expect(serial.length).toBeGreaterThan(3);
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '0');
  await shot('06-case-issued');

  // Exactly one issuance in the backend and one voucher email in the SMTP sink.
  const valid = async () => (await backend.issuancesFor(entitlementId)).filter((i) => i.status === 'VALID');
  await expect.poll(async () => (await valid()).length).toBe(1);
  expect((await valid())[0]!.voucherSerial).toBe(serial);
  const mails = async () => (await cloud.smtpMessages()).filter((m) => m.text.includes(serial));
  await expect.poll(async () => (await mails()).length, { timeout: 60_000 }).toBe(1);

  // Replay the very same Kafka message (FlightPulse redelivers): still exactly one of each.
  const headBefore = await page.getByTestId('sync-bar').textContent();
  await kafka.send({ topic: TOPIC, messages: [{ value }] });
  // Give ingest and the workflow time to (not) act, then re-check everything.
  await page.waitForTimeout(5_000);
  await page.getByRole('button', { name: 'Sync now' }).click();
  expect((await backend.issuancesFor(entitlementId)).length).toBe(1);
  expect(await mails()).toHaveLength(1);
  await expect(meal.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced');
  await expect(page.getByTestId('case-count')).toHaveText(String(booked));
  await expect(page.getByTestId('attention-toggle')).toHaveText('Needs attention: 0');
  await shot('07-after-replay');
  testInfo.annotations.push({ type: 'sync-bar-before-replay', description: headBefore ?? '' });
  expect(pageErrors).toEqual([]);
});

test('keyboard: / focuses search, j/k + Enter open a flight, ? lists shortcuts', async ({ page, desk }, testInfo) => {
  await page.goto(desk.url);
  await signIn(page, 'agent.phx');
  await expect(page.getByTestId('flight-SW9012')).toBeVisible();
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('help.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toBeHidden();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const second = page.getByTestId('board').locator('li[data-flight-id]').nth(1);
  const fid = await second.getAttribute('data-flight-id');
  await expect(page.getByTestId('flight-view')).toBeVisible();
  await expect(second).toHaveClass(/open/);
  expect(fid).toBeTruthy();
  await page.keyboard.press('/');
  await expect(page.getByTestId('search')).toBeFocused();
  // Search by the PNR of a passenger on the open flight.
  const pnr = (await page.getByTestId('passenger-row').first().locator('.mono').first().textContent())!.trim();
  await page.keyboard.type(pnr);
  await expect(page.getByTestId('search-results')).toContainText(pnr);
  await page.screenshot({ path: testInfo.outputPath('search.png') });
});

test('sign-in errors are shown and nothing else is reachable', async ({ page, desk }) => {
  await page.goto(desk.url);
  await page.getByTestId('signin-username').fill('agent.phx');
  await page.getByTestId('signin-password').fill('wrong-password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toContainText(/wrong username or password/i);
  await expect(page.getByTestId('board')).toHaveCount(0);
});
