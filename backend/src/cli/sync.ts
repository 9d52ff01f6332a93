/**
 * Operator commands for the change log (issue #10):
 *
 *   jetway restore-epoch --reason "restored from PITR 2026-12-01T22:00Z" [table options]
 *     After restoring the table from a backup (PITR or on-demand): gives the change log a new
 *     epoch, so every desk resyncs its stations from the snapshot (keeping its outbox) and
 *     re-pushes the commands the server had acknowledged; the durable command records dedupe
 *     what the restore kept. Run it once, right after the restore, before desks reconnect.
 *
 *   jetway compact [--station IATA]… [--horizon-hours N] [--discover] [table options]
 *     One compaction + trim pass now (what the scheduled SchedCompactChangeLog Lambda and the
 *     local cloud's timer do), until every station is done. `--discover` first registers every
 *     station that has a change log (one Scan; needed once on tables whose logs predate the
 *     `STATIONS` registry, which the compactor reads).
 *
 * Table options are the audit command's: --endpoint, --table, --table-prefix, --region (else
 * DYNAMODB_ENDPOINT / TABLE_NAME, else the running local cloud's).
 */
import { rotateEpoch, getEpoch } from '../data/changelog.js';
import { compactUntilDone, discoverStations } from '../data/compaction.js';
import { TABLE_OPTIONS, parseCommandArgs, withTableContext, type CliIo, type CliOpts } from './common.js';

export const RESTORE_EPOCH_USAGE = `usage: jetway restore-epoch --reason "why" [--endpoint URL] [--table NAME] [--table-prefix P] [--region R]

Run right after restoring the table from a backup: gives the change log a new epoch, so every desk
resyncs from the snapshot (keeping its queued commands) and re-pushes what the server had
acknowledged after the restore point. Exit 0: rotated; 2: usage error; 1: failed.
`;

export const COMPACT_USAGE = `usage: jetway compact [--station IATA]... [--horizon-hours N] [--discover] [--endpoint URL] [--table NAME] [--table-prefix P] [--region R]

Folds each station's change log into its snapshot and deletes log entries older than the retention
horizon (default 168 h = 7 days) that are compacted. --discover first registers every station with
a change log (one table Scan: once, on tables older than the registry).
Exit 0: done; 2: usage error; 1: failed.
`;

export async function runRestoreEpochCli(
  argv: string[],
  io: CliIo,
  opts: CliOpts = {},
): Promise<number> {
  const parsed = parseCommandArgs('restore-epoch', RESTORE_EPOCH_USAGE, io, {
    args: argv,
    options: { ...TABLE_OPTIONS, reason: { type: 'string' } },
    strict: true,
  });
  if (typeof parsed === 'number') return parsed;
  const { values: v } = parsed;
  const reason = v.reason?.trim() ?? '';
  if (reason.length === 0 || reason.length > 500) {
    io.stderr.write(`jetway restore-epoch: --reason is required (1-500 characters)\n${RESTORE_EPOCH_USAGE}`);
    return 2;
  }
  return withTableContext('restore-epoch', v, io, opts, async (ctx) => {
    const before = await getEpoch(ctx, { create: false });
    const after = await rotateEpoch(ctx, reason);
    io.stdout.write(`epoch of ${ctx.table}: ${before} → ${after} (${reason})\n`);
    io.stdout.write('desks resync their stations from the snapshot on their next pull and re-push acknowledged commands\n');
    return 0;
  });
}

export async function runCompactCli(
  argv: string[],
  io: CliIo,
  opts: CliOpts = {},
): Promise<number> {
  const parsed = parseCommandArgs('compact', COMPACT_USAGE, io, {
    args: argv,
    options: {
      ...TABLE_OPTIONS,
      station: { type: 'string', multiple: true },
      'horizon-hours': { type: 'string' },
      discover: { type: 'boolean' },
    },
    strict: true,
  });
  if (typeof parsed === 'number') return parsed;
  const { values: v } = parsed;
  const hours = v['horizon-hours'] === undefined ? 168 : Number(v['horizon-hours']);
  const stations = v.station ?? undefined;
  if (!Number.isFinite(hours) || hours < 0 || (stations && stations.some((s) => !/^[A-Z]{3}$/.test(s)))) {
    io.stderr.write(`jetway compact: --horizon-hours must be a non-negative number, --station an IATA code\n${COMPACT_USAGE}`);
    return 2;
  }
  return withTableContext('compact', v, io, opts, async (ctx) => {
    if (v.discover) io.stdout.write(`registered stations: ${(await discoverStations(ctx)).join(', ') || '(none)'}\n`);
    const results = await compactUntilDone(ctx, { horizonMs: hours * 3600_000, ...(stations ? { stations } : {}) });
    for (const r of results)
      io.stdout.write(`${r.station}: compacted to ${r.compactedSeq} of ${r.head}, log trimmed to ${r.trimmedSeq}\n`);
    return 0;
  });
}
