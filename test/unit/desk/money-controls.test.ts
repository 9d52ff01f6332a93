import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandService } from '../../../src/main/commands/service.js';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { CacheQueries, type Viewer } from '../../../src/main/db/queries.js';
import { BadRequestError, CommandConflictError, ForbiddenError } from '../../../src/main/errors.js';
import { createDispatch, type RpcHandlers } from '../../../src/main/rpc/dispatch.js';
import { SyncEngine } from '../../../src/main/sync/engine.js';
import { BackendClient } from '../../../src/main/sync/backend.js';
import { auditEntryId } from '../../../src/shared/domain/ids.js';
import { nextAuditEntry } from '../../../src/shared/audit.js';
import type { AuditEntry } from '../../../src/shared/domain/entities.js';
import { CHANNELS, type Session } from '../../../src/shared/rpc/contract.js';
import { CommandEnvelopeSchema, type Change, type CommandEnvelope } from '../../../src/shared/sync/protocol.js';
import { until } from './helpers/desk-harness.js';
import { expectRefused } from './helpers/expect-refused.js';
import { booking, flight, passenger, tempDir, put, session, openCase } from './helpers/factories.js';
import { startFakeBackend, TOKEN, type FakeBackend } from './helpers/fake-backend.js';

// Money controls on the desk: the rules of src/shared/policy/controls.ts applied by the main
// process before a command is queued, the queues and the approvals list. Where a backend is
// needed it is the labelled FAKE of helpers/fake-backend.ts.

const FLIGHT = 'LH400-2026-11-24';
const NOW = new Date('2026-11-24T16:00:00.000Z');

const AGENT = session('agent.phx', 'agent');
const SUPER = session('super.phx', 'supervisor', ['PHX', 'OAK']);
const SUPER2 = session('super2.phx', 'supervisor', ['PHX']);

const caseId = (p: string, f = FLIGHT): string => `CASE-${f}-${p}`;

const caseData = (p: string, over: Record<string, unknown> = {}, f = FLIGHT): Change => openCase(f, p, over);

function ent(
  p: string,
  type: string,
  amount: { amountMinor: number; currency: string } | null,
  over: Record<string, unknown> = {},
): Change {
  const regime = (over.regime as string | undefined) ?? 'EU261';
  return put('entitlement', {
    id: `${caseId(p)}/${regime}/${type}/once`,
    caseId: caseId(p),
    regime,
    type,
    carePeriod: 'once',
    amount,
    automatic: false,
    status: 'OFFERED',
    clauses: [{ id: 'EU261-ART7-1C', reason: 'Cancelled, long-haul: 600 EUR' }],
    version: 1,
    ...over,
  });
}

function passengerWithCase(p: string, last: string, caseOver: Record<string, unknown> = {}): Change[] {
  return [passenger(p, last), booking(`B-${p}`, p, FLIGHT, `PNR${p}`), caseData(p, caseOver)];
}

const EUR = (n: number) => ({ amountMinor: n * 100, currency: 'EUR' });

function approvalData(
  id: string,
  p: string,
  entitlementId: string,
  requestedBy: string,
  over: Record<string, unknown> = {},
): Change {
  return put('approval', {
    id,
    caseId: caseId(p),
    entitlementId,
    stations: ['PHX', 'FRA'],
    regime: 'EU261',
    type: 'cash',
    amount: EUR(600),
    requestedBy,
    requestedAt: '2026-11-24T15:30:00.000Z',
    reason: 'above my limit',
    confirmation: { confirmedAt: '2026-11-24T15:30:00.000Z', paymentMethod: 'bank_transfer', passengerAgreement: null },
    status: 'PENDING',
    escalateAt: '2026-11-24T16:00:00.000Z',
    expireAt: '2026-11-24T19:30:00.000Z',
    version: 1,
    ...over,
  });
}

interface Desk {
  db: Db;
  cache: CacheWriter;
  outbox: Outbox;
  queries: CacheQueries;
  commands: CommandService;
  state: { viewer: Viewer; online: boolean };
  as(s: Session): void;
  write(changes: Change[]): void;
  queued(): CommandEnvelope[];
}

let n = 0;
const nextId = (): string => `01JMC${String(++n).padStart(21, '0')}`;

function localDesk(file = path.join(tempDir(), 'desk.db')): Desk {
  const db = openDatabase(file);
  const state = {
    viewer: { username: AGENT.username, role: AGENT.role, stations: AGENT.stations, online: true } as Viewer,
    online: true,
  };
  const cache = new CacheWriter(db);
  const outbox = new Outbox(db, () => NOW);
  const queries = new CacheQueries(db, { viewer: () => ({ ...state.viewer, online: state.online }), now: () => NOW });
  const commands = new CommandService({
    outbox,
    queries,
    deskId: 'DESK-T',
    onQueued: () => undefined,
    isOnline: () => state.online,
    now: () => NOW,
    newId: nextId,
  });
  return {
    db,
    cache,
    outbox,
    queries,
    commands,
    state,
    as(s) {
      state.viewer = { username: s.username, role: s.role, stations: s.stations, online: state.online };
    },
    write(changes) {
      db.transaction(() => {
        for (const c of changes) cache.write(c);
      })();
    },
    queued: () => outbox.nextBatch(50),
  };
}


let desk: Desk;
beforeEach(() => {
  desk = localDesk();
  desk.write([
    flight({
      id: FLIGHT,
      carrier: 'LH',
      number: '400',
      origin: 'PHX',
      destination: 'FRA',
      status: 'CANCELLED',
      version: 2,
    }),
  ]);
});
afterEach(() => {
  desk.db.close();
});

describe('issuing: the money rules on the desk', () => {
  it('refuses cash while offline (OFFLINE_CASH) and queues nothing', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'cash', EUR(250))]);
    desk.state.online = false;
    const e = desk.queries.entitlement(`${caseId('P1')}/EU261/cash/once`)!;
    expect(e.controls?.blockedBy?.code).toBe('OFFLINE_CASH');
    expectRefused(
      () => desk.commands.issueEntitlement(e.id, AGENT, { paymentMethod: 'bank_transfer', passengerAgreement: null }),
      CommandConflictError,
      'OFFLINE_CASH',
      /never issued offline/,
    );
    expect(desk.outbox.count()).toBe(0);
    // Online, the same issue goes through (250 EUR is within the agent's 400 EUR).
    desk.state.online = true;
    expect(desk.queries.entitlement(e.id)!.controls?.blockedBy).toBeNull();
    desk.commands.issueEntitlement(e.id, AGENT, { paymentMethod: 'bank_transfer', passengerAgreement: null });
    expect(desk.queued()).toHaveLength(1);
    expect(desk.queued()[0]!.offline).toBe(false);
  });

  it('refuses in-kind care above the offline cap, counted at its policy value; care within the cap is queued offline:true', () => {
    // Hotel night under EU261 counts 150 EUR (moneyControls.careValues), above the agent's 50 EUR offline cap.
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'hotel', null), ent('P1', 'meal', null)]);
    desk.state.online = false;
    const hotel = desk.queries.entitlement(`${caseId('P1')}/EU261/hotel/once`)!;
    expect(hotel.controls).toMatchObject({
      value: EUR(150),
      isCash: false,
      needsConfirmation: true,
      blockedBy: { code: 'OFFLINE_CAP_EXCEEDED' },
    });
    expectRefused(
      () =>
        desk.commands.issueEntitlement(hotel.id, AGENT, { paymentMethod: 'in_kind_voucher', passengerAgreement: null }),
      CommandConflictError,
      'OFFLINE_CAP_EXCEEDED',
      /150\.00 EUR is above the agent offline cap of 50\.00 EUR/,
    );
    // A meal (15 EUR) is within the cap and needs no confirmation.
    const meal = desk.queries.entitlement(`${caseId('P1')}/EU261/meal/once`)!;
    expect(meal.controls).toMatchObject({ value: EUR(15), needsConfirmation: false, blockedBy: null });
    desk.commands.issueEntitlement(meal.id, AGENT);
    const [env] = desk.queued();
    expect(env).toMatchObject({
      type: 'issueEntitlement',
      offline: true,
      station: 'PHX',
      expectedVersions: { [`entitlement:${meal.id}`]: 1, [`case:${caseId('P1')}`]: 1 },
    });
    // A supervisor's offline cap is 200 EUR: the hotel night is allowed for them.
    desk.as(SUPER);
    expect(desk.queries.entitlement(hotel.id)!.controls?.blockedBy).toBeNull();
  });

  it('needs the confirmation for cash, and the passenger agreement for a travel voucher in place of EU261 cash', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'cash', EUR(250))]);
    const id = `${caseId('P1')}/EU261/cash/once`;
    expect(desk.queries.entitlement(id)!.controls).toMatchObject({
      isCash: true,
      needsConfirmation: true,
      voucherNeedsAgreement: true,
    });
    expectRefused(
      () => desk.commands.issueEntitlement(id, AGENT),
      BadRequestError,
      'CONFIRMATION_REQUIRED',
      /needs a confirmation/,
    );
    expectRefused(
      () => desk.commands.issueEntitlement(id, AGENT, { paymentMethod: 'travel_voucher', passengerAgreement: null }),
      BadRequestError,
      'AGREEMENT_REQUIRED',
      /passenger's recorded agreement/,
    );
    expect(desk.outbox.count()).toBe(0);
    desk.commands.issueEntitlement(id, AGENT, {
      paymentMethod: 'travel_voucher',
      passengerAgreement: 'Agreed to a 250 EUR travel voucher instead of cash',
    });
    const [env] = desk.queued();
    expect(env!.payload).toEqual({
      entitlementId: id,
      voucherSerial: null,
      confirmation: {
        confirmedAt: NOW.toISOString(),
        paymentMethod: 'travel_voucher',
        passengerAgreement: {
          text: 'Agreed to a 250 EUR travel voucher instead of cash',
          recordedBy: 'agent.phx',
          recordedAt: NOW.toISOString(),
        },
      },
    });
    // The optimistic effect: shown as issued, pending.
    expect(desk.queries.entitlement(id)).toMatchObject({ syncState: 'pending', effectiveStatus: 'ISSUED' });
    expectRefused(
      () => desk.commands.issueEntitlement(id, AGENT, { paymentMethod: 'cash', passengerAgreement: null }),
      CommandConflictError,
      'ALREADY_PENDING',
    );
  });

  it('maps the refusals to RPC codes with their message', async () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'cash', EUR(600))]);
    const id = `${caseId('P1')}/EU261/cash/once`;
    const fail = () => {
      throw new Error('not expected');
    };
    const handlers = Object.fromEntries(CHANNELS.map((c) => [c, fail])) as unknown as RpcHandlers;
    handlers['entitlement:issue'] = ({ entitlementId, confirmation }) =>
      desk.commands.issueEntitlement(entitlementId, AGENT, confirmation);
    const d = createDispatch(handlers, () => undefined);
    expect(await d('entitlement:issue', { entitlementId: id })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('confirmation') },
    });
    expect(
      await d('entitlement:issue', { entitlementId: id, confirmation: { paymentMethod: 'bank_transfer' } }),
    ).toEqual({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: '600.00 EUR is above the agent approval limit of 400.00 EUR; request approval',
      },
    });
  });

  it('counts what the user issued today (cached and queued) against the daily limit', () => {
    // Agent daily limit: 2000 EUR. Five 380 EUR cash entitlements: the sixth reaches 2280 EUR.
    const changes: Change[] = [];
    for (let i = 1; i <= 6; i++)
      changes.push(...passengerWithCase(`P${i}`, `Last${i}`), ent(`P${i}`, 'cash', EUR(380)));
    desk.write(changes);
    // Two already issued today by this agent (cached VALID issuances), three queued on this desk.
    for (const i of [1, 2]) {
      const e = `${caseId(`P${i}`)}/EU261/cash/once`;
      desk.write([
        put('entitlement', {
          ...(ent(`P${i}`, 'cash', EUR(380)).data as Record<string, unknown>),
          id: e,
          status: 'ISSUED',
          issuanceId: `ISS-${i}`,
          version: 2,
        }),
        put('issuance', {
          id: `ISS-${i}`,
          key: `k${i}`,
          entitlementId: e,
          caseId: caseId(`P${i}`),
          passengerId: `P${i}`,
          type: 'cash',
          amount: EUR(380),
          voucherSerial: `V-${i}`,
          commandId: `01JOLD${String(i).padStart(20, '0')}`,
          issuedBy: 'agent.phx',
          deskId: 'DESK-T',
          issuedAt: '2026-11-24T15:10:00.000Z',
          status: 'VALID',
          version: 1,
        }),
      ]);
    }
    const conf = { paymentMethod: 'bank_transfer' as const, passengerAgreement: null };
    for (const i of [3, 4, 5]) desk.commands.issueEntitlement(`${caseId(`P${i}`)}/EU261/cash/once`, AGENT, conf);
    expect(desk.queries.issuedTodayMinor('agent.phx', 'EUR')).toBe(5 * 38000);
    const sixth = `${caseId('P6')}/EU261/cash/once`;
    expect(desk.queries.entitlement(sixth)!.controls).toMatchObject({
      blockedBy: { code: 'DAILY_LIMIT_EXCEEDED' },
      canRequestApproval: true,
    });
    expectRefused(
      () => desk.commands.issueEntitlement(sixth, AGENT, conf),
      CommandConflictError,
      'DAILY_LIMIT_EXCEEDED',
      /daily limit of 2000\.00 EUR/,
    );
    // Another user's total is their own.
    expect(desk.queries.issuedTodayMinor('agent.other', 'EUR')).toBe(0);
  });
});

describe('approvals on the desk', () => {
  const CASH = () => `${caseId('P1')}/EU261/cash/once`;

  it('an agent requests approval above the limit: pending approval locally, case awaiting approval', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'cash', EUR(600))]);
    const before = desk.queries.entitlement(CASH())!;
    expect(before.controls).toMatchObject({ blockedBy: { code: 'LIMIT_EXCEEDED' }, canRequestApproval: true });
    expectRefused(
      () => desk.commands.requestApproval(CASH(), 'passenger insists', AGENT),
      BadRequestError,
      'CONFIRMATION_REQUIRED',
    );
    const ack = desk.commands.requestApproval(CASH(), 'passenger insists', AGENT, {
      paymentMethod: 'bank_transfer',
      passengerAgreement: null,
    });
    expect(desk.queued()[0]).toMatchObject({
      commandId: ack.commandId,
      type: 'requestApproval',
      payload: { entitlementId: CASH(), reason: 'passenger insists' },
    });
    expect(desk.queries.entitlement(CASH())).toMatchObject({
      syncState: 'pending',
      effectiveStatus: 'PENDING_APPROVAL',
      controls: { canRequestApproval: false },
    });
    expect(desk.queries.caseView(caseId('P1')).case.status).toBe('AWAITING_APPROVAL');
    expect(desk.queries.queue('awaiting_approval', 'PHX', 50, 0).items.map((i) => i.caseId)).toEqual([caseId('P1')]);
    expectRefused(() => desk.commands.requestApproval(CASH(), 'again', AGENT), CommandConflictError, 'ALREADY_PENDING');
  });

  it('refuses an approval request within the limit (issue it directly)', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'cash', EUR(250))]);
    expect(desk.queries.entitlement(CASH())!.controls?.canRequestApproval).toBe(false);
    expectRefused(
      () =>
        desk.commands.requestApproval(CASH(), 'why not', AGENT, { paymentMethod: 'cash', passengerAgreement: null }),
      CommandConflictError,
      'NOT_NEEDED',
    );
  });

  it('four eyes: a supervisor cannot decide their own request, and never sees it in the list', () => {
    desk.write([
      ...passengerWithCase('P1', 'Adams'),
      ent('P1', 'cash', EUR(600), { status: 'PENDING_APPROVAL' }),
      ...passengerWithCase('P2', 'Baker'),
      ent('P2', 'cash', EUR(600), { status: 'PENDING_APPROVAL' }),
      approvalData('APR-OWN', 'P1', CASH(), 'super.phx'),
      approvalData('APR-AGENT', 'P2', `${caseId('P2')}/EU261/cash/once`, 'agent.phx', {
        requestedAt: '2026-11-24T15:00:00.000Z',
      }),
    ]);
    desk.as(SUPER);
    const list = desk.queries.approvalList();
    expect(list.map((a) => a.id)).toEqual(['APR-AGENT']);
    expect(list[0]).toMatchObject({
      passengerName: 'Ann Baker',
      flightLabel: 'LH400 PHX→FRA 2026-11-24',
      clauses: [{ id: 'EU261-ART7-1C' }],
      ageMinutes: 60,
      pendingDecision: null,
      canDecide: true,
      cannotDecideReason: null,
    });
    expectRefused(
      () => desk.commands.decideApproval('APR-OWN', 'approve', 'fine', SUPER),
      ForbiddenError,
      'SELF_APPROVAL',
      /four eyes/,
    );
    expect(desk.outbox.count()).toBe(0);
    // Another supervisor sees and may decide both.
    desk.as(SUPER2);
    expect(desk.queries.approvalList().map((a) => a.id)).toEqual(['APR-AGENT', 'APR-OWN']);
    // An agent gets an empty list and may not decide.
    desk.as(AGENT);
    expect(desk.queries.approvalList()).toEqual([]);
    expectRefused(
      () => desk.commands.decideApproval('APR-OWN', 'approve', 'ok', AGENT),
      ForbiddenError,
      'FORBIDDEN_ROLE',
    );
    // An agent deciding their own request is told about four eyes.
    expectRefused(
      () => desk.commands.decideApproval('APR-AGENT', 'approve', 'ok', AGENT),
      ForbiddenError,
      'SELF_APPROVAL',
      /four eyes/,
    );
  });

  it('an amount above the supervisor’s own limit cannot be approved by them (escalated)', () => {
    desk.write([
      ...passengerWithCase('P1', 'Adams'),
      ent('P1', 'cash', EUR(1500), { status: 'PENDING_APPROVAL' }),
      approvalData('APR-BIG', 'P1', CASH(), 'agent.phx', { amount: EUR(1500) }),
    ]);
    desk.as(SUPER);
    expect(desk.queries.approvalList()[0]).toMatchObject({
      canDecide: false,
      cannotDecideReason: expect.stringContaining('above your approval limit'),
    });
    expectRefused(
      () => desk.commands.decideApproval('APR-BIG', 'approve', 'ok', SUPER),
      ForbiddenError,
      'ABOVE_APPROVER_LIMIT',
    );
    // Denying is always possible.
    desk.commands.decideApproval('APR-BIG', 'deny', 'not owed', SUPER);
    expect(desk.queries.entitlement(CASH())).toMatchObject({ syncState: 'pending', effectiveStatus: 'DENIED' });
    expect(desk.queries.approvalList()[0]).toMatchObject({ pendingDecision: 'deny', canDecide: false });
    // Another supervisor decided first: the rejection clears the marks and lands in needs-attention.
    const [cmd] = desk.queued();
    desk.outbox.recordResults([
      {
        commandId: cmd!.commandId,
        status: 'rejected',
        replayed: false,
        code: 'ALREADY_DECIDED',
        message: 'decided by super2.phx',
        effects: [],
      },
    ]);
    expect(desk.queries.entitlement(CASH())).toMatchObject({ syncState: 'none', effectiveStatus: 'PENDING_APPROVAL' });
    expect(desk.queries.approvalList()[0]).toMatchObject({ pendingDecision: null });
    expect(desk.queries.entitlementOfRef(desk.outbox.attention()[0]!.entityRef)).toBe(CASH());
    expect(desk.queries.queue('rejected', 'PHX', 50, 0).items).toMatchObject([
      { caseId: caseId('P1'), code: 'ALREADY_DECIDED' },
    ]);
  });
});

describe('an offline supervisor decides from the cache', () => {
  let fake: FakeBackend;
  let engine: SyncEngine;
  beforeEach(async () => {
    fake = await startFakeBackend();
  });
  afterEach(async () => {
    await engine?.stop();
    await fake.stop();
  });

  it('queues the decision with offline:true, pushes it when the backend is back, and clears the mark on confirmation', async () => {
    const CASH = `${caseId('P1')}/EU261/cash/once`;
    const entChange = ent('P1', 'cash', EUR(600), { status: 'PENDING_APPROVAL', version: 2 });
    const apr = approvalData('APR-1', 'P1', CASH, 'agent.phx');
    fake.commit(
      ['PHX'],
      [
        flight({
          id: FLIGHT,
          carrier: 'LH',
          number: '400',
          origin: 'PHX',
          destination: 'FRA',
          status: 'CANCELLED',
          version: 2,
        }),
      ],
    );
    fake.commit(['PHX'], [...passengerWithCase('P1', 'Adams', { status: 'AWAITING_APPROVAL' }), entChange, apr]);
    fake.onCommand = (cmd, commit) => {
      // FAKE server: applies an approval (approval APPROVED, entitlement ISSUED) and confirms.
      const a = { ...(apr.data as Record<string, unknown>), status: 'APPROVED', decidedBy: 'super.phx', version: 2 };
      const e = { ...(entChange.data as Record<string, unknown>), status: 'ISSUED', version: 3 };
      commit(['PHX'], [put('approval', a as never), put('entitlement', e as never)]);
      return {
        commandId: cmd.commandId,
        status: 'applied',
        replayed: false,
        code: null,
        message: null,
        effects: [
          { ref: 'approval:APR-1', version: 2 },
          { ref: `entitlement:${CASH}`, version: 3 },
        ],
      };
    };
    const db = desk.db;
    const backend = new BackendClient({
      apiUrl: fake.apiUrl,
      tokens: { idToken: async () => TOKEN, refresh: async () => undefined },
      timeoutMs: 2000,
    });
    engine = new SyncEngine({
      db,
      cache: desk.cache,
      outbox: desk.outbox,
      backend,
      waitSeconds: 1,
      minPollIntervalMs: 50,
      backoff: { initialMs: 30, maxMs: 200 },
    });
    const commands = new CommandService({
      outbox: desk.outbox,
      queries: desk.queries,
      deskId: 'DESK-T',
      onQueued: () => engine.kickPush(),
      isOnline: () => engine.status().online,
      now: () => NOW,
      newId: nextId,
    });
    await engine.start(['PHX']);
    await until(() => desk.queries.approval('APR-1'), 'approval cached');
    expect(engine.status().online).toBe(true);
    // The backend goes away.
    fake.fail(1_000_000, 'drop');
    await until(() => !engine.status().online, 'offline');
    desk.as(SUPER);
    const ack = commands.decideApproval('APR-1', 'approve', 'documented cancellation', SUPER);
    const [env] = desk.queued();
    expect(env).toMatchObject({
      commandId: ack.commandId,
      type: 'decideApproval',
      offline: true,
      payload: { approvalId: 'APR-1', decision: 'approve' },
    });
    expect(env!.expectedVersions).toEqual({
      'approval:APR-1': 1,
      [`entitlement:${CASH}`]: 2,
      [`case:${caseId('P1')}`]: 1,
    });
    expect(desk.queries.entitlement(CASH)).toMatchObject({ syncState: 'pending', effectiveStatus: 'ISSUED' });
    expect(desk.queries.approvalList()[0]).toMatchObject({ id: 'APR-1', pendingDecision: 'approve', canDecide: false });
    // Back online: pushed once, confirmed by the pull, marks cleared.
    fake.fail(0);
    await until(() => desk.outbox.count() === 0, 'decision confirmed', 8000);
    const received = fake.received.filter((c) => c.type === 'decideApproval');
    expect(received).toHaveLength(1);
    expect(CommandEnvelopeSchema.parse(received[0]).offline).toBe(true);
    expect(desk.queries.entitlement(CASH)).toMatchObject({
      syncState: 'synced',
      effectiveStatus: 'ISSUED',
      status: 'ISSUED',
    });
    expect(desk.queries.approval('APR-1')).toMatchObject({ approval: { status: 'APPROVED' }, pendingDecision: null });
    expect(desk.queries.approvalList()).toEqual([]);
  });
});

describe('case lifecycle commands and their optimistic effects', () => {
  it('claim shows the case as mine at once; a rejection rolls it back and lists it under rejected', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'meal', null)]);
    expect(desk.queries.queue('unassigned', 'PHX', 50, 0).total).toBe(1);
    const ack = desk.commands.claimCase(caseId('P1'), AGENT);
    expect(desk.queries.caseView(caseId('P1')).case).toMatchObject({ assignee: 'agent.phx', status: 'IN_PROGRESS' });
    let mine = desk.queries.queue('mine', 'PHX', 50, 0);
    expect(mine.items.map((i) => i.caseId)).toEqual([caseId('P1')]);
    expect(mine.counts).toMatchObject({ mine: 1, unassigned: 0 });
    expectRefused(() => desk.commands.claimCase(caseId('P1'), AGENT), CommandConflictError, null, /already yours/);
    // The server rejects it (someone else claimed first).
    desk.outbox.recordResults([
      {
        commandId: ack.commandId,
        status: 'rejected',
        replayed: false,
        code: 'NOT_ASSIGNEE',
        message: 'claimed by agent.two',
        effects: [],
      },
    ]);
    expect(desk.queries.caseView(caseId('P1')).case).toMatchObject({ assignee: null, status: 'OPEN' });
    mine = desk.queries.queue('rejected', 'PHX', 50, 0);
    expect(mine.counts).toMatchObject({ mine: 0, unassigned: 1, rejected: 1 });
    expect(mine.items[0]).toMatchObject({
      caseId: caseId('P1'),
      commandId: ack.commandId,
      code: 'NOT_ASSIGNEE',
      detail: 'claimed by agent.two',
      ageMinutes: 0,
    });
  });

  it('claim confirmed: the mark clears once the pull brought the server’s assignee', () => {
    desk.write([...passengerWithCase('P1', 'Adams')]);
    const ack = desk.commands.claimCase(caseId('P1'), AGENT);
    desk.outbox.recordResults([
      {
        commandId: ack.commandId,
        status: 'applied',
        replayed: false,
        code: null,
        message: null,
        effects: [{ ref: `case:${caseId('P1')}`, version: 2 }],
      },
    ]);
    expect(desk.outbox.count()).toBe(1); // acked, effect not back yet: still shown as mine
    expect(desk.queries.queue('mine', 'PHX', 50, 0).total).toBe(1);
    desk.write([caseData('P1', { assignee: 'agent.phx', status: 'IN_PROGRESS', version: 2 })]);
    desk.db.transaction(() =>
      desk.outbox.reconcile(
        (ref) => (ref === `case:${caseId('P1')}` ? 2 : undefined),
        () => undefined,
      ),
    )();
    expect(desk.outbox.count()).toBe(0);
    const row = desk.db.prepare('SELECT local_assignee, local_status FROM case_file WHERE id = ?').get(caseId('P1'));
    expect(row).toEqual({ local_assignee: null, local_status: null });
    expect(desk.queries.queue('mine', 'PHX', 50, 0).total).toBe(1);
  });

  it('stacked commands on one case: rejecting the later one brings the earlier one’s mark back', () => {
    desk.write([...passengerWithCase('P1', 'Adams')]);
    desk.as(SUPER);
    desk.commands.claimCase(caseId('P1'), SUPER);
    const assign = desk.commands.assignCase(caseId('P1'), 'agent.dal', SUPER);
    expect(desk.queries.caseView(caseId('P1')).case.assignee).toBe('agent.dal');
    desk.outbox.recordResults([
      {
        commandId: assign.commandId,
        status: 'rejected',
        replayed: false,
        code: 'VERSION_CONFLICT',
        message: 'stale',
        effects: [],
      },
    ]);
    expect(desk.queries.caseView(caseId('P1')).case).toMatchObject({ assignee: 'super.phx', status: 'IN_PROGRESS' });
    expect(desk.queries.queue('mine', 'PHX', 50, 0).items).toMatchObject([
      { caseId: caseId('P1'), assignee: 'super.phx' },
    ]);
  });

  it('release, assign (supervisor only), close and note', () => {
    desk.write([
      ...passengerWithCase('P1', 'Adams', { assignee: 'agent.phx', status: 'IN_PROGRESS' }),
      ...passengerWithCase('P2', 'Baker'),
    ]);
    expectRefused(() => desk.commands.assignCase(caseId('P2'), 'agent.phx', AGENT), ForbiddenError, 'FORBIDDEN_ROLE');
    desk.commands.releaseCase(caseId('P1'), AGENT);
    expect(desk.queries.caseView(caseId('P1')).case).toMatchObject({ assignee: null, status: 'OPEN' });
    desk.commands.assignCase(caseId('P2'), 'agent.dal', SUPER);
    expect(desk.queries.caseView(caseId('P2')).case).toMatchObject({ assignee: 'agent.dal', status: 'IN_PROGRESS' });
    expectRefused(() => desk.commands.claimCase(caseId('P2'), AGENT), CommandConflictError, 'NOT_ASSIGNEE');
    desk.commands.closeCase(caseId('P1'), 'passenger left', AGENT);
    expect(desk.queries.caseView(caseId('P1')).case.status).toBe('CLOSED');
    expectRefused(() => desk.commands.claimCase(caseId('P1'), AGENT), CommandConflictError, 'CASE_CLOSED');
    desk.commands.addCaseNote(caseId('P2'), 'called the passenger', AGENT);
    expect(desk.queued().map((c) => c.type)).toEqual(['releaseCase', 'assignCase', 'closeCase', 'addCaseNote']);
    expect(desk.queued()[3]!.expectedVersions).toEqual({});
    // The first command on a case expects the version the user saw; a command stacked on a queued
    // one does not (the server will have bumped the version by applying the first).
    expect(desk.queued()[0]!.expectedVersions).toEqual({ [`case:${caseId('P1')}`]: 1 });
    expect(desk.queued()[2]!.expectedVersions).toEqual({});
  });

  it('void: supervisors only, not redeemed; the entitlement shows offered again while the void is pending', () => {
    const E = `${caseId('P1')}/EU261/cash/once`;
    const iss = (over: Record<string, unknown> = {}) =>
      put('issuance', {
        id: 'ISS-1',
        key: 'k1',
        entitlementId: E,
        caseId: caseId('P1'),
        passengerId: 'P1',
        type: 'cash',
        amount: EUR(250),
        voucherSerial: 'V-1',
        commandId: '01JOLD00000000000000000001',
        issuedBy: 'agent.phx',
        deskId: 'DESK-T',
        issuedAt: '2026-11-24T15:10:00.000Z',
        status: 'VALID',
        version: 1,
        ...over,
      });
    desk.write([
      ...passengerWithCase('P1', 'Adams'),
      ent('P1', 'cash', EUR(250), { status: 'ISSUED', issuanceId: 'ISS-1', version: 2 }),
      iss(),
    ]);
    expect(desk.queries.entitlement(E)).toMatchObject({
      syncState: 'synced',
      issuance: { id: 'ISS-1' },
      voucherSerial: 'V-1',
    });
    expectRefused(
      () => desk.commands.voidIssuance('ISS-1', 'wrong passenger', AGENT),
      ForbiddenError,
      'FORBIDDEN_ROLE',
    );
    desk.commands.voidIssuance('ISS-1', 'wrong passenger', SUPER);
    expect(desk.queries.entitlement(E)).toMatchObject({
      syncState: 'pending',
      effectiveStatus: 'OFFERED',
      issuance: null,
    });
    expectRefused(() => desk.commands.voidIssuance('ISS-1', 'again', SUPER), CommandConflictError, 'ALREADY_PENDING');
    desk.write([iss({ id: 'ISS-2', redeemedAt: '2026-11-24T15:20:00.000Z' })]);
    expectRefused(() => desk.commands.voidIssuance('ISS-2', 'x', SUPER), CommandConflictError, 'ALREADY_REDEEMED');
  });
});

describe('queues and team load', () => {
  it('lists each queue with age, SLA and overdue, pages, and keeps to the station', () => {
    desk.write([
      // OPEN for 60 min (SLA 30): overdue.
      ...passengerWithCase('P1', 'Adams', { statusSince: '2026-11-24T15:00:00.000Z' }),
      // OPEN for 10 min.
      ...passengerWithCase('P2', 'Baker', {
        statusSince: '2026-11-24T15:50:00.000Z',
        openedAt: '2026-11-24T15:50:00.000Z',
      }),
      // Mine, in progress for 90 min (SLA 120).
      ...passengerWithCase('P3', 'Clark', {
        assignee: 'agent.phx',
        status: 'IN_PROGRESS',
        statusSince: '2026-11-24T14:30:00.000Z',
      }),
      // Someone else's, awaiting approval for 45 min (SLA 30), needs review.
      ...passengerWithCase('P4', 'Davis', {
        assignee: 'agent.two',
        status: 'AWAITING_APPROVAL',
        statusSince: '2026-11-24T15:15:00.000Z',
        needsReview: ['cause code unknown'],
      }),
      // Closed: in no queue.
      ...passengerWithCase('P5', 'Evans', { status: 'CLOSED', needsReview: ['x'] }),
      // Another station's case.
      passenger('P9', 'Other'),
      put('case', {
        ...(caseData('P9').data as Record<string, unknown>),
        id: 'CASE-OTHER',
        stations: ['DAL', 'LAX'],
        version: 1,
      }),
    ]);
    const unassigned = desk.queries.queue('unassigned', 'PHX', 50, 0);
    expect(unassigned.items.map((i) => [i.caseId, i.ageMinutes, i.slaMinutes, i.overdue])).toEqual([
      [caseId('P1'), 60, 30, true],
      [caseId('P2'), 10, 30, false],
    ]);
    expect(unassigned.items[0]).toMatchObject({
      passengerName: 'Ann Adams',
      flightLabel: 'LH400 PHX→FRA 2026-11-24',
      status: 'OPEN',
      assignee: null,
    });
    expect(unassigned.counts).toEqual({ mine: 1, unassigned: 2, awaiting_approval: 1, needs_review: 1, rejected: 0 });
    expect(
      desk.queries.queue('mine', 'PHX', 50, 0).items.map((i) => [i.caseId, i.ageMinutes, i.slaMinutes, i.overdue]),
    ).toEqual([[caseId('P3'), 90, 120, false]]);
    expect(desk.queries.queue('awaiting_approval', 'PHX', 50, 0).items.map((i) => [i.caseId, i.overdue])).toEqual([
      [caseId('P4'), true],
    ]);
    expect(desk.queries.queue('needs_review', 'PHX', 50, 0).items.map((i) => [i.caseId, i.detail])).toEqual([
      [caseId('P4'), 'cause code unknown'],
    ]);
    // Paging.
    const page2 = desk.queries.queue('unassigned', 'PHX', 1, 1);
    expect(page2.items.map((i) => i.caseId)).toEqual([caseId('P2')]);
    expect(page2.total).toBe(2);
    // Not a station of the user: refused; another station's user sees only its own cases.
    expectRefused(
      () => desk.queries.queue('unassigned', 'DAL', 50, 0),
      ForbiddenError,
      null,
      /not one of your stations/,
    );
    desk.as(session('agent.dal', 'agent', ['DAL']));
    expect(desk.queries.queue('unassigned', 'DAL', 50, 0).items.map((i) => i.caseId)).toEqual(['CASE-OTHER']);
    expectRefused(() => desk.queries.caseView(caseId('P1')), ForbiddenError, null, /not to your stations/);
  });

  it('team load: open cases per assignee, unassigned, issued today per currency', () => {
    desk.write([
      ...passengerWithCase('P1', 'Adams', { assignee: 'agent.phx', status: 'IN_PROGRESS' }),
      ...passengerWithCase('P2', 'Baker', { assignee: 'agent.phx', status: 'AWAITING_APPROVAL' }),
      ...passengerWithCase('P3', 'Clark', { assignee: 'agent.two', status: 'IN_PROGRESS' }),
      ...passengerWithCase('P4', 'Davis', { assignee: 'agent.two', status: 'CLOSED' }),
      ...passengerWithCase('P5', 'Evans'),
      ent('P1', 'hotel', null, { status: 'ISSUED' }),
    ]);
    const issuance = (id: string, p: string, type: string, amount: unknown, issuedAt: string, status = 'VALID') =>
      put('issuance', {
        id,
        key: id,
        entitlementId: `${caseId(p)}/EU261/${type}/once`,
        caseId: caseId(p),
        passengerId: p,
        type,
        amount,
        voucherSerial: `V-${id}`,
        commandId: '01JOLD00000000000000000001',
        issuedBy: 'agent.phx',
        deskId: 'D',
        issuedAt,
        status,
        version: 1,
      });
    desk.write([
      issuance('I1', 'P1', 'cash', EUR(250), '2026-11-24T10:00:00.000Z'),
      issuance('I2', 'P2', 'cash', { amountMinor: 10000, currency: 'USD' }, '2026-11-24T11:00:00.000Z'),
      issuance('I3', 'P1', 'hotel', null, '2026-11-24T12:00:00.000Z'), // counted at its care value, 150 EUR
      issuance('I4', 'P3', 'cash', EUR(100), '2026-11-23T23:00:00.000Z'), // yesterday
      issuance('I5', 'P3', 'cash', EUR(100), '2026-11-24T12:00:00.000Z', 'VOID'),
    ]);
    expect(desk.queries.teamLoad('PHX')).toEqual({
      station: 'PHX',
      agents: [
        { user: 'agent.phx', openCases: 2, awaitingApproval: 1 },
        { user: 'agent.two', openCases: 1, awaitingApproval: 0 },
      ],
      unassigned: 1,
      issuedToday: [
        { currency: 'EUR', amountMinor: 40000, count: 2 },
        { currency: 'USD', amountMinor: 10000, count: 1 },
      ],
    });
  });
});

describe('audit trail on the desk', () => {
  const chain = (k: number): AuditEntry[] => {
    const out: AuditEntry[] = [];
    for (let i = 0; i < k; i++) {
      const head = out.at(-1) ?? null;
      out.push(
        nextAuditEntry(
          head,
          {
            caseId: caseId('P1'),
            at: `2026-11-24T15:0${i}:00.000Z`,
            actor: 'agent.phx',
            action: i === 0 ? 'case_opened' : 'note',
            commandId: null,
            details: { i },
          },
          auditEntryId,
        ),
      );
    }
    return out;
  };
  const write = (entries: AuditEntry[]) => desk.write(entries.map((e) => put('audit', e as never)));

  it('verifies the cached chain, flags tampering, and accepts a tail without its head', () => {
    desk.write(passengerWithCase('P1', 'Adams'));
    const entries = chain(4);
    write(entries);
    let v = desk.queries.caseView(caseId('P1'));
    expect(v.audit.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(v.auditVerified).toBe(true);
    // Tampering with one entry breaks it.
    write([{ ...entries[2]!, details: { i: 99 }, version: 2 }]);
    expect(desk.queries.caseView(caseId('P1')).auditVerified).toBe(false);
    // A desk that holds only seq 3..4 (head compacted away) is not "broken".
    desk.db.prepare('DELETE FROM audit').run();
    write(entries.slice(2));
    v = desk.queries.caseView(caseId('P1'));
    expect(v.audit.map((e) => e.seq)).toEqual([3, 4]);
    expect(v.auditVerified).toBe(true);
    // But a gap inside what is cached is.
    desk.db.prepare('DELETE FROM audit').run();
    write([entries[0]!, entries[2]!, entries[3]!]);
    expect(desk.queries.caseView(caseId('P1')).auditVerified).toBe(false);
  });
});

describe('station filter', () => {
  it('never shows cached data of stations the signed-in user does not hold (a previous user’s)', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'meal', null)]);
    desk.as(SUPER);
    expect(desk.queries.flight(FLIGHT).id).toBe(FLIGHT);
    expect(desk.queries.search('Adams', 10).hits).toHaveLength(1);
    desk.as(session('agent.dal', 'agent', ['DAL']));
    expectRefused(() => desk.queries.flight(FLIGHT), ForbiddenError, null, /not at one of your stations/);
    expectRefused(() => desk.queries.flightPassengers(FLIGHT), ForbiddenError, null);
    expectRefused(() => desk.queries.caseView(caseId('P1')), ForbiddenError, null);
    expect(desk.queries.search('Adams', 10)).toEqual({ hits: [], total: 0, offset: 0 });
    expect(desk.queries.search(`PNRP1`, 10)).toEqual({ hits: [], total: 0, offset: 0 });
    expectRefused(
      () => desk.commands.claimCase(caseId('P1'), session('agent.dal', 'agent', ['DAL'])),
      ForbiddenError,
      null,
    );
  });

  it('a passenger list shows each case with this desk’s pending changes', () => {
    desk.write([...passengerWithCase('P1', 'Adams'), ent('P1', 'meal', null), ...passengerWithCase('P2', 'Baker')]);
    desk.commands.claimCase(caseId('P1'), AGENT);
    const rows = desk.queries.flightPassengers(FLIGHT).rows;
    expect(rows.map((r) => [r.passenger.lastName, r.case?.assignee, r.case?.status])).toEqual([
      ['Adams', 'agent.phx', 'IN_PROGRESS'],
      ['Baker', null, 'OPEN'],
    ]);
    expect(rows[0]!.entitlements[0]!.controls).toMatchObject({ value: EUR(15), blockedBy: null });
  });
});
