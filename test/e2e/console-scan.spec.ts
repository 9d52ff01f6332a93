/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encode } from 'bcbp';
import type { Page } from '@playwright/test';
import { naiveUtcIso, nowMicros, pythonJsonDumps } from '../../backend/src/simulator/events.js';
import type { DeskServer } from '../../src/main/web/server.js';
import { localDate } from '../../src/shared/boarding-pass.js';
import { airportByIata } from '../../src/shared/reference/airports.js';
import type { PassengerRow, RpcResponse } from '../../src/shared/rpc/contract.js';
import { expect, signIn, test } from './fixtures.js';

const FLIGHTPULSE = path.resolve(import.meta.dirname, '../../../shared/data/flightpulse');

/** FlightPulse scenario 3 (SW9012 PHX→OAK cancelled), as slice.spec.ts sends it: gives the flight's passengers cases. */
function scenario3Value(): string {
  const [event] = JSON.parse(fs.readFileSync(path.join(FLIGHTPULSE, 'events/scenario3-cancellation.json'), 'utf8')) as Record<string, unknown>[];
  return pythonJsonDumps({ ...event, event_id: randomUUID(), timestamp: naiveUtcIso(nowMicros()) });
}

/** Calls the desk's RPC as the signed-in user (the same dispatch the page's WebSocket reaches). */
async function rpc<T>(desk: DeskServer, channel: string, request: unknown): Promise<T> {
  const r = (await desk.desk.dispatch(channel as never, request as never)) as { ok: boolean; value?: T; error?: unknown };
  if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z ]/g, '');

/** The boarding pass an airline would print for this booking, encoded with the bcbp package. */
function boardingPassFor(row: PassengerRow, flight: RpcResponse<'flight:passengers'>['flight']): string {
  const day = localDate(flight.scheduledDeparture, airportByIata(flight.origin)?.tz ?? 'UTC');
  const seat = row.booking.seat ?? '';
  return encode({
    data: {
      passengerName: `${ascii(row.passenger.lastName)}/${ascii(row.passenger.firstName)}`,
      legs: [
        {
          operatingCarrierPNR: row.booking.pnr,
          departureAirport: flight.origin,
          arrivalAirport: flight.destination,
          operatingCarrierDesignator: flight.carrier,
          flightNumber: flight.number.padStart(4, '0'),
          flightDate: new Date(`${day}T00:00:00Z`),
          compartmentCode: 'Y',
          seatNumber: seat.padStart(4, '0'),
          checkInSequenceNumber: '0042',
          passengerStatus: '1',
          ...(row.booking.ticketNumber
            ? { airlineNumericCode: row.booking.ticketNumber.slice(0, 3), serialNumber: row.booking.ticketNumber.slice(3) }
            : {}),
        },
      ],
    },
  });
}

/** Types like a keyboard-wedge reader: fast keys, then Enter, with the focus on no text field. */
async function scan(page: Page, text: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  await page.keyboard.type(text, { delay: 8 });
  await page.keyboard.press('Enter');
}

test('a scanned boarding pass opens the passenger; unknown and unreadable passes say so', async ({ page, desk, kafka }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Prepare: agent.phx signed in, board synced; SW9012 cancelled so its passengers have cases.
  await page.goto(desk.url);
  await signIn(page, 'agent.phx');
  const sw9012 = page.getByTestId('flight-SW9012');
  await expect(sw9012).toBeVisible();
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');
  await kafka.send({ topic: 'flight-operations', messages: [{ value: scenario3Value() }] });
  await expect(sw9012).toHaveAttribute('data-status', 'CANCELLED', { timeout: 60_000 });
  const cancelledId = (await sw9012.getAttribute('data-flight-id'))!;
  let withCase: RpcResponse<'flight:passengers'> | null = null;
  await expect
    .poll(
      async () => {
        withCase = await rpc<RpcResponse<'flight:passengers'>>(desk, 'flight:passengers', { flightId: cancelledId });
        return withCase.counts.cases > 0 && withCase.counts.cases === withCase.counts.passengers;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  const cased = withCase!.rows.find((r) => r.case !== null)!;
  await shot('01-board');

  // Act 1: scan the pass of a passenger with a case (focus on no field).
  await scan(page, boardingPassFor(cased, withCase!.flight));

  // Assess 1: the case opens, the live region says so, no shortcut fired on the way (view still the board).
  await expect(page.getByTestId('case-passenger')).toContainText(cased.passenger.lastName);
  await expect(page.getByTestId('case-panel')).toBeVisible();
  await expect(page.getByTestId('scan-status')).toContainText(cased.booking.pnr);
  await expect(page.getByTestId('scan-status')).toContainText('case opened');
  await expect(page.getByTestId('view-board')).toBeVisible();
  await expect(page.getByTestId('flight-view')).toContainText('SW9012');
  await shot('02-scan-opened-case');

  // Act 2: scan a passenger without a case (a flight that is not disrupted).
  const board = await rpc<RpcResponse<'board:flights'>>(desk, 'board:flights', { station: 'PHX' });
  const calm = board.flights.find((f) => !f.disrupted && f.passengerCount > 3 && f.caseCount === 0)!;
  expect(calm).toBeTruthy();
  const calmPax = await rpc<RpcResponse<'flight:passengers'>>(desk, 'flight:passengers', { flightId: calm.id });
  const target = calmPax.rows[Math.min(3, calmPax.rows.length - 1)]!;
  await scan(page, boardingPassFor(target, calmPax.flight));

  // Assess 2: that flight opens with the passenger selected, and the status says there is no case.
  await expect(page.getByTestId('flight-view')).toContainText(`${calm.carrier}${calm.number}`);
  const selected = page.locator(`[data-testid="passenger-row"][data-passenger-id="${target.passenger.id}"]`);
  await expect(selected).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('scan-status')).toContainText('no case');
  await shot('03-scan-no-case-flight-selected');

  // Act 3: a readable pass for a booking this desk does not have.
  const unknown = boardingPassFor({ ...target, booking: { ...target.booking, pnr: 'ZZZ999' } }, calmPax.flight);
  await scan(page, unknown);

  // Assess 3: an alert names the booking; nothing else changed.
  await expect(page.getByTestId('scan-alert')).toContainText('ZZZ999');
  await expect(page.getByTestId('scan-alert')).toContainText('not on this desk');
  await expect(selected).toHaveAttribute('aria-selected', 'true');
  await shot('04-scan-unknown');

  // Act 4: garbage from the reader (right prefix, unreadable fields).
  await scan(page, `M1${'#'.repeat(60)}`);

  // Assess 4: unreadable, said in plain words, no crash.
  await expect(page.getByTestId('scan-alert')).toContainText('Boarding pass not readable');
  await shot('05-scan-unreadable');

  // Act 5: a pass pasted into the search box opens the passenger too.
  await page.getByTestId('search').focus();
  await page.evaluate((text) => {
    const input = document.querySelector('[data-testid="search"]')!;
    const data = new DataTransfer();
    data.setData('text', text);
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, boardingPassFor(cased, withCase!.flight));
  await expect(page.getByTestId('case-passenger')).toContainText(cased.passenger.lastName);
  await expect(page.getByTestId('scan-status')).toContainText('case opened');
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot('06-paste-opened-case-1024');
  expect(pageErrors).toEqual([]);
});

test('search pages through every hit, Up/Down move, Enter opens', async ({ page, desk }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  await page.goto(desk.url);
  await signIn(page, 'agent.phx');
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');
  await expect(page.getByTestId('board').locator('li[data-flight-id]').first()).toBeVisible();

  // Prepare: a surname initial with more than two pages of passengers here (counted by the desk, not assumed).
  const board = await rpc<RpcResponse<'board:flights'>>(desk, 'board:flights', { station: 'PHX' });
  const flight = board.flights.find((f) => f.passengerCount > 0)!;
  const pax = await rpc<RpcResponse<'flight:passengers'>>(desk, 'flight:passengers', { flightId: flight.id });
  let query = '';
  let total = 0;
  for (const r of pax.rows) {
    const q = r.passenger.lastName.slice(0, 1);
    total = (await rpc<RpcResponse<'passenger:search'>>(desk, 'passenger:search', { query: q, limit: 1 })).total;
    if (total > 41) {
      query = q;
      break;
    }
  }
  expect(total).toBeGreaterThan(41);

  // Act: search; the first page of 20 and the total.
  await page.getByTestId('search').fill(query);
  const options = page.getByTestId('search-option');
  await expect(options).toHaveCount(20);
  await expect(page.getByTestId('search-count')).toHaveText(`20 of ${total} shown`);
  await expect(page.getByTestId('search')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('listbox', { name: 'Passengers found' })).toBeVisible();
  await shot('10-search-page-1');

  // "Show 20 more" loads the next page.
  await page.getByTestId('search-more').click();
  await expect(options).toHaveCount(40);
  await expect(page.getByTestId('search-count')).toHaveText(`40 of ${total} shown`);
  await expect(page.getByTestId('search')).toBeFocused();

  // Down moves the highlighted option (aria-activedescendant), Up moves back.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('search')).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
  // Down past the last loaded option loads the next page.
  for (let i = 1; i < 40; i++) await page.keyboard.press('ArrowDown');
  await expect(options.nth(40)).toHaveAttribute('aria-selected', 'true');
  await expect(options).toHaveCount(Math.min(60, total));
  await shot('11-search-paged-arrows');

  // Enter opens the highlighted passenger.
  const bookingId = (await options.nth(40).getAttribute('data-booking-id'))!;
  const passengerId = (await options.nth(40).getAttribute('data-passenger-id'))!;
  const caseId = (await options.nth(40).getAttribute('data-case-id'))!;
  const name = (await options.nth(40).locator('strong').textContent())!;
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('search-popup')).toBeHidden();
  const last = name.split(',')[0]!.trim();
  if (caseId) {
    await expect(page.getByTestId('case-passenger')).toContainText(last);
  } else {
    const row = page.locator(`[data-testid="passenger-row"][data-passenger-id="${passengerId}"]`);
    await expect(row).toHaveAttribute('aria-selected', 'true');
    await expect(row).toContainText(last);
  }
  testInfo.annotations.push({ type: 'opened-booking', description: `${bookingId} case=${caseId || 'none'}` });
  await shot('12-search-opened');

  // Seat and ticket number search find the booking too.
  const row = pax.rows.find((r) => r.booking.ticketNumber && r.booking.seat)!;
  await page.getByTestId('search').fill(row.booking.ticketNumber!);
  await expect(page.locator(`[data-testid="search-option"][data-booking-id="${row.booking.id}"]`)).toBeVisible();
  await page.getByTestId('search').fill(row.booking.seat!);
  await expect(page.getByTestId('search-count')).toContainText(/passenger|shown/);
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot('13-search-seat-1024');
});
