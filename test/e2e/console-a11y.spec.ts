import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import type { Producer } from 'kafkajs';
import { naiveUtcIso, nowMicros, pythonJsonDumps } from '../../backend/src/simulator/events.js';
import { expect, signIn, test } from './fixtures.js';

/**
 * Issue #12, languages, themes and accessibility: axe (WCAG 2 A + AA) on every console screen with
 * data loaded, in the light and the dark theme; Spanish; the dark theme really dark; focus rules.
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
const FLIGHTPULSE = path.resolve(repoRoot, '../shared/data/flightpulse');
const TOPIC = 'flight-operations';

/** FlightPulse scenario 3 (FLIGHT_CANCELLED SW9012 PHX→OAK), as slice.spec.ts sends it. */
function scenario3Value(): string {
  const [event] = JSON.parse(fs.readFileSync(path.join(FLIGHTPULSE, 'events/scenario3-cancellation.json'), 'utf8')) as Record<string, unknown>[];
  return pythonJsonDumps({ ...event, event_id: randomUUID(), timestamp: naiveUtcIso(nowMicros()) });
}

/** Signs in as agent.phx and makes sure SW9012 is cancelled with its cases on this desk. */
async function agentWithCancellation(page: Page, kafka: Producer): Promise<void> {
  await signIn(page, 'agent.phx');
  const row = page.getByTestId('flight-SW9012');
  await expect(row).toBeVisible({ timeout: 60_000 });
  if ((await row.getAttribute('data-status')) !== 'CANCELLED') await kafka.send({ topic: TOPIC, messages: [{ value: scenario3Value() }] });
  await expect(row).toHaveAttribute('data-status', 'CANCELLED', { timeout: 90_000 });
}

interface Finding {
  screen: string;
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs axe (WCAG 2 A and AA) and keeps the serious and critical violations, with a screenshot of the screen. */
async function audit(page: Page, testInfo: TestInfo, screen: string, findings: Finding[]): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${screen}.png`) });
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  for (const v of r.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    findings.push({ screen, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} :: ${n.failureSummary ?? ''}`) });
  }
}

function report(findings: Finding[]): string {
  return findings.map((f) => `[${f.screen}] ${f.impact} ${f.id}: ${f.help}\n    ${f.nodes.join('\n    ')}`).join('\n');
}

/** Relative luminance (WCAG) of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

test('axe finds no serious or critical violation on the agent console, light and dark', async ({ page, desk, kafka }, testInfo) => {
  test.setTimeout(900_000); // axe on a full console, ten times, on a shared 2-core machine
  const findings: Finding[] = [];
  await page.goto(desk.url);
  await expect(page.getByTestId('signin-submit')).toBeVisible();

  // A failed sign-in moves focus to the error, so a screen reader reads it at once.
  await page.getByLabel('Username').fill('agent.phx');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toBeFocused();
  await audit(page, testInfo, '00-signin-error', findings);

  await agentWithCancellation(page, kafka);

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByTestId('nav-board').click();
    await expect(page.getByTestId('board')).toBeVisible();
    await audit(page, testInfo, `${scheme}-01-board`, findings);

    await page.getByTestId('flight-SW9012').click();
    await expect(page.getByTestId('passenger-row').first()).toBeVisible({ timeout: 60_000 });
    await audit(page, testInfo, `${scheme}-02-flight`, findings);

    await page.getByTestId('passenger-row').first().click();
    await expect(page.getByTestId('case-panel')).toBeVisible();
    await expect(page.getByTestId('entitlement-meal')).toBeVisible();
    await audit(page, testInfo, `${scheme}-03-case`, findings);

    // A dialog: focus goes into it, Tab stays inside it, Escape closes it and focus returns to its opener.
    const opener = page.getByTestId('case-note');
    await opener.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await audit(page, testInfo, `${scheme}-04-note-dialog`, findings);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();

    await page.getByTestId('nav-queues').click();
    await expect(page.getByTestId('view-queues')).toBeVisible();
    await audit(page, testInfo, `${scheme}-05-queues`, findings);
  }

  // Landmarks and the polite / assertive live regions exist once each.
  await expect(page.getByRole('banner')).toHaveCount(1);
  await expect(page.getByRole('main')).toHaveCount(1);
  await expect(page.getByRole('contentinfo')).toHaveCount(1);
  await expect(page.getByTestId('live-polite')).toHaveAttribute('aria-live', 'polite');
  await expect(page.getByTestId('live-assertive')).toHaveAttribute('aria-live', 'assertive');
  await expect(page.getByTestId('search')).toHaveAccessibleName(/search/i);

  if (findings.length) console.log(`axe findings:\n${report(findings)}`);
  expect(findings, report(findings)).toEqual([]);
});

test('Spanish: the console in Spanish, remembered; the dark theme renders dark', async ({ page, desk, kafka }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  await page.goto(desk.url);
  await agentWithCancellation(page, kafka);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByTestId('language-select').selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByTestId('nav-board')).toHaveText('Tablero');
  await expect(page.getByTestId('nav-queues')).toHaveText('Colas');
  await expect(page.getByTestId('signout')).toHaveText('Cerrar sesión');
  await expect(page.getByTestId('sync-online')).toHaveText('En línea');
  await expect(page.getByTestId('search')).toHaveAccessibleName(/Buscar pasajeros/);
  await shot('es-01-board');

  await page.getByTestId('flight-SW9012').click();
  await expect(page.getByTestId('passenger-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('flight-view')).toContainText(/\d+ pasajeros/);
  await page.getByTestId('passenger-row').first().click();
  await expect(page.getByTestId('entitlement-meal')).toContainText('Vale de comida');
  // Amounts with a decimal comma.
  await expect(page.getByTestId('entitlement-meal').getByTestId('entitlement-amount')).toHaveText(/^\d+,\d{2} [A-Z]{3}$/);
  await expect(page.getByTestId('case-note')).toHaveText('Añadir nota');
  await shot('es-02-case');

  await page.getByTestId('nav-queues').click();
  await expect(page.getByTestId('view-queues')).toContainText('Sin asignar');
  await shot('es-03-queues');

  // Dark theme chosen by hand while the OS is light: the page is dark.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.locator('.panes').evaluate((el) => getComputedStyle(document.body.parentElement!).backgroundColor + '|' + getComputedStyle(el.querySelector('.pane') ?? el).backgroundColor);
  const [rootBg, paneBg] = bg.split('|') as [string, string];
  expect(luminance(paneBg)).toBeLessThan(0.05);
  expect(luminance(rootBg)).toBeLessThan(0.05);
  await shot('es-04-queues-dark');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('nav-board').click();
  await shot('es-05-board-dark-1024');

  // Both choices are kept on this desk.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot('es-06-after-reload');
});

test('axe on the admin policies view, light and dark', async ({ page, desk }, testInfo) => {
  const findings: Finding[] = [];
  await page.goto(desk.url);
  await signIn(page, 'admin');
  await page.getByTestId('station-select').selectOption({ label: 'PHX' }).catch(async () => {
    await page.getByTestId('station-select').selectOption({ label: 'Other…' });
    await page.getByTestId('station-code').fill('PHX');
    await page.getByTestId('station-code').press('Enter');
  });
  await expect(page.getByTestId('board-counts')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('nav-policies').click();
  await expect(page.getByTestId('policy-versions')).toBeVisible();
  await page.locator('[data-testid="policy-version"][data-version="1"] .version-open').click();
  await expect(page.getByTestId('policy-detail')).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await audit(page, testInfo, `admin-${scheme}-policies`, findings);
  }
  if (findings.length) console.log(`axe findings:\n${report(findings)}`);
  expect(findings, report(findings)).toEqual([]);
});
