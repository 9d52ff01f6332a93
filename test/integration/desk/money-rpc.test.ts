import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCognitoLocal, type CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import type { DeskServer } from '../../../src/main/web/server.js';
import { approvalId } from '../../../src/shared/domain/ids.js';
import type { Channel, RpcResult } from '../../../src/shared/rpc/contract.js';
import {
  DecideApprovalPayloadSchema,
  RequestApprovalPayloadSchema,
  type Change,
} from '../../../src/shared/sync/protocol.js';
import { cancelledFlight } from '../../unit/desk/helpers/factories.js';
import { startDeskOnFakeBackend } from './fake-desk-server.js';
import { startFakeBackend, type FakeBackend } from '../../unit/desk/helpers/fake-backend.js';

// Real: cognito-local (the demo users and their groups/stations), the desk server, SQLite, the
// WebSocket transport, the desk's money rules. FAKE: the sync backend (helpers/fake-backend.ts),
// which here applies requestApproval by committing the approval the real server would write.
// The real server's side of the same flow is covered by the backend and e2e tests.

const FLIGHT = 'SW9012-2026-11-24';
const CASE = `CASE-${FLIGHT}-P001`;
const CASH = `${CASE}/EU261/cash/once`;

let cognito: CognitoLocal;
let fake: FakeBackend;
let server: DeskServer;

async function connect(s: DeskServer) {
  const ws = new WebSocket(s.rpcUrl, { origin: s.origin });
  const pending = new Map<number, (r: RpcResult<unknown>) => void>();
  ws.on('message', (raw) => {
    const f = JSON.parse(String(raw)) as { type: string; id?: number; result?: RpcResult<unknown> };
    if (f.type === 'reply') pending.get(f.id!)?.(f.result!);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  return {
    call<T = unknown>(channel: Channel, request: unknown = {}): Promise<RpcResult<T>> {
      const i = ++id;
      return new Promise((resolve) => {
        pending.set(i, resolve as (r: RpcResult<unknown>) => void);
        ws.send(JSON.stringify({ type: 'call', id: i, channel, request }));
      });
    },
    close: () => ws.close(),
  };
}

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  cognito = await startCognitoLocal();
  fake = await startFakeBackend();
  const base = cancelledFlight(2, FLIGHT);
  const cashEnt: Change = {
    kind: 'entitlement',
    id: CASH,
    version: 1,
    op: 'put',
    data: {
      id: CASH,
      caseId: CASE,
      regime: 'EU261',
      type: 'cash',
      carePeriod: 'once',
      amount: { amountMinor: 60000, currency: 'EUR' },
      automatic: false,
      status: 'OFFERED',
      clauses: [{ id: 'EU261-ART7-1C', reason: 'Cancelled, more than 3,500 km: 600 EUR' }],
      version: 1,
    },
  };
  fake.commit(['PHX', 'OAK'], [...base, cashEnt]);
  // FAKE server side of requestApproval: entitlement PENDING_APPROVAL + the approval item.
  fake.onCommand = (cmd, commit) => {
    if (cmd.type === 'decideApproval') {
      const d = DecideApprovalPayloadSchema.parse(cmd.payload);
      const apr = fake.entity('approval', d.approvalId)!;
      const ent = fake.entity('entitlement', String(apr.data!.entitlementId))!;
      const status = d.decision === 'approve' ? 'APPROVED' : 'DENIED';
      const entStatus = d.decision === 'approve' ? 'ISSUED' : 'DENIED';
      commit(
        ['PHX', 'OAK'],
        [
          { ...apr, version: 2, data: { ...apr.data, status, decidedBy: 'super.phx', version: 2 } },
          { ...ent, version: ent.version + 1, data: { ...ent.data, status: entStatus, version: ent.version + 1 } },
        ],
      );
      return {
        commandId: cmd.commandId,
        status: 'applied',
        replayed: false,
        code: null,
        message: null,
        effects: [
          { ref: `approval:${d.approvalId}`, version: 2 },
          { ref: `entitlement:${ent.id}`, version: ent.version + 1 },
        ],
      };
    }
    if (cmd.type !== 'requestApproval') {
      return {
        commandId: cmd.commandId,
        status: 'rejected',
        replayed: false,
        code: 'UNSUPPORTED_COMMAND',
        message: 'fake',
        effects: [],
      };
    }
    const p = RequestApprovalPayloadSchema.parse(cmd.payload);
    const ent = fake.entity('entitlement', p.entitlementId)!;
    const id = approvalId(cmd.commandId);
    const kase = fake.entity('case', CASE)!;
    commit(
      ['PHX', 'OAK'],
      [
        {
          ...kase,
          version: kase.version + 1,
          data: { ...kase.data, status: 'AWAITING_APPROVAL', version: kase.version + 1 },
        },
        {
          ...ent,
          version: ent.version + 1,
          data: { ...ent.data, status: 'PENDING_APPROVAL', version: ent.version + 1 },
        },
        {
          kind: 'approval',
          id,
          version: 1,
          op: 'put',
          data: {
            id,
            caseId: CASE,
            entitlementId: p.entitlementId,
            stations: ['PHX', 'OAK'],
            regime: 'EU261',
            type: 'cash',
            amount: { amountMinor: 60000, currency: 'EUR' },
            requestedBy: 'agent.phx', // the fake knows who pushed from the test's script
            requestedAt: cmd.createdAt,
            reason: p.reason,
            confirmation: p.confirmation,
            status: 'PENDING',
            escalateAt: '2099-01-01T00:00:00.000Z',
            expireAt: '2099-01-01T00:00:00.000Z',
            version: 1,
          },
        },
      ],
    );
    return {
      commandId: cmd.commandId,
      status: 'applied',
      replayed: false,
      code: null,
      message: null,
      effects: [
        { ref: `entitlement:${p.entitlementId}`, version: ent.version + 1 },
        { ref: `approval:${id}`, version: 1 },
      ],
    };
  };
  server = await startDeskOnFakeBackend(fake.apiUrl, cognito);
});

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  await cognito?.stop();
});

type Ent = {
  id: string;
  effectiveStatus: string;
  syncState: string;
  controls: { blockedBy: { code: string } | null; canRequestApproval: boolean } | null;
};

describe('money controls over the desk RPC (web mode)', () => {
  it('agent: above-limit cash blocked, approval requested; supervisor: sees it with its explanation, decides offline, the decision syncs once', async () => {
    const c = await connect(server);
    expect(await c.call('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' })).toMatchObject({
      ok: true,
    });
    const ent = await waitFor(async () => {
      const r = await c.call<{ entitlements: Ent[] }>('case:get', { caseId: CASE });
      return r.ok ? r.value.entitlements.find((e) => e.id === CASH) : null;
    });
    expect(ent.controls).toMatchObject({ blockedBy: { code: 'LIMIT_EXCEEDED' }, canRequestApproval: true });
    // Direct issue: refused with the rule's message; without the confirmation: BAD_REQUEST.
    expect(await c.call('entitlement:issue', { entitlementId: CASH })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(
      await c.call('entitlement:issue', { entitlementId: CASH, confirmation: { paymentMethod: 'bank_transfer' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('approval limit') },
    });
    // Agents have no approvals to decide: an empty list.
    expect(await c.call('approval:list', {})).toEqual({ ok: true, value: { items: [] } });
    const req = await c.call<{ commandId: string }>('approval:request', {
      entitlementId: CASH,
      reason: 'passenger documented a 5 h delay',
      confirmation: { paymentMethod: 'bank_transfer' },
    });
    expect(req).toMatchObject({ ok: true, value: { syncState: 'pending' } });
    const aprId = approvalId((req as { value: { commandId: string } }).value.commandId);
    // Synced: the server's approval is in the cache, the case waits for approval.
    const synced = await waitFor(async () => {
      const r = await c.call<{ case: { status: string }; entitlements: Ent[]; approvals: { id: string }[] }>(
        'case:get',
        { caseId: CASE },
      );
      return r.ok &&
        r.value.approvals.some((a) => a.id === aprId) &&
        r.value.entitlements.find((e) => e.id === CASH)?.syncState === 'none'
        ? r.value
        : null;
    });
    expect(synced.entitlements.find((e) => e.id === CASH)?.effectiveStatus).toBe('PENDING_APPROVAL');
    const awaiting = await c.call<{ items: { caseId: string }[]; counts: Record<string, number> }>('queue:list', {
      queue: 'awaiting_approval',
      station: 'PHX',
    });
    expect(awaiting.ok && awaiting.value.items.map((i) => i.caseId)).toEqual([CASE]);
    // The agent cannot decide (role), even on the desk.
    expect(await c.call('approval:decide', { approvalId: aprId, decision: 'approve', reason: 'ok' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await c.call('session:signOut')).toMatchObject({ ok: true });

    // The supervisor on the same desk.
    expect(await c.call('session:signIn', { username: 'super.phx', password: 'Jetway-demo-1' })).toMatchObject({
      ok: true,
    });
    const list = await c.call<{
      items: {
        id: string;
        requestedBy: string;
        passengerName: string;
        clauses: { id: string }[];
        canDecide: boolean;
      }[];
    }>('approval:list', {
      station: 'PHX',
    });
    expect(list).toMatchObject({
      ok: true,
      value: {
        items: [
          {
            id: aprId,
            requestedBy: 'agent.phx',
            passengerName: 'Ann Last001',
            clauses: [{ id: 'EU261-ART7-1C' }],
            canDecide: true,
          },
        ],
      },
    });
    expect(await c.call('approval:list', { station: 'LHR' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const team = await c.call<{ agents: unknown[]; unassigned: number }>('team:load', { station: 'PHX' });
    expect(team).toMatchObject({ ok: true, value: { station: 'PHX' } });
    // The backend goes away: the supervisor decides from the cache.
    fake.fail(1_000_000, 'drop');
    await waitFor(async () => {
      const r = await c.call<{ online: boolean }>('sync:status');
      return r.ok && !r.value.online;
    });
    const decided = await c.call('approval:decide', { approvalId: aprId, decision: 'approve', reason: 'documented' });
    expect(decided).toMatchObject({ ok: true, value: { syncState: 'pending' } });
    const after = await c.call<{ items: { id: string; pendingDecision: string | null; canDecide: boolean }[] }>(
      'approval:list',
      {},
    );
    expect(after).toMatchObject({
      ok: true,
      value: { items: [{ id: aprId, pendingDecision: 'approve', canDecide: false }] },
    });
    expect(
      await c.call('approval:decide', { approvalId: aprId, decision: 'deny', reason: 'changed my mind' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await c.call('approval:decide', { approvalId: 'APR-NOPE', decision: 'deny', reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // Back online: pushed once (marked offline), applied, the request leaves the list.
    fake.fail(0);
    await waitFor(async () => {
      const r = await c.call<{ items: unknown[] }>('approval:list', {});
      return r.ok && r.value.items.length === 0;
    });
    const decisions = fake.received.filter((cmd) => cmd.type === 'decideApproval');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.offline).toBe(true);
    const issued = await waitFor(async () => {
      const r = await c.call<{ entitlements: Ent[] }>('case:get', { caseId: CASE });
      const e = r.ok ? r.value.entitlements.find((x) => x.id === CASH) : undefined;
      return e?.effectiveStatus === 'ISSUED' && e.syncState === 'synced' ? e : null;
    });
    expect(issued.effectiveStatus).toBe('ISSUED');
    // Case commands answer over RPC too.
    expect(await c.call('case:claim', { caseId: `CASE-${FLIGHT}-P002` })).toMatchObject({
      ok: true,
      value: { syncState: 'pending' },
    });
    const mine = await c.call<{ items: { caseId: string; assignee: string }[] }>('queue:list', {
      queue: 'mine',
      station: 'PHX',
    });
    expect(mine).toMatchObject({
      ok: true,
      value: { items: [{ caseId: `CASE-${FLIGHT}-P002`, assignee: 'super.phx' }] },
    });
    c.close();
  });
});
