/**
 * Exports a desk's unsent commands, signed with the desk's key, for replay after re-enrolment:
 *
 *   JETWAY_DESK_SECRET=… tsx scripts/export-outbox.ts --data-dir <desk data dir> [--out file.json]
 *
 * The database key comes from JETWAY_DESK_SECRET or the secret file (JETWAY_DESK_SECRET_FILE,
 * default `<data dir>/desk.secret`), as in web mode and for an Electron desk without an OS key
 * store. A desk whose key is wrapped by the OS key store (safeStorage) can only be read by the
 * Electron shell on that PC, under that OS user. A wrong secret fails with a clear message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { webKeyProvider } from '../src/main/db/keys.js';
import { DatabaseKeyError } from '../src/main/db/open.js';
import { exportOutbox, verifyOutboxExport } from '../src/main/db/outbox-export.js';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
const dataDir = values['data-dir'];
if (!dataDir) {
  console.error('usage: tsx scripts/export-outbox.ts --data-dir <desk data dir> [--out file.json]');
  process.exit(2);
}
try {
  const bundle = exportOutbox(path.join(dataDir, 'desk.db'), { keyProvider: webKeyProvider({ dataDir }) });
  const body = verifyOutboxExport(bundle);
  const json = `${JSON.stringify(bundle, null, 2)}\n`;
  if (values.out) {
    fs.writeFileSync(values.out, json, { mode: 0o600 });
    console.error(`${body.commands.length} unsent command(s) of ${body.deskId} written to ${values.out}`);
  } else process.stdout.write(json);
} catch (err) {
  console.error(`export failed: ${err instanceof DatabaseKeyError ? err.message : String(err)}`);
  process.exit(1);
}
