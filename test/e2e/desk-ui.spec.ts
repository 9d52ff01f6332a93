import type { Page } from '@playwright/test';
import { cancelledFlight, entitlement } from '../unit/desk/helpers/factories.js';
import { expect, test } from './fake-backend-fixtures.js';

const FLIGHT = 'SW9012-2026-11-24';

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('signin-username').fill('agent.phx');
  await page.getByTestId('signin-password').fill('Jetway-demo-1');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('user')).toContainText('agent.phx');
}

test('a 300-passenger flight: virtualized list, filter, keyboard open and issue with i', async ({ page, desk, fake }, testInfo) => {
  fake.commit(['PHX', 'OAK'], cancelledFlight(300));
  await signIn(page, desk.url);
  await page.getByTestId('flight-SW9012').click();
  await expect(page.getByTestId('passenger-count')).toHaveText('300');
  await expect(page.getByTestId('case-count')).toHaveText('300');
  const list = page.getByTestId('passenger-list');
  await expect(list).toHaveAttribute('data-total', '300');
  // Only the rows in view are in the DOM.
  const rendered = await page.getByTestId('passenger-row').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(60);
  await page.screenshot({ path: testInfo.outputPath('300-passengers.png') });

  // Keyboard: move down 120 rows, the list scrolls with the selection.
  for (let i = 0; i < 120; i += 1) await page.keyboard.press('j');
  await expect(page.locator('[data-testid="passenger-row"][aria-selected="true"]')).toHaveAttribute('data-passenger-id', 'P121');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('case-passenger')).toHaveText('Ann Last121');
  await page.keyboard.press('i');
  await expect(page.getByTestId('entitlement-meal').getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced');
  await expect(page.getByTestId('issue-meal')).toBeDisabled();
  await expect(page.getByTestId('entitlement-amount')).toHaveText('15.00 USD');

  // Filter narrows the list.
  await page.getByTestId('passenger-filter').fill('pnr250');
  await expect(page.getByTestId('passenger-row')).toHaveCount(1);
  await expect(page.getByTestId('passenger-row')).toHaveAttribute('data-passenger-id', 'P250');
  await page.getByTestId('passenger-filter').fill('nobody-like-this');
  await expect(page.getByText('No passenger matches')).toBeVisible();
});

test('offline: the bar says so, an issue waits in the outbox and syncs once the backend is back', async ({ page, desk, fake }, testInfo) => {
  fake.commit(['PHX', 'OAK'], cancelledFlight(2));
  await signIn(page, desk.url);
  await page.getByTestId('flight-SW9012').click();
  await page.getByTestId('passenger-row').first().click();
  await expect(page.getByTestId('issue-meal')).toBeEnabled();
  fake.fail(1_000_000, 'drop');
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'false', { timeout: 30_000 });
  await page.getByTestId('issue-meal').click();
  await expect(page.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '1');
  await page.screenshot({ path: testInfo.outputPath('offline-pending.png') });
  fake.fail(0);
  await expect(page.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced', { timeout: 15_000 });
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');
  expect(fake.pushed.filter((r) => r.status === 'applied')).toHaveLength(1);
});

test('a rejected issue shows in needs attention and the entitlement goes back to the server state', async ({ page, desk, fake }, testInfo) => {
  const changes = cancelledFlight(1);
  fake.commit(['PHX', 'OAK'], changes);
  await signIn(page, desk.url);
  await page.getByTestId('flight-SW9012').click();
  await page.getByTestId('passenger-row').first().click();
  await expect(page.getByTestId('issue-meal')).toBeEnabled();
  // Another desk issued it at a station this desk does not sync: the server state moves on unseen.
  const caseId = `CASE-${FLIGHT}-P001`;
  fake.commit(['LAX'], [{ ...entitlement(caseId, 'meal', 'ISSUED', 2) }]);
  await page.getByTestId('issue-meal').click();
  await expect(page.getByTestId('attention-toggle')).toHaveText('Needs attention: 1', { timeout: 10_000 });
  await expect(page.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'rejected');
  await expect(page.getByTestId('issue-meal')).toBeEnabled(); // optimistic effect rolled back
  await page.getByTestId('attention-toggle').click();
  await expect(page.getByTestId('attention-code')).toHaveAttribute('data-code', 'ALREADY_ISSUED');
  await expect(page.getByTestId('attention-code')).toHaveText('Already issued'); // the code in words, raw in the tooltip
  await page.screenshot({ path: testInfo.outputPath('needs-attention.png') });
});
