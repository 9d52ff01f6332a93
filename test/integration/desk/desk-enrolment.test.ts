import { GetCommand } from '@aws-sdk/lib-dynamodb';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataContext } from '../../../backend/src/data/client.js';
import { keys } from '../../../backend/src/data/keys.js';
import { getEntitlement, getIssuance } from '../../../backend/src/data/repositories.js';
import type { BackendApp } from '../../../backend/src/local/app.js';
import { addEntitlement } from '../../../backend/test/helpers/api.js';
import { flightpulseData, fpInstance } from '../../../backend/test/helpers/fixtures.js';
import { startApiStack, type Services } from '../../../backend/test/helpers/stack.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import { caseId } from '../../../src/shared/domain/index.js';
import type { CaseView, Channel, DeskInfo } from '../../../src/shared/rpc/contract.js';
import { parseBlockSerial } from '../../../src/shared/sync/desk-signing.js';
import type { CommandResult } from '../../../src/shared/sync/protocol.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';
import { callDesk, until } from './helpers.js';

// Desk enrolment against the REAL backend (issue #10): the desk (createDesk) enrols its key at
// the first online sign-in, transparently; every command it pushes is signed and accepted; an
// offline issue takes a serial of the desk's block, shown at once on the optimistic issuance and
// accepted by the server; the block is refilled when it runs low and the desk is online.

const FLIGHT = fpInstance('SW9012');
const CASE1 = caseId(FLIGHT, 'GX0001');
const PASSWORD = 'Jetway-demo-1';

let s: Services;
let ctx: DataContext;
let app: BackendApp;
let desk: Desk;
const network = { up: true };
const results: CommandResult[] = [];

const call = <T>(channel: Channel, request: unknown = {}): Promise<T> => callDesk<T>(desk, channel, request);
const info = () => call<DeskInfo>('desk:info');

beforeAll(async () => {
  ({ s, ctx, app } = await startApiStack({ data: flightpulseData(3), users: [] }));
  desk = createDesk({
    dataDir: path.join(tempDir(), 'desk'),
    apiUrl: app.apiUrl,
    cognito: s.cognito!,
    // Small blocks: the first refill gives 4, and fewer than 4 left asks for 4 more.
    desk: { name: 'PHX gate 7', refillBelow: 4, blockSize: 4 },
    fetch: async (input, init) => {
      if (!network.up) throw new TypeError('fetch failed');
      const res = await fetch(input, init);
      if (String(input).endsWith('/v1/sync/push') && res.ok)
        results.push(...((await res.clone().json()) as { results: CommandResult[] }).results);
      return res;
    },
    sync: { waitSeconds: 1, minPollIntervalMs: 100, backoff: { initialMs: 100, maxMs: 500 } },
    log: process.env.DESK_TEST_LOG ? (m) => console.log(m) : () => undefined,
  });
});

afterAll(async () => {
  await desk?.close();
  await app?.stop();
  await s?.stop();
});

describe('desk enrolment against the real backend', () => {
  it('enrols at the first online sign-in; an offline issue uses a block serial the server accepts; the block is refilled online', async () => {
    // Not signed in: desk:info is not public.
    expect(await desk.dispatch('desk:info', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const meal = await addEntitlement(ctx, CASE1, { regime: 'EU261', type: 'meal', period: 'Z1', amount: null, stations: ['PHX'] });

    // Act: the first online sign-in.
    await call('session:signIn', { username: 'agent.phx', password: PASSWORD });
    // Assess: enrolled with the server (by that user), and a first serial block.
    await until(async () => (await info()).enrolled && (await info()).serialsLeft === 4, 'enrolled with a serial block');
    const { deskId } = await info();
    expect(deskId).toMatch(/^DESK-[0-9A-F]{20}$/);
    const item = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.desk(deskId), ConsistentRead: true }));
    expect(item.Item).toMatchObject({ deskId, name: 'PHX gate 7', enrolledBy: 'agent.phx', status: 'active', stations: ['PHX'] });

    // An online command is signed and applied.
    await until(async () => (await desk.dispatch('case:get', { caseId: CASE1 })).ok, 'case cached');
    const note = await call<{ commandId: string }>('case:note', { caseId: CASE1, text: 'signed by the desk' });
    await until(() => results.some((r) => r.commandId === note.commandId), 'note answered');
    expect(results.find((r) => r.commandId === note.commandId)).toMatchObject({ status: 'applied' });
    await until(
      async () => (await call<CaseView>('case:get', { caseId: CASE1 })).entitlements.some((e) => e.id === meal.id),
      'the meal pulled',
    );

    // Act: offline, issue the meal.
    network.up = false;
    await until(async () => !(await call<{ online: boolean }>('sync:status')).online, 'offline');
    const ack = await call<{ commandId: string }>('entitlement:issue', { entitlementId: meal.id });
    // Assess: the optimistic issuance shows the block serial; one serial used.
    const view = await call<CaseView>('case:get', { caseId: CASE1 });
    const serial = view.entitlements.find((e) => e.id === meal.id)!.voucherSerial!;
    expect(parseBlockSerial(serial)).toMatchObject({ n: 1 });
    expect(await info()).toMatchObject({ serialsLeft: 3 });

    // Act: online again.
    network.up = true;
    await call('sync:now');
    await until(() => results.some((r) => r.commandId === ack.commandId), 'issue answered');
    // Assess: applied with the desk's serial, marked offline, by this desk; the block refilled (3 < 4 → +4).
    expect(results.find((r) => r.commandId === ack.commandId)).toMatchObject({ status: 'applied' });
    const iss = await getIssuance(ctx, (await getEntitlement(ctx, meal.id))!.issuanceId!);
    expect(iss).toMatchObject({ voucherSerial: serial, offline: true, deskId, issuedBy: 'agent.phx' });
    await until(async () => (await info()).serialsLeft === 7, 'serial block refilled');
    await call('session:signOut');
  });

  it('a supervisor releases an agent’s queued command: the desk signs the release, the server applies it with author and pusher recorded', async () => {
    // Prepare: agent.phx queues a note offline and signs out.
    await call('session:signIn', { username: 'agent.phx', password: PASSWORD });
    await until(async () => (await desk.dispatch('case:get', { caseId: CASE1 })).ok, 'case cached');
    network.up = false;
    await until(async () => !(await call<{ online: boolean }>('sync:status')).online, 'offline');
    const { commandId } = await call<{ commandId: string }>('case:note', { caseId: CASE1, text: 'left by the agent' });
    await call('session:signOut');
    network.up = true;
    // Act: super.phx signs in and releases it.
    await call('session:signIn', { username: 'super.phx', password: PASSWORD });
    expect(await call<{ released: string[] }>('outbox:release', { commandIds: [commandId] })).toEqual({ released: [commandId] });
    await call('sync:now');
    await until(() => results.some((r) => r.commandId === commandId), 'released note answered');
    // Assess
    expect(results.find((r) => r.commandId === commandId)).toMatchObject({ status: 'applied' });
    const rec = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.command(commandId), ConsistentRead: true }));
    expect(rec.Item).toMatchObject({ author: 'agent.phx', pushedBy: 'super.phx', releasedBy: 'super.phx', deskId: (await info()).deskId });
    await call('session:signOut');
  });
});
