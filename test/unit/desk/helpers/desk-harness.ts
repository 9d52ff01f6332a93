import path from 'node:path';
import { CacheWriter } from '../../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../../src/main/db/open.js';
import { Outbox } from '../../../../src/main/db/outbox.js';
import { CacheQueries } from '../../../../src/main/db/queries.js';
import { BackendClient } from '../../../../src/main/sync/backend.js';
import { SyncEngine, type SyncEngineOptions } from '../../../../src/main/sync/engine.js';
import { TOKEN } from './fake-backend.js';
import { tempDir } from './factories.js';

export interface Harness {
  db: Db;
  file: string;
  engine: SyncEngine;
  outbox: Outbox;
  queries: CacheQueries;
  backend: BackendClient;
  changes: string[][];
  close(): Promise<void>;
}

/** A desk's sync stack on a real SQLite file, pointed at `apiUrl` (a fake or the real backend). */
export function deskHarness(apiUrl: string, opts: Partial<SyncEngineOptions> & { file?: string } = {}): Harness {
  const file = opts.file ?? path.join(tempDir(), 'desk.db');
  const db = openDatabase(file);
  const outbox = new Outbox(db);
  const backend = new BackendClient({ apiUrl, tokens: { idToken: async () => TOKEN, refresh: async () => undefined }, timeoutMs: 3000 });
  const changes: string[][] = [];
  const engine = new SyncEngine({
    db,
    cache: new CacheWriter(db),
    outbox,
    backend,
    waitSeconds: 2,
    minPollIntervalMs: 100,
    backoff: { initialMs: 50, maxMs: 400 },
    onChange: (kinds) => changes.push(kinds),
    log: process.env.DESK_TEST_LOG ? (m) => console.log(m) : undefined,
    ...opts,
  });
  return {
    db,
    file,
    engine,
    outbox,
    queries: new CacheQueries(db),
    backend,
    changes,
    async close() {
      await engine.stop();
      db.close();
    },
  };
}

/** The desk harnesses a test opens: `closeAll()` closes them after it; `forget()` drops those it closed itself. */
export function deskPool(): {
  open(apiUrl: string, opts?: Parameters<typeof deskHarness>[1]): Harness;
  closeAll(): Promise<void>;
  forget(): void;
} {
  let open: Harness[] = [];
  return {
    open(apiUrl, opts) {
      const h = deskHarness(apiUrl, opts);
      open.push(h);
      return h;
    },
    async closeAll() {
      for (const d of open) await d.close();
      open = [];
    },
    forget() {
      open = [];
    },
  };
}

/** Polls `fn` until it returns truthy or the time is up (then throws with `what`). */
export async function until<T>(fn: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
