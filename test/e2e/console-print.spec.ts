import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { naiveUtcIso, nowMicros, pythonJsonDumps } from '../../backend/src/simulator/events.js';
import { expect, signIn, test } from './fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const FLIGHTPULSE = path.resolve(repoRoot, '../shared/data/flightpulse');

/** FlightPulse scenario 3 (FLIGHT_CANCELLED SW9012 PHX→OAK) re-dated to now, as slice.spec.ts sends it. */
function scenario3Value(): string {
  const [event] = JSON.parse(fs.readFileSync(path.join(FLIGHTPULSE, 'events/scenario3-cancellation.json'), 'utf8')) as Record<string, unknown>[];
  return pythonJsonDumps({ ...event, event_id: randomUUID(), timestamp: naiveUtcIso(nowMicros()) });
}

/** The page printed to PDF (Chromium's print path, print CSS applied), then its text and page size per poppler. */
async function printToPdf(page: Page, file: string): Promise<{ text: string; pages: number; size: string }> {
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true, format: 'A4' });
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, file.replace(/\.pdf$/, '')]);
  return {
    text,
    pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]),
    size: /^Page size:\s+(.+)$/m.exec(info)?.[1] ?? '',
  };
}

test('print: a meal voucher issued after a cancellation prints with its serial, passenger and value; a re-print is marked and recorded', async ({ page, desk, kafka }, testInfo) => {
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // The browser's print dialog cannot be driven headless: count the calls instead (the PDF below is the print).
  type Printable = { __prints: number; print: () => void };
  await page.addInitScript(() => {
    const w = globalThis as unknown as Printable;
    w.__prints = 0;
    w.print = () => {
      w.__prints += 1;
    };
  });
  const prints = () => page.evaluate(() => (globalThis as unknown as Printable).__prints);

  // Prepare: agent.phx on a fresh desk; FlightPulse cancels SW9012.
  await page.goto(desk.url);
  await signIn(page, 'agent.phx');
  const row = page.getByTestId('flight-SW9012');
  await expect(row).toBeVisible();
  await expect(page.getByTestId('sync-online')).toHaveAttribute('data-online', 'true');
  await kafka.send({ topic: 'flight-operations', messages: [{ value: scenario3Value() }] });
  await expect(row).toHaveAttribute('data-status', 'CANCELLED', { timeout: 90_000 });
  await row.click();
  await expect(page.getByTestId('passenger-row').first()).toBeVisible();
  // Cases come from the backend's workflow: open a passenger once every booking has its case.
  const booked = (await page.getByTestId('passenger-count').textContent())!.trim();
  await expect(page.getByTestId('case-count')).toHaveText(booked, { timeout: 90_000 });
  await page.getByTestId('passenger-row').first().click();
  const meal = page.getByTestId('entitlement-meal');
  await expect(meal).toBeVisible({ timeout: 60_000 });
  const name = (await page.getByTestId('case-passenger').textContent())!.trim();
  const value = (await meal.getByTestId('entitlement-amount').textContent())!.trim();
  expect(value).toMatch(/^\d+\.\d{2} [A-Z]{3}$/);

  // Act: issue the meal voucher, confirming it when the rules ask for the confirmation dialog.
  await page.getByTestId('issue-meal').click();
  const confirm = page.getByTestId('dialog-confirm');
  if (await confirm.isVisible({ timeout: 3_000 }).catch(() => false)) {
    await shot('01-confirmation');
    await confirm.click();
  }
  await expect(meal.getByTestId('entitlement-sync-state')).toHaveAttribute('data-state', 'synced', { timeout: 90_000 });
  const serial = (await meal.getByTestId('voucher-serial').textContent())!.trim();
  expect(serial.length).toBeGreaterThan(3);

  // The "Print voucher" button appears with the issuance; it opens the print view and prints once.
  const printButton = page.getByTestId('print-meal');
  await expect(printButton).toBeVisible({ timeout: 60_000 });
  await shot('02-case-issued-print-button');
  await printButton.click();
  const paper = page.getByTestId('voucher-paper');
  await expect(paper).toBeVisible();
  await expect(paper).toHaveAttribute('data-serial', serial);
  await expect(paper).toHaveAttribute('data-copy', '1');
  await expect(page.getByTestId('voucher-reprint')).toHaveCount(0);
  await expect(page.getByTestId('voucher-value')).toHaveText(value);
  await expect(page.getByTestId('voucher-passenger')).toHaveText(name);
  await expect(page.getByTestId('voucher-barcode')).toBeVisible();
  expect(await page.getByTestId('voucher-barcode').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
  await expect.poll(prints).toBe(1);
  await shot('03-print-view-1440');
  await page.setViewportSize({ width: 1024, height: 800 });
  await shot('04-print-view-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // Assess: the printed PDF (A4/Letter layout) holds the serial, the passenger's name and the value, on one page.
  const first = await printToPdf(page, testInfo.outputPath('voucher-copy1.pdf'));
  expect(first.text).toContain(serial);
  expect(first.text).toContain(name);
  expect(first.text).toContain(value);
  expect(first.text).toContain('SW9012');
  expect(first.text).toContain('agent.phx');
  expect(first.text).not.toContain('REPRINT');
  expect(first.text).not.toMatch(/Passenger case|Timeline/); // the console itself is not printed
  expect(first.pages).toBe(1);

  // Re-print from the timeline: copy 2, marked REPRINT with its time, in the 80 mm receipt layout.
  await page.getByTestId('voucher-close').click();
  await expect(page.getByTestId('voucher-print-view')).toHaveCount(0);
  const reprint = page.getByTestId('case-timeline').getByTestId('reprint-voucher');
  await expect(reprint).toHaveCount(1);
  await reprint.click();
  await expect(paper).toHaveAttribute('data-copy', '2');
  await expect(page.getByTestId('voucher-reprint')).toContainText('REPRINT');
  await expect.poll(prints).toBe(2);
  await page.getByTestId('voucher-format').selectOption('receipt');
  await expect(page.getByTestId('voucher-print-view')).toHaveAttribute('data-format', 'receipt');
  await shot('05-reprint-receipt');
  const second = await printToPdf(page, testInfo.outputPath('voucher-copy2-receipt.pdf'));
  expect(second.text).toContain(serial);
  expect(second.text).toContain(name);
  expect(second.text).toContain(value);
  expect(second.text).toContain('REPRINT');
  expect(second.pages).toBe(1);
  // 80 × 240 mm = 226.77 × 680.31 pt (Chromium rounds the page to whole device pixels: within 1 pt).
  const [w, h] = second.size.split(' x ').map((x) => parseFloat(x)) as [number, number];
  expect(Math.abs(w - 226.77)).toBeLessThan(1);
  expect(Math.abs(h - 680.31)).toBeLessThan(1);

  // Each print is recorded on the case: both notes come back from the server's audit trail.
  await page.getByTestId('voucher-close').click();
  const notes = page.getByTestId('case-timeline').locator('[data-testid="audit-entry"][data-action="note"]');
  await expect(notes.filter({ hasText: `Voucher ${serial} printed (copy 1)` })).toHaveCount(1, { timeout: 60_000 });
  await expect(notes.filter({ hasText: `Voucher ${serial} REPRINTED (copy 2)` })).toHaveCount(1, { timeout: 60_000 });
  await shot('06-timeline-print-notes');
  expect(pageErrors).toEqual([]);
});
