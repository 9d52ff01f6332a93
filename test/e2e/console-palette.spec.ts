import type { Page } from '@playwright/test';
import { cancelledFlight, flight } from '../unit/desk/helpers/factories.js';
import { expect, test } from './fake-backend-fixtures.js';

/** 150 more flights out of PHX, so the board is long enough to be virtual. */
const DESTS = ['LAX', 'DEN', 'SEA', 'DAL', 'OAK'];
const moreFlights = () =>
  Array.from({ length: 150 }, (_, i) =>
    flight({
      id: `WN${2000 + i}-2026-11-24`,
      carrier: 'WN',
      number: String(2000 + i),
      destination: DESTS[i % DESTS.length],
      scheduledDeparture: `2026-11-24T${String(6 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
      scheduledArrival: `2026-11-24T${String(8 + (i % 12)).padStart(2, '0')}:00:00Z`,
      gate: `B${(i % 20) + 1}`,
    }),
  );

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('signin-username').fill('agent.phx');
  await page.getByTestId('signin-password').fill('Jetway-demo-1');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('user')).toContainText('agent.phx');
}

test('board: virtual listbox with set size and position, filter box, keyboard', async ({ page, desk, fake }, testInfo) => {
  fake.commit(['PHX', 'OAK', ...DESTS], [...cancelledFlight(3), ...moreFlights()]);
  await signIn(page, desk.url);
  const list = page.getByTestId('board-list');
  await expect(list).toHaveAttribute('data-total', '151');
  const box = page.getByTestId('board-flights');
  await expect(box).toHaveAttribute('role', 'listbox');
  // Only the rows in view are in the DOM, each telling its place in the whole list.
  const rows = box.getByRole('option');
  const rendered = await rows.count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(60);
  await expect(rows.first()).toHaveAttribute('aria-setsize', '151');
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');

  // j/k move the selection; the listbox points at it; the list scrolls with it.
  await page.locator('body').click({ position: { x: 700, y: 5 } });
  for (let i = 0; i < 100; i += 1) await page.keyboard.press('j');
  const selected = box.locator('[role="option"][aria-selected="true"]');
  await expect(selected).toHaveAttribute('aria-posinset', '101');
  await expect(box).toHaveAttribute('aria-activedescendant', (await selected.getAttribute('id'))!);
  await expect(selected).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('board-1440.png') });

  // The filter box narrows by destination, flight number, status or gate.
  await page.getByTestId('board-filter').fill('lax');
  await expect(list).toHaveAttribute('data-total', '30');
  for (const text of await box.getByRole('option').allTextContents()) expect(text).toContain('LAX');
  await page.getByTestId('board-filter').fill('SW9012');
  await expect(list).toHaveAttribute('data-total', '1');
  await page.getByTestId('board-filter').press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('passenger-count')).toHaveText('3');
  await page.getByTestId('board-filter').fill('no such flight');
  await expect(page.getByTestId('board-filter-empty')).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('board-filter').fill('den');
  await page.screenshot({ path: testInfo.outputPath('board-filter-1024.png') });
});

test('command palette: Ctrl+K, fuzzy actions, Enter runs, Esc restores focus, money only through its dialog', async ({ page, desk, fake }, testInfo) => {
  fake.commit(['PHX', 'OAK', ...DESTS], [...cancelledFlight(3), ...moreFlights()]);
  await signIn(page, desk.url);
  await expect(page.getByTestId('board-list')).toHaveAttribute('data-total', '151');

  // Opens from a text field too; Esc closes and gives the focus back.
  await page.getByTestId('board-filter').focus();
  await page.keyboard.press('Control+k');
  const palette = page.getByTestId('palette');
  await expect(palette).toBeVisible();
  await expect(palette).toHaveAttribute('role', 'dialog');
  const input = page.getByTestId('palette-input');
  await expect(input).toBeFocused();
  await expect(input).toHaveAttribute('role', 'combobox');
  await page.keyboard.press('Tab');
  await expect(input).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await expect(page.getByTestId('board-filter')).toBeFocused();

  // Fuzzy: "gtq" finds "Go to the queues"; arrows move; Enter runs.
  await page.locator('body').click({ position: { x: 700, y: 5 } });
  await page.keyboard.press('Control+k');
  await input.fill('gtq');
  await expect(page.getByTestId('palette-item').first()).toHaveAttribute('data-action', 'go-queues');
  await expect(input).toHaveAttribute('aria-activedescendant', (await page.getByTestId('palette-item').first().getAttribute('id'))!);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('view-queues')).toBeVisible();
  await expect(palette).toHaveCount(0);

  // Open a flight by its number (from another view, with the board filtered on something else).
  await page.keyboard.press('Meta+k');
  await input.fill('WN2042');
  await expect(page.getByTestId('palette-item').first()).toHaveAttribute('data-action', 'flight-WN2042-2026-11-24');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: testInfo.outputPath('palette-1440.png') });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('flight-view')).toContainText('WN2042');

  // Money: the palette opens the issue dialog for the selected entitlement; nothing is issued.
  await page.keyboard.press('Control+k');
  await input.fill('9012');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('passenger-count')).toHaveText('3');
  await page.keyboard.press('Enter'); // the first passenger's case
  await expect(page.getByTestId('case-passenger')).toBeVisible();
  await page.keyboard.press('Control+k');
  await input.fill('issue');
  await expect(page.getByTestId('palette-item').first()).toHaveAttribute('data-action', 'issue-dialog');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: testInfo.outputPath('palette-issue-1024.png') });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('issue-dialog')).toBeVisible();
  // Ctrl+K does nothing over a money dialog.
  await page.keyboard.press('Control+k');
  await expect(palette).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('issue-dialog')).toHaveCount(0);
  expect(fake.received).toHaveLength(0);
  await expect(page.getByTestId('entitlement-meal').getByTestId('entitlement-sync-state')).not.toHaveAttribute('data-state', 'synced');

  // The help overlay lists the palette.
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toContainText('Ctrl+K');
});

test('queue: virtual table rows carry their row index out of the full count', async ({ page, desk, fake }) => {
  fake.commit(['PHX', 'OAK'], cancelledFlight(120));
  await signIn(page, desk.url);
  await page.keyboard.press('2');
  await page.getByTestId('queue-tab-unassigned').click();
  const table = page.getByTestId('queue-table');
  await expect(table).toBeVisible();
  const count = Number(await page.getByTestId('queue-tab-unassigned').getAttribute('data-count'));
  expect(count).toBe(120);
  // The table announces every row it holds (header + items), though only those in view exist.
  const rowcount = Number(await table.getAttribute('aria-rowcount'));
  expect(rowcount - 1).toBeGreaterThan(40);
  expect(rowcount - 1).toBeLessThanOrEqual(count);
  const rows = page.getByTestId('queue-row');
  await expect(rows.first()).toHaveAttribute('aria-rowindex', '2');
  expect(await rows.count()).toBeLessThan(rowcount - 1);
  for (let i = 0; i < rowcount - 2; i += 1) await page.keyboard.press('j');
  const sel = page.locator('[data-testid="queue-row"][aria-selected="true"]');
  await expect(sel).toHaveAttribute('aria-rowindex', String(rowcount));
  await expect(sel).toBeInViewport();
});
