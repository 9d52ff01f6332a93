import fs from 'node:fs';
import { buildCancelEvent } from '../../backend/src/simulator/events.js';
import { webKeyProvider } from '../../src/main/db/keys.js';
import { startDeskServer } from '../../src/main/web/server.js';
import { expect, signIn, test } from './fixtures.js';
import { startNetCut } from './net-cut.js';

const TOPIC = 'flight-operations';

/**
 * Issue #10, a shared airport PC in Chromium: one desk (one data dir, one browser), two agents.
 * 1. Agent A (Phoenix) loses the network, issues a meal voucher offline, and signs out with the
 *    command still queued.
 * 2. Agent B (London) signs in on the same desk with the network back: B sees none of A's
 *    pending items, none of Phoenix's flights and none of A's passengers, and the server has not
 *    received A's command under B's token.
 * 3. A signs in again: A's command syncs, under A's name, and is issued exactly once.
 */
test('shared PC: A works offline and signs out; B sees nothing of A; A signs back in and syncs', async ({
  page,
  cloud,
  kafka,
  backend,
}, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // The desk reaches the API through a link the test can cut (the backend keeps running).
  const link = await startNetCut(cloud.apiUrl);
  const dataDir = testInfo.outputPath('shared-desk-data');
  const deskLog = testInfo.outputPath('shared-desk.log');
  const desk = await startDeskServer({
    dataDir,
    keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
    apiUrl: link.url,
    cognito: cloud.cognito,
    log: (l) => fs.appendFileSync(deskLog, `${l}\n`),
    sync: { backoff: { initialMs: 200, maxMs: 1000 } },
  });
  const db = desk.desk.db;

  try {
    await page.goto(desk.url);
    await signIn(page, 'agent.phx');
    await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');

    // A Phoenix departure (not one the other specs use) is cancelled by flight ops.
    const pick = db.prepare(
      `SELECT f.id, json_extract(f.data, '$.carrier') || json_extract(f.data, '$.number') AS fn FROM flight f
       WHERE f.origin = 'PHX' AND f.destination <> 'LHR' AND f.status = 'SCHEDULED'
         AND json_extract(f.data, '$.carrier') || json_extract(f.data, '$.number') <> 'SW9012'
         AND (SELECT count(*) FROM booking b WHERE b.flight_id = f.id) >= 3
       ORDER BY abs(julianday(f.scheduled_departure) - julianday('now')) LIMIT 1`,
    );
    await expect.poll(() => pick.get() !== undefined, { timeout: 60_000 }).toBe(true);
    const flight = pick.get() as { id: string; fn: string };
    await kafka.send({
      topic: TOPIC,
      messages: [{ value: JSON.stringify(buildCancelEvent({ flightId: flight.fn, reason: 'MECHANICAL' })) }],
    });
    // The board is a virtual list in time order: filter it down to the flight, as an agent would.
    await page.getByTestId('board-filter').fill(flight.fn);
    const row = page.locator(`[data-testid="flight-${flight.fn}"][data-flight-id="${flight.id}"]`);
    await expect(row).toHaveAttribute('data-status', 'CANCELLED', { timeout: 60_000 });
    await row.click();
    await expect
      .poll(async () => Number(await page.getByTestId('case-count').textContent()), { timeout: 30_000 })
      .toBeGreaterThan(0);

    // 1. The network drops; A issues a meal voucher offline and signs out with it queued.
    await link.cut();
    await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'false', { timeout: 30_000 });
    await page.getByTestId('passenger-row').first().click();
    const passengerName = (await page.getByTestId('case-passenger').textContent())!.trim();
    const lastName = passengerName.split(' ').at(-1)!;
    const meal = page.getByTestId('entitlement-meal');
    await expect(meal).toBeVisible();
    const entitlementId = (await meal.getAttribute('data-entitlement-id'))!;
    await page.getByTestId('issue-meal').click();
    await expect(meal.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'pending');
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '1');
    await shot('01-agent-a-offline-meal-queued');
    await page.getByTestId('signout').click();
    await expect(page.getByTestId('signin-submit')).toBeVisible();
    // Nothing of A's is left on the screen.
    await expect(page.getByTestId('board')).toHaveCount(0);
    await expect(page.getByText(passengerName)).toHaveCount(0);
    await shot('02-signed-out');

    // 2. The network is back; agent B (London) signs in on the same desk.
    await link.restore();
    await signIn(page, 'agent.lhr');
    await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true', { timeout: 30_000 });
    // None of A's pending items: B's queue is empty, B gets no needs-attention, no "waiting" list.
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '0');
    await expect(page.getByTestId('attention-toggle')).toHaveText('Needs attention: 0');
    await expect(page.getByTestId('waiting-toggle')).toHaveCount(0);
    // None of A's stations: every flight on B's board touches London; A's flight is not there.
    await expect(page.getByTestId('board')).toBeVisible();
    await expect.poll(() => page.getByTestId('board').locator('li[data-flight-id]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect(row).toHaveCount(0);
    const shownIds = await page
      .getByTestId('board')
      .locator('li[data-flight-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-flight-id')!));
    const stationsOf = db.prepare('SELECT origin, destination FROM flight WHERE id = ?');
    for (const id of shownIds) {
      const f = stationsOf.get(id) as { origin: string; destination: string } | undefined;
      expect(f && [f.origin, f.destination], id).toContain('LHR');
    }
    // A's passenger cannot be found, and the main process refuses A's case outright.
    await page.getByTestId('search').fill(lastName);
    await expect(page.getByTestId('search-results')).toBeVisible();
    await expect(page.getByTestId('search-results')).not.toContainText(passengerName);
    const caseId = db.prepare('SELECT case_id FROM entitlement WHERE id = ?').pluck().get(entitlementId) as string;
    const asB = await desk.desk.dispatch('case:get', { caseId });
    expect(asB.ok).toBe(false);
    await shot('03-agent-b-sees-nothing-of-a');
    // The server never received A's command under B's token: nothing issued yet.
    expect(await backend.issuancesFor(entitlementId)).toHaveLength(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('signout').click();
    await expect(page.getByTestId('signin-submit')).toBeVisible();

    // 3. A signs in again: A's queued voucher goes out under A's name and is issued once.
    await signIn(page, 'agent.phx');
    await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '0', { timeout: 30_000 });
    await page.getByTestId('board-filter').fill(flight.fn);
    await row.click();
    await page.getByTestId('passenger-row').filter({ hasText: lastName }).first().click();
    await expect(meal.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced', {
      timeout: 20_000,
    });
    await shot('04-agent-a-back-synced');
    await expect
      .poll(async () => (await backend.issuancesFor(entitlementId)).filter((i) => i.status === 'VALID').length, {
        timeout: 60_000,
      })
      .toBe(1);
    const [issued] = await backend.issuancesFor(entitlementId);
    expect(issued!.issuedBy).toBe('agent.phx');
    expect(pageErrors).toEqual([]);
  } finally {
    await desk.stop();
    await link.close();
  }
});
