import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendApp } from '../../../backend/src/local/app.js';
import { flightpulseData, fpInstance } from '../../../backend/test/helpers/fixtures.js';
import { startApiStack, type Services } from '../../../backend/test/helpers/stack.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { DeskIdentity } from '../../../src/main/desk/identity.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import { tokenUser } from '../../../src/main/sync/backend.js';
import { caseId } from '../../../src/shared/domain/index.js';
import type { Channel } from '../../../src/shared/rpc/contract.js';
import type { CommandEnvelope, CommandResult } from '../../../src/shared/sync/protocol.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';
import { callDesk, until } from './helpers.js';

// A shared airport PC against the REAL backend: the local cloud's HTTP API (the push route
// answers each command separately; out-of-scope = committed FORBIDDEN_STATION), DynamoDB Local
// and cognito-local (real ID tokens of the demo users). The desk is createDesk (the composition
// root) on one data dir; a fetch wrapper only observes (which user's token carried which
// command, and the answers) and can cut the network.

const FLIGHT = fpInstance('SW9012');
const CASE1 = caseId(FLIGHT, 'GX0001');
const CASE2 = caseId(FLIGHT, 'GX0002');
const PASSWORD = 'Jetway-demo-1';

let s: Services;
let app: BackendApp;
let desk: Desk;
const network = { up: true };
const pushes: { user: string | null; commands: CommandEnvelope[]; results: CommandResult[] }[] = [];

const call = <T>(channel: Channel, request: unknown = {}): Promise<T> => callDesk<T>(desk, channel, request);
const note = async (c: string, text: string) =>
  (await call<{ commandId: string }>('case:note', { caseId: c, text })).commandId;
const pushedBy = (id: string) => pushes.filter((p) => p.commands.some((c) => c.commandId === id)).map((p) => p.user);
const resultOf = (id: string) => pushes.flatMap((p) => p.results).find((r) => r.commandId === id);
const attention = () =>
  call<{ items: { commandId: string; code: string; message: string; caseId: string | null }[] }>('attention:list').then(
    (r) => r.items,
  );
async function signInSynced(u: string): Promise<void> {
  await call('session:signIn', { username: u, password: PASSWORD });
  let last: unknown = null;
  if (u === 'agent.phx')
    await until(async () => {
      const r = await desk.dispatch('case:get', { caseId: CASE2 });
      last = r;
      return r.ok;
    }, 'cases cached').catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)} ${JSON.stringify(desk.engine.status())}`);
    });
}

beforeAll(async () => {
  ({ s, app } = await startApiStack({ data: flightpulseData(3), users: [] }));
  desk = createDesk({
    dataDir: path.join(tempDir(), 'desk'),
    apiUrl: app.apiUrl,
    cognito: s.cognito!,
    fetch: async (input, init) => {
      if (!network.up) throw new TypeError('fetch failed');
      const res = await fetch(input, init);
      if (String(input).endsWith('/v1/sync/push')) {
        const auth = (init?.headers as Record<string, string>).authorization ?? '';
        const body = res.ok ? ((await res.clone().json()) as { results: CommandResult[] }) : { results: [] };
        pushes.push({
          user: tokenUser(auth.replace(/^Bearer /, '')),
          commands: (JSON.parse(String(init?.body)) as { commands: CommandEnvelope[] }).commands,
          results: body.results,
        });
      }
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

describe('shared PC against the real backend', () => {
  it("A's commands wait while B works (never pushed under B's token) and go out under A's when A signs in again", async () => {
    // Prepare: agent.phx works offline, then signs out.
    await signInSynced('agent.phx');
    network.up = false;
    const a1 = await note(CASE1, 'A offline 1');
    const a2 = await note(CASE2, 'A offline 2');
    await call('session:signOut');
    network.up = true;
    // Act: agent.dal signs in on the same desk.
    await signInSynced('agent.dal');
    await call('sync:now');
    await new Promise((r) => setTimeout(r, 1000));
    // Assess: nothing of A's went out; B sees none of A's pending commands or items.
    expect(pushedBy(a1)).toEqual([]);
    expect(pushedBy(a2)).toEqual([]);
    expect(await call('sync:status')).toMatchObject({ pendingCommands: 0, needsAttention: 0 });
    expect(await attention()).toEqual([]);
    await call('session:signOut');
    // Act: A again.
    await signInSynced('agent.phx');
    await until(() => resultOf(a1) && resultOf(a2), "A's commands answered");
    // Assess: applied by the server, under A's token only.
    expect(new Set([...pushedBy(a1), ...pushedBy(a2)])).toEqual(new Set(['agent.phx']));
    expect(resultOf(a1)).toMatchObject({ status: 'applied' });
    expect(resultOf(a2)).toMatchObject({ status: 'applied' });
    // The server's audit trail names A as the author of the notes (pulled back into the desk).
    await until(async () => {
      const v = await call<{ audit: { commandId: string | null; actor: string }[] }>('case:get', { caseId: CASE1 });
      return v.audit.some((e) => e.commandId === a1);
    }, 'audit entry pulled');
    const view = await call<{ audit: { commandId: string | null; actor: string }[] }>('case:get', { caseId: CASE1 });
    expect(view.audit.find((e) => e.commandId === a1)?.actor).toBe('agent.phx');
    await call('session:signOut');
  });

  it("a batch with one out-of-scope command applies the others and lands that one in A's needs-attention", async () => {
    // Prepare: agent.phx's outbox holds a note, a command for DAL (a station A no longer holds), another note.
    await signInSynced('agent.phx');
    network.up = false;
    const n1 = await note(CASE1, 'before the DAL one');
    // Signed by this desk for agent.phx (the server checks who signed before the station).
    const dal: CommandEnvelope = new DeskIdentity(desk.db).sign({
      commandId: '01JD0000000000000000000DA1',
      type: 'addCaseNote',
      schemaVersion: 1,
      deskId: 'DESK-SHARED',
      station: 'DAL',
      expectedVersions: {},
      payload: { caseId: CASE1, text: 'for DAL' },
      createdAt: new Date().toISOString(),
      offline: true,
    }, 'agent.phx');
    new Outbox(desk.db).enqueue(dal, 'agent.phx');
    const n2 = await note(CASE2, 'after the DAL one');
    // Act
    network.up = true;
    await call('sync:now');
    await until(() => resultOf(n1) && resultOf(dal.commandId) && resultOf(n2), 'all three answered');
    // Assess: one request carried the three; the server answered each.
    expect(pushes.find((p) => p.commands.length === 3)?.user).toBe('agent.phx');
    expect(resultOf(n1)).toMatchObject({ status: 'applied' });
    expect(resultOf(n2)).toMatchObject({ status: 'applied' });
    expect(resultOf(dal.commandId)).toMatchObject({ status: 'rejected', code: 'FORBIDDEN_STATION' });
    await until(async () => (await attention()).length === 1, "A's needs-attention");
    expect(await attention()).toMatchObject([
      { commandId: dal.commandId, code: 'FORBIDDEN_STATION', message: 'you do not hold station DAL', caseId: CASE1 },
    ]);
    // Dismissed with a note: recorded on the desk, and (the case itself being PHX's, which A holds)
    // noted on the case, so the server's audit trail holds the resolution too.
    const r = await call<{ noteCommandId: string | null }>('attention:dismiss', {
      commandId: dal.commandId,
      note: 'station moved to another desk',
    });
    expect(await attention()).toEqual([]);
    expect(r.noteCommandId).not.toBeNull();
    await until(() => resultOf(r.noteCommandId!), 'resolution note answered');
    expect(resultOf(r.noteCommandId!)).toMatchObject({ status: 'applied' });
    // Per user: agent.dal never sees A's item.
    await call('session:signOut');
    await signInSynced('agent.dal');
    expect(await attention()).toEqual([]);
    await call('session:signOut');
  });
});
