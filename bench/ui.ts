/**
 * UI bench: the console in Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) against a
 * PRODUCTION build of the renderer (`electron-vite build --outDir <tmp>`, served by the real web-mode
 * desk server, src/main/web/server.ts), on a desk holding a board of 2,000 flights and a queue of
 * 100,000 cases.
 *
 * The desk: real cognito-local for sign-in, the desk's own sync engine against the in-memory fake
 * sync backend of the desk tests (test/unit/desk/helpers/fake-backend.ts; nothing to sync), and the
 * data written straight into the desk's encrypted SQLite through its own CacheWriter (what a pull
 * writes, triggers included) — seconds instead of minutes of sync. No local cloud is started.
 *
 * Figures (measured in the page with performance.now, a MutationObserver and the frame after the
 * DOM update: requestAnimationFrame, then a task after it, i.e. after the paint):
 * - ui.first_render_ms: navigation start → the first board rows painted (median of runs);
 *   includes loading the bundle, session:get and board:flights over the WebSocket.
 * - ui.first_render_vs_plain: that over navigation → the same rows painted from a plain static
 *   page (the same rendered rows' HTML and the same stylesheet, no script), same browser, same run.
 * - ui.filter_keystroke_p95_ms: keydown in the board filter → the filtered list (right count,
 *   rendered rows all matching) painted; p95 over ≥ 50 keystrokes (typing and Backspace).
 * - ui.filter_vs_plain_render: that over the p95 time to paint the same rows with no filtering
 *   (their HTML set into a plain element, then the same frame wait), same page, same keystrokes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { startCognitoLocal } from '../backend/src/local/services/cognito.js';
import type { BoardFlight } from '../src/shared/rpc/contract.js';
import { webKeyProvider } from '../src/main/db/keys.js';
import { CacheWriter } from '../src/main/db/cache.js';
import { startDeskServer } from '../src/main/web/server.js';
import { matchesFlight } from '../src/renderer/src/logic/board-filter.js';
import { TOKEN, startFakeBackend } from '../test/unit/desk/helpers/fake-backend.js';
import { flight, passenger } from '../test/unit/desk/helpers/factories.js';

const FLIGHTS = 2_000;
const CASES = 100_000;
const FIRST_RENDER_RUNS = 7;
const root = path.resolve(import.meta.dirname, '..');

type Figures = Record<string, { value: number; unit: string; target: string }>;

const DESTS = ['OAK', 'DAL', 'LAX', 'DEN', 'SEA', 'SFO', 'LAS', 'MDW', 'BWI', 'AUS', 'HOU', 'SAN', 'SJC', 'BNA', 'ATL', 'MCO'];
const STATUSES = ['SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'DELAYED', 'CANCELLED', 'SCHEDULED', 'DEPARTED', 'DELAYED'] as const;

/** The seeded flights, as the filter sees them (same fields the board row is filtered on). */
function seedFlights(): Pick<BoardFlight, 'id' | 'carrier' | 'number' | 'origin' | 'destination' | 'status' | 'gate'>[] {
  return Array.from({ length: FLIGHTS }, (_, f) => ({
    id: `WN${1000 + f}-2026-12-02`,
    carrier: 'WN',
    number: String(1000 + f),
    origin: 'PHX',
    destination: DESTS[f % DESTS.length]!,
    status: STATUSES[f % STATUSES.length]!,
    gate: `${'ABCD'[f % 4]}${(f % 30) + 1}`,
  }));
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/**
 * In-page instruments (plain JavaScript: this file is type-checked without the DOM library),
 * installed before any script of the page runs.
 */
const HARNESS = String.raw`(() => {
  // Frame after a DOM change: rAF runs before the paint, a task posted from it runs after.
  const afterPaint = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(performance.now());
        ch.port2.postMessage(0);
      }),
    );
  // First render: the first flight row in the document, then its paint.
  window.__firstRow = new Promise((resolve) => {
    const mo = new MutationObserver(() => {
      if (!document.querySelector('[role="option"][data-testid^="flight-"]')) return;
      mo.disconnect();
      void afterPaint().then(resolve);
    });
    mo.observe(document, { childList: true, subtree: true });
  });
  // Keystroke → filtered list painted.
  let lastKey = 0;
  window.addEventListener('keydown', (e) => (lastKey = e.timeStamp), true);
  window.__arm = (query, total) => {
    window.__result = new Promise((resolve, reject) => {
      const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let done = false;
      const ok = () => {
        const input = document.querySelector('[data-testid="board-filter"]');
        const list = document.querySelector('[data-testid="board-list"]');
        if (!input || input.value !== query) return false;
        if (total === 0) return document.querySelector('[data-testid="board-filter-empty"]') !== null;
        if (!list || list.dataset.total !== String(total)) return false;
        const rows = [...list.querySelectorAll('[role="option"]')];
        if (rows.length === 0) return false;
        return rows.every((r) => {
          const t = (r.textContent + ' ' + (r.dataset.status || '')).toLowerCase();
          return words.every((w) => t.replace(/\s+/g, ' ').includes(w) || t.replace(/\s+/g, '').includes(w));
        });
      };
      const finish = () => {
        if (done || !ok()) return;
        done = true;
        mo.disconnect();
        void afterPaint().then((t) => {
          const list = document.querySelector('[data-testid="board-flights"]');
          resolve({ ms: t - lastKey, html: list ? list.innerHTML : '' });
        });
      };
      const mo = new MutationObserver(finish);
      mo.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
      const poll = () => {
        if (done) return;
        finish();
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
      setTimeout(() => !done && reject(new Error('filter "' + query + '" never showed ' + total + ' rows')), 30000);
    });
  };
  // The same rows with no filtering: their HTML into a plain list element, then the paint.
  window.__plain = async (html) => {
    const host = document.createElement('ul');
    host.className = 'vlist-inner';
    host.style.cssText = 'position:fixed;left:0;top:0;width:26%;height:100%;margin:0;padding:0;list-style:none;background:#fff;z-index:99';
    const t0 = performance.now();
    document.body.appendChild(host);
    host.innerHTML = html;
    const t1 = await afterPaint();
    host.remove();
    await afterPaint();
    return t1 - t0;
  };
})();`;

function buildRenderer(outDir: string): string {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
  const dir = path.join(outDir, 'renderer');
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`no index.html in ${dir}`);
  return dir;
}

/** Writes the bench's 2,000 flights and 100,000 cases through the desk's CacheWriter. */
export function seed(desk: { db: import('better-sqlite3-multiple-ciphers').Database }): void {
  const cache = new CacheWriter(desk.db);
  const base = Date.UTC(2026, 11, 2, 6, 0, 0);
  const statuses = ['OPEN', 'OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RESOLVED', 'CLOSED'];
  desk.db.transaction(() => {
    for (const [f, s] of seedFlights().entries()) {
      const dep = new Date(base + (f % 96) * 10 * 60_000).toISOString();
      cache.write(
        flight({
          id: s.id,
          carrier: s.carrier,
          number: s.number,
          origin: s.origin,
          destination: s.destination,
          scheduledDeparture: dep,
          scheduledArrival: new Date(Date.parse(dep) + 2 * 3600_000).toISOString(),
          status: s.status,
          gate: s.gate,
          ...(s.status === 'DELAYED' ? { delayMinutes: 30 + (f % 200) } : {}),
        }),
      );
    }
    const ids = seedFlights().map((s) => s.id);
    for (let i = 0; i < CASES; i++) {
      const status = statuses[i % statuses.length]!;
      const at = new Date(base + (i % 1440) * 60_000).toISOString();
      cache.write(passenger(`P${i}`, `Last${i % 5000}`, `First${i}`));
      cache.write({
        kind: 'case',
        id: `C${i}`,
        version: 1,
        op: 'put',
        data: {
          id: `C${i}`,
          flightId: ids[i % FLIGHTS],
          disruptionId: `D${i % FLIGHTS}`,
          passengerId: `P${i}`,
          bookingId: `B${i}`,
          status,
          policyVersion: null,
          primaryRegime: 'US_DOT',
          needsReview: i % 13 === 0 ? ['missing arrival time'] : [],
          stations: ['PHX', DESTS[i % DESTS.length]],
          assignee: status === 'OPEN' ? null : `agent.${i % 9}`,
          openedAt: at,
          statusSince: at,
          version: 1,
        },
      });
    }
  })();
}

/** Keystrokes: each query typed character by character, then erased with Backspace. */
function keystrokes(): { key: string; query: string }[] {
  const out: { key: string; query: string }[] = [];
  for (const q of ['WN12', 'lax', 'cancelled', 'WN1 den', 'b7', 'delayed sea']) {
    let cur = '';
    for (const ch of q) out.push({ key: ch === ' ' ? 'Space' : ch, query: (cur += ch) });
    while (cur.length) out.push({ key: 'Backspace', query: (cur = cur.slice(0, -1)) });
  }
  return out;
}

async function measureFirstRender(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  return page.evaluate<number>('window.__firstRow');
}

export default async function run(): Promise<Figures> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-bench-ui-'));
  console.log('  building the renderer (production) …');
  const rendererDir = buildRenderer(path.join(tmp, 'out'));
  const cognito = await startCognitoLocal();
  const fake = await startFakeBackend();
  const dataDir = path.join(tmp, 'desk');
  const server = await startDeskServer({
    dataDir,
    rendererDir,
    keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
    apiUrl: fake.apiUrl,
    cognito,
    // The fake sync backend accepts one fixed token instead of verifying Cognito's.
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } }),
    log: () => undefined,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const signIn = (await server.desk.dispatch('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' })) as { ok: boolean };
    if (!signIn.ok) throw new Error(`sign-in failed: ${JSON.stringify(signIn)}`);
    for (const t0 = Date.now(); fake.pullCalls === 0; ) {
      if (Date.now() - t0 > 30_000) throw new Error('the desk never pulled');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    const s0 = performance.now();
    seed(server.desk as unknown as Parameters<typeof seed>[0]);
    console.log(`  seeded ${FLIGHTS} flights and ${CASES} cases in ${((performance.now() - s0) / 1000).toFixed(1)} s`);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript({ content: HARNESS });
    const page = await context.newPage();

    // First render: the app, then a plain page with the same rows and stylesheet.
    await measureFirstRender(page, server.url); // warm-up (disk cache, JIT)
    const app: number[] = [];
    for (let i = 0; i < FIRST_RENDER_RUNS; i++) app.push(await measureFirstRender(page, server.url));
    const total = await page.getByTestId('board-list').getAttribute('data-total');
    if (total !== String(FLIGHTS)) throw new Error(`the board shows ${total} flights, expected ${FLIGHTS}`);
    const { rows, css } = await page.evaluate<{ rows: string; css: string[] }>(
      `({ rows: document.querySelector('[data-testid="board-flights"]').outerHTML,
          css: [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.getAttribute('href')) })`,
    );
    const plainUrl = `${server.origin}/__bench_plain.html`;
    await page.route(plainUrl, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html><head>${css.map((h) => `<link rel="stylesheet" href="${h}">`).join('')}</head><body><div class="app"><main class="panes view-board"><section class="pane board"><div class="vlist flights">${rows}</div></section></main></div></body></html>`,
      }),
    );
    await measureFirstRender(page, plainUrl);
    const plain: number[] = [];
    for (let i = 0; i < FIRST_RENDER_RUNS; i++) plain.push(await measureFirstRender(page, plainUrl));

    // Filter keystrokes.
    await page.goto(server.url);
    await page.evaluate('window.__firstRow');
    await page.getByTestId('board-filter').click();
    const flights = seedFlights() as BoardFlight[];
    const keyMs: number[] = [];
    const plainMs: number[] = [];
    for (const { key, query } of keystrokes()) {
      const expected = flights.filter((f) => matchesFlight(f, query)).length;
      await page.evaluate(`window.__arm(${JSON.stringify(query)}, ${expected})`);
      await page.keyboard.press(key);
      const r = await page.evaluate<{ ms: number; html: string }>('window.__result');
      keyMs.push(r.ms);
      plainMs.push(await page.evaluate<number>(`window.__plain(${JSON.stringify(r.html)})`));
    }
    await context.close();

    keyMs.sort((a, b) => a - b);
    plainMs.sort((a, b) => a - b);
    const firstRender = median(app);
    const firstPlain = median(plain);
    const keyP95 = percentile(keyMs, 95);
    const plainP95 = percentile(plainMs, 95);
    console.log(
      `  first render: app ${app.map((x) => x.toFixed(0)).join(', ')} ms; plain ${plain.map((x) => x.toFixed(0)).join(', ')} ms`,
    );
    console.log(
      `  filter: ${keyMs.length} keystrokes, p50 ${percentile(keyMs, 50).toFixed(1)} ms, p95 ${keyP95.toFixed(1)} ms; plain render p50 ${percentile(plainMs, 50).toFixed(1)} ms, p95 ${plainP95.toFixed(1)} ms`,
    );
    const round = (x: number, d = 1) => Number(x.toFixed(d));
    return {
      'ui.first_render_ms': { value: round(firstRender), unit: 'ms', target: '≤ 1000 (2,000 flights, 100,000 cases, production build)' },
      'ui.first_render_vs_plain': { value: round(firstRender / firstPlain, 2), unit: '×', target: '- (same rows, static page)' },
      'ui.filter_keystroke_p95_ms': { value: round(keyP95), unit: 'ms', target: `≤ 50 (p95 of ${keyMs.length} keystrokes)` },
      'ui.filter_vs_plain_render': { value: round(keyP95 / plainP95, 2), unit: '×', target: '- (p95 / p95 of painting the same rows)' },
    };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await fake.stop().catch(() => undefined);
    await cognito.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
