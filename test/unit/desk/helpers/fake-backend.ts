/**
 * FAKE backend for desk tests: an in-memory HTTP server speaking the sync protocol
 * (`GET /v1/sync/pull`, `POST /v1/sync/push`) as documented in src/shared/sync/protocol.ts.
 * It is NOT helper C's backend; it exists so the desk's sync engine can be tested against a
 * real HTTP socket with controllable faults. The real backend is exercised by the e2e test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CommandEnvelopeSchema,
  IssueEntitlementPayloadSchema,
  type CommandEnvelope,
  PushRequestSchema,
  type Change,
  type CommandResult,
  type EntityKind,
  type LogEntry,
} from '../../../../src/shared/sync/protocol.js';
import { deskIdOf } from '../../../../src/shared/sync/desk-signing.js';

export const TOKEN = 'fake-id-token';

export interface FakeBackend {
  apiUrl: string;
  /** Commits changes to the given stations' logs (one entry per station) and stores the entities. */
  commit(stations: string[], changes: Change[]): void;
  entity(kind: EntityKind, id: string): Change | undefined;
  /** Next `n` requests answer 503 (or drop the connection with `mode: 'drop'`). */
  fail(n: number, mode?: 'status' | 'drop'): void;
  /** Simulates a restore from backup: new epoch, logs restart. */
  restore(epoch: string): void;
  /** Drops log entries below `minSeq` (retention). */
  truncate(station: string, minSeq: number): void;
  pushed: CommandResult[];
  /** Every command envelope received by push, in arrival order (replays included). */
  received: CommandEnvelope[];
  /**
   * Answers commands other than issueEntitlement (the fake knows only that one): return the
   * result after committing whatever the command changes. Unset: such commands are rejected
   * with UNSUPPORTED_COMMAND.
   */
  onCommand: ((cmd: CommandEnvelope, commit: (stations: string[], changes: Change[]) => void) => CommandResult) | null;
  pushCalls: number;
  pullCalls: number;
  /** Page tokens asked of `GET /v1/sync/snapshot`, in order (null = first page). */
  snapshotPages: (string | null)[];
  /** Snapshot page tokens answered 410 snapshot_pack_gone once (a packed snapshot deleted after its grace period). */
  goneTokens: Set<string>;
  /** Desks enrolled (`POST /v1/desks/enrol`, by desk id) and serial blocks handed out (`POST /v1/desks/{id}/serials`). */
  desks: Map<string, { publicKey: string; name: string }>;
  serialBlocks: { deskId: string; blockNo: number; count: number }[];
  stop(): Promise<void>;
}

export async function startFakeBackend(): Promise<FakeBackend> {
  let epoch = 'E1';
  const logs = new Map<string, LogEntry[]>();
  const minSeq = new Map<string, number>();
  const seqs = new Map<string, number>();
  const entities = new Map<string, Change>();
  /** Latest change per entity per station (the compacted snapshot the fake serves). */
  const snapshots = new Map<string, Map<string, Change>>();
  const commands = new Map<string, CommandResult>();
  const waiters = new Set<() => void>();
  let failures = 0;
  let failMode: 'status' | 'drop' = 'status';
  const state = {
    pushed: [] as CommandResult[],
    received: [] as CommandEnvelope[],
    onCommand: null as FakeBackend['onCommand'],
    pushCalls: 0,
    pullCalls: 0,
    snapshotPages: [] as (string | null)[],
    goneTokens: new Set<string>(),
    desks: new Map<string, { publicKey: string; name: string }>(),
    serialBlocks: [] as { deskId: string; blockNo: number; count: number }[],
  };

  const commit = (stations: string[], changes: Change[]): void => {
    for (const c of changes) entities.set(`${c.kind}:${c.id}`, c);
    for (const s of stations) {
      const snap = snapshots.get(s) ?? new Map<string, Change>();
      for (const c of changes) snap.set(`${c.kind}#${c.id}`, c);
      snapshots.set(s, snap);
      const log = logs.get(s) ?? [];
      const seq = (seqs.get(s) ?? 0) + 1;
      seqs.set(s, seq);
      log.push({ seq, changes });
      logs.set(s, log);
    }
    for (const w of [...waiters]) w();
  };
  const head = (s: string): number => seqs.get(s) ?? 0;

  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      if (failures > 0) {
        failures -= 1;
        if (failMode === 'drop') {
          req.socket.destroy();
          return;
        }
        json(res, 503, { error: { code: 'UNAVAILABLE', message: 'fake outage' } });
        return;
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } });
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/v1/sync/pull') {
        state.pullCalls += 1;
        const station = url.searchParams.get('station') ?? '';
        const cursor = Number(url.searchParams.get('cursor') ?? '0');
        const reqEpoch = url.searchParams.get('epoch') || null;
        const limit = Number(url.searchParams.get('limit') ?? '200');
        const wait = Number(url.searchParams.get('wait') ?? '0');
        const min = minSeq.get(station) ?? 1;
        if ((reqEpoch !== null && reqEpoch !== epoch) || cursor < min - 1) {
          return json(res, 200, {
            station,
            epoch,
            entries: [],
            cursor: 0,
            hasMore: false,
            head: head(station),
            resync: true,
            retention: { minSeq: min },
          });
        }
        if (wait > 0 && head(station) <= cursor) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(done, wait * 1000);
            function done(): void {
              clearTimeout(t);
              waiters.delete(done);
              resolve();
            }
            waiters.add(done);
            req.on('close', done);
          });
        }
        const entries = (logs.get(station) ?? []).filter((e) => e.seq > cursor).slice(0, limit);
        const next = entries.at(-1)?.seq ?? cursor;
        return json(res, 200, {
          station,
          epoch,
          entries,
          cursor: next,
          hasMore: next < head(station),
          head: head(station),
          resync: false,
          retention: { minSeq: min },
        });
      }
      // Desk enrolment and serial blocks (the real ones: backend/src/api/routes/desks.ts), without checks.
      if (req.method === 'POST' && url.pathname === '/v1/desks/enrol') {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const { publicKey, name } = JSON.parse(body) as { publicKey: string; name: string };
        const deskId = deskIdOf(publicKey);
        const fresh = !state.desks.has(deskId);
        state.desks.set(deskId, { publicKey, name });
        return json(res, fresh ? 201 : 200, { deskId, name, enrolledAt: new Date().toISOString(), enrolledBy: 'fake', status: 'active' });
      }
      const serials = /^\/v1\/desks\/([^/]+)\/serials$/.exec(url.pathname);
      if (req.method === 'POST' && serials) {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const deskId = decodeURIComponent(serials[1]!);
        if (!state.desks.has(deskId)) return json(res, 404, { error: { code: 'not_found', message: 'desk not enrolled' } });
        const count = (JSON.parse(body || '{}') as { count?: number }).count ?? 200;
        const blockNo = state.serialBlocks.length + 1;
        state.serialBlocks.push({ deskId, blockNo, count });
        return json(res, 201, { deskId, blockNo, count, allocatedAt: new Date().toISOString() });
      }
      if (req.method === 'GET' && url.pathname === '/v1/sync/snapshot') {
        // The whole station state at the head, in key order, paged by offset (an opaque token).
        const station = url.searchParams.get('station') ?? '';
        const page = url.searchParams.get('page');
        const limit = Number(url.searchParams.get('limit') ?? '500');
        state.snapshotPages.push(page);
        // One refusal each: the fake's offset tokens repeat, a real pack's name their pack.
        if (page !== null && state.goneTokens.delete(page))
          return json(res, 410, { error: { code: 'snapshot_pack_gone', message: 'this packed snapshot was replaced and deleted' } });
        const all = [...(snapshots.get(station) ?? new Map<string, Change>()).entries()].sort(([a], [b]) =>
          a < b ? -1 : 1,
        );
        const from = page === null ? 0 : Number(Buffer.from(page, 'base64url').toString('utf8'));
        if (!Number.isInteger(from) || from < 0)
          return json(res, 400, { error: { code: 'validation_failed', message: 'page: bad token' } });
        const slice = all.slice(from, from + limit).map(([, c]) => c);
        const next = from + slice.length;
        return json(res, 200, {
          station,
          epoch,
          asOf: head(station),
          changes: slice,
          nextPage: next < all.length ? Buffer.from(String(next), 'utf8').toString('base64url') : null,
          total: all.length,
        });
      }
      if (req.method === 'POST' && url.pathname === '/v1/sync/push') {
        state.pushCalls += 1;
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const parsed = PushRequestSchema.safeParse(JSON.parse(body));
        if (!parsed.success) return json(res, 400, { error: { code: 'BAD_REQUEST', message: parsed.error.message } });
        const results = parsed.data.commands.map((raw) => {
          const cmd = CommandEnvelopeSchema.parse(raw);
          state.received.push(cmd);
          const seen = commands.get(cmd.commandId);
          if (seen) return { ...seen, replayed: true };
          if (cmd.type !== 'issueEntitlement') {
            const other: CommandResult = state.onCommand
              ? state.onCommand(cmd, commit)
              : {
                  commandId: cmd.commandId,
                  status: 'rejected',
                  replayed: false,
                  code: 'UNSUPPORTED_COMMAND',
                  message: 'the fake backend does not know this command',
                  effects: [],
                };
            commands.set(cmd.commandId, other);
            state.pushed.push(other);
            return other;
          }
          const { entitlementId } = IssueEntitlementPayloadSchema.parse(cmd.payload);
          const ent = entities.get(`entitlement:${entitlementId}`);
          let result: CommandResult;
          if (!ent?.data)
            result = {
              commandId: cmd.commandId,
              status: 'rejected',
              replayed: false,
              code: 'NOT_FOUND',
              message: 'no such entitlement',
              effects: [],
            };
          else if (ent.data.status === 'ISSUED')
            result = {
              commandId: cmd.commandId,
              status: 'rejected',
              replayed: false,
              code: 'ALREADY_ISSUED',
              message: 'already issued',
              effects: [],
            };
          else {
            const issuanceId = `ISS-${cmd.commandId}`;
            const newEnt: Change = {
              ...ent,
              version: ent.version + 1,
              data: { ...ent.data, status: 'ISSUED', issuanceId, version: ent.version + 1 },
            };
            const iss: Change = {
              kind: 'issuance',
              id: issuanceId,
              version: 1,
              op: 'put',
              data: {
                id: issuanceId,
                key: `k-${entitlementId}`,
                entitlementId,
                caseId: ent.data.caseId,
                passengerId: 'P',
                type: ent.data.type,
                amount: ent.data.amount,
                voucherSerial: `V-${cmd.commandId.slice(-6)}`,
                commandId: cmd.commandId,
                issuedBy: 'agent',
                deskId: cmd.deskId,
                issuedAt: new Date().toISOString(),
                status: 'VALID',
                version: 1,
              },
            };
            result = {
              commandId: cmd.commandId,
              status: 'applied',
              replayed: false,
              code: null,
              message: null,
              effects: [
                { ref: `entitlement:${entitlementId}`, version: newEnt.version },
                { ref: `issuance:${issuanceId}`, version: 1 },
              ],
            };
            commit([cmd.station], [newEnt, iss]);
          }
          commands.set(cmd.commandId, result);
          state.pushed.push(result);
          return result;
        });
        return json(res, 200, { results });
      }
      json(res, 404, { error: { code: 'NOT_FOUND', message: 'no route' } });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    commit,
    entity: (kind, id) => entities.get(`${kind}:${id}`),
    fail(n, mode = 'status') {
      failures = n;
      failMode = mode;
    },
    restore(e) {
      epoch = e;
      logs.clear();
      seqs.clear();
      minSeq.clear();
      snapshots.clear();
      commands.clear();
      for (const w of [...waiters]) w();
    },
    truncate(station, seq) {
      minSeq.set(station, seq);
      logs.set(
        station,
        (logs.get(station) ?? []).filter((e) => e.seq >= seq),
      );
    },
    get pushed() {
      return state.pushed;
    },
    get received() {
      return state.received;
    },
    get onCommand() {
      return state.onCommand;
    },
    set onCommand(fn) {
      state.onCommand = fn;
    },
    get pushCalls() {
      return state.pushCalls;
    },
    get pullCalls() {
      return state.pullCalls;
    },
    get goneTokens() {
      return state.goneTokens;
    },
    get snapshotPages() {
      return state.snapshotPages;
    },
    desks: state.desks,
    serialBlocks: state.serialBlocks,
    async stop() {
      for (const w of [...waiters]) w();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
