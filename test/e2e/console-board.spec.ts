import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { naiveUtcIso, nowMicros, pythonJsonDumps } from '../../backend/src/simulator/events.js';
import { expect, signIn, test } from './fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const FLIGHTPULSE = path.resolve(repoRoot, '../shared/data/flightpulse');

/** FlightPulse scenario 3 (FLIGHT_CANCELLED SW9012 PHX→OAK) with a fresh id and timestamp. */
function scenario3Value(): string {
  const [event] = JSON.parse(fs.readFileSync(path.join(FLIGHTPULSE, 'events/scenario3-cancellation.json'), 'utf8')) as Record<string, unknown>[];
  return pythonJsonDumps({ ...event, event_id: randomUUID(), timestamp: naiveUtcIso(nowMicros()) });
}

/** `HH:MM` of an instant in a zone (what the board must show for PHX, with or without a day prefix). */
const hhmm = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

test('board: arrivals at their arrival time here, station-time order, severity badges, charts', async ({ page, desk, kafka }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Prepare: the Phoenix agent, board synced; FlightPulse cancels SW9012 so there are cases.
  await page.goto(desk.url);
  await signIn(page, 'agent.phx');
  const sw9012 = page.getByTestId('flight-SW9012');
  await expect(sw9012).toBeVisible({ timeout: 60_000 });
  await kafka.send({ topic: 'flight-operations', messages: [{ value: scenario3Value() }] });
  await expect(sw9012).toHaveAttribute('data-status', 'CANCELLED', { timeout: 60_000 });

  // Assess: the zone is named once, in the board header.
  await expect(page.getByTestId('board-zone')).toHaveAttribute('data-zone', 'America/Phoenix');
  await expect(page.getByTestId('board-zone')).toContainText('America/Phoenix');

  // The cancelled flight: severity, and the cases it still owes (never a green "all good").
  const status = sw9012.getByTestId('flight-status');
  await expect(status).toHaveAttribute('data-severity', 'cancelled');
  await expect(sw9012.getByTestId('flight-owed')).toContainText(/\d+ cases? owed/, { timeout: 60_000 });
  await expect(sw9012.getByTestId('flight-movement')).toHaveAttribute('data-kind', 'dep');
  await expect(sw9012.getByTestId('flight-movement')).toHaveText('Dep to OAK');

  // Rows in order of the instant of this station's movement (the visible window of the list).
  const instants = await page.getByTestId('flight-time').evaluateAll((els) => els.map((e) => e.getAttribute('data-instant') ?? ''));
  expect(instants.length).toBeGreaterThan(3);
  const ms = instants.map((i) => Date.parse(i));
  expect(ms).toEqual([...ms].sort((a, b) => a - b));

  // The charts render (SVG, with an image role and a text summary), in a panel that folds.
  const delays = page.getByTestId('chart-delays-img');
  await expect(delays).toHaveAttribute('role', 'img');
  await expect(delays).toHaveAttribute('aria-label', /flights on \d{4}-\d{2}-\d{2}/);
  await expect(delays.locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
  // The stacked bars say what their colours are.
  for (const name of ['On time', 'Delayed', 'Cancelled']) await expect(delays.locator('.recharts-legend-wrapper')).toContainText(name);
  await expect(page.getByTestId('chart-cases-img').locator('svg.recharts-surface')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('chart-cases-img')).toHaveAttribute('aria-label', /\d+ cases: .*\bOpen \d+/);
  await expect(page.getByTestId('chart-cases-table')).toContainText('Open');
  await shot('board-1440');

  // An arrival from London: the row shows when it lands HERE (PHX time), not when it left LHR.
  await page.getByTestId('board-filter').fill('LHR');
  const arrival = page.locator('[data-testid^="flight-"][data-flight-id]').filter({
    has: page.locator('[data-testid="flight-movement"][data-kind="arr"]'),
  });
  const row = arrival.first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row.getByTestId('flight-movement')).toHaveText('Arr from LHR');
  const rowInstant = (await row.getByTestId('flight-time').getAttribute('data-instant'))!;
  await row.click();
  const head = page.getByTestId('flight-times');
  await expect(head).toBeVisible();
  // The flight header: scheduled, estimated and actual, for departure and arrival, with the delay.
  await expect(page.getByTestId('arr-scheduled')).toHaveAttribute('data-instant', rowInstant);
  const departed = (await page.getByTestId('dep-scheduled').getAttribute('data-instant'))!;
  expect(departed).not.toBe(rowInstant);
  await expect(row.getByTestId('flight-time')).toContainText(hhmm(rowInstant, 'America/Phoenix'));
  await expect(page.getByTestId('flight-times-dep')).toContainText('LHR');
  await expect(page.getByTestId('flight-times-arr')).toContainText('PHX');
  await expect(page.getByTestId('arr-delay')).toBeVisible();
  // The arrival gate is not in the feed: not the origin's gate shown as ours.
  await expect(row.getByTestId('flight-gate')).toHaveText('gate —');
  await shot('board-arrival-1440');

  // 1024 px wide: the list keeps its space; the charts fold away and come back.
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('board-filter').fill('');
  await expect(page.getByTestId('chart-delays-img').locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
  // The badges fit the narrow board (they wrap under the flight rather than being cut off).
  const boardBox = (await page.getByTestId('board').boundingBox())!;
  for (const id of ['flight-status', 'flight-owed']) {
    const b = (await page.getByTestId('flight-SW9012').getByTestId(id).boundingBox())!;
    expect(b.x + b.width).toBeLessThanOrEqual(boardBox.x + boardBox.width);
  }
  await shot('board-1024');
  await page.getByTestId('board-charts-toggle').click();
  await expect(page.getByTestId('chart-delays')).toHaveCount(0);
  await expect(page.getByTestId('flight-SW9012')).toBeVisible();
  await shot('board-1024-charts-folded');
  // Folded stays folded after a reload (this desk remembers).
  await page.reload();
  await expect(page.getByTestId('signin-submit').or(page.getByTestId('flight-SW9012'))).toBeVisible({ timeout: 60_000 });
  if (await page.getByTestId('signin-submit').isVisible()) await signIn(page, 'agent.phx');
  await expect(page.getByTestId('flight-SW9012')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('board-charts')).not.toHaveAttribute('open');
  await page.getByTestId('board-charts-toggle').click();
  await expect(page.getByTestId('chart-delays-img')).toBeVisible();

  // The case header: the policy in words, never the raw 11-part version id.
  await page.getByTestId('flight-SW9012').click();
  await page.getByTestId('passenger-row').first().click();
  const policy = page.getByTestId('case-policy-version');
  await expect(policy).toBeVisible({ timeout: 60_000 });
  await expect(policy).not.toContainText('@');
  await expect(policy).toHaveAttribute('title', /@/);
  await shot('case-1024');
  expect(pageErrors).toEqual([]);
});
