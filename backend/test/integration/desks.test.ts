import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId, type Entitlement } from '../../../src/shared/domain/index.js';
import { blockSerial, deskIdOf } from '../../../src/shared/sync/desk-signing.js';
import type { CommandResult } from '../../../src/shared/sync/protocol.js';
import { readAuditTrail } from '../../src/data/audit.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getEntitlement, getIssuance } from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import { addEntitlement, apiClient, command, issueCommand } from '../helpers/api.js';
import { enrolTestDesk, newTestDesk, type TestDesk } from '../helpers/desk-signing.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * Desk enrolment and signed commands (issue #10) through the real API (DynamoDB Local,
 * cognito-local): enrol/revoke/serials and their hostile bodies; unsigned, badly signed,
 * unknown-desk, revoked-desk and author-mismatch commands are committed rejections with their
 * codes, one per command (the batch's others apply); a released command is pushed by its
 * supervisor with author and pusher recorded; desk serial blocks never overlap and an issue
 * must use a serial of its own desk's blocks.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let tokens: Record<string, string>;
const USERS = ['agent.phx', 'agent.dal', 'super.phx', 'super.lhr', 'admin'] as const;
type User = (typeof USERS)[number];
const flight = fpInstance('SW9012');
const caseOf = (n: number) => caseId(flight, `GX${String(n).padStart(4, '0')}`);
let nextCase = 40;
const meal = async (): Promise<Entitlement> =>
  addEntitlement(ctx, caseOf(nextCase++), { regime: 'EU261', type: 'meal', period: 'M1', amount: { amountMinor: 1500, currency: 'EUR' } });

beforeAll(async () => {
  ({ s, ctx, app, api, tokens } = await startApiStack({ data: flightpulseData(60), users: USERS }));
}, 120_000);
afterAll(() => stopApiStack({ app, s }));

const enrol = (user: User, body: unknown) => api.call('POST', '/v1/desks/enrol', { token: tokens[user]!, body: body as object });
async function enrolled(user: User = 'agent.phx'): Promise<TestDesk> {
  const d = newTestDesk();
  await enrolTestDesk(app.apiUrl, tokens[user]!, d);
  return d;
}
const pushRaw = async (user: User, commands: unknown[]): Promise<CommandResult[]> => {
  const r = await api.call('POST', '/v1/sync/push', { token: tokens[user]!, body: { commands }, unsigned: true });
  expect(r.status, r.text).toBe(200);
  return r.json.results as CommandResult[];
};
const issueOf = (ent: Entitlement, o: { voucherSerial?: string | null; offline?: boolean } = {}) =>
  issueCommand({ entitlementId: ent.id, version: ent.version, station: 'PHX', deskId: 'set-by-sign', ...o });
const commandRecord = async (commandId: string) =>
  (await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.command(commandId), ConsistentRead: true }))).Item;

describe('POST /v1/desks/enrol', () => {
  it('enrols a key (desk id derived from it), idempotently; a revoked key never enrols again', async () => {
    const d = newTestDesk();
    const first = await enrol('agent.phx', { publicKey: d.publicKey, name: 'PHX desk 4' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ deskId: d.deskId, status: 'active', enrolledBy: 'agent.phx', stations: ['PHX'] });
    expect(d.deskId).toBe(deskIdOf(d.publicKey));
    const pem = d.privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(pem).toContain('PRIVATE KEY');
    // The same key again (here as PEM): the same desk, the first enrolment kept.
    const { createPublicKey } = await import('node:crypto');
    const asPem = createPublicKey(d.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const again = await enrol('super.phx', { publicKey: asPem, name: 'renamed' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ deskId: d.deskId, enrolledAt: first.json.enrolledAt, enrolledBy: 'agent.phx', name: 'PHX desk 4' });

    const revoked = await api.call('POST', `/v1/desks/${d.deskId}/revoke`, { token: tokens['super.phx']!, body: {} });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.json).toMatchObject({ status: 'revoked' });
    expect((await enrol('agent.phx', { publicKey: d.publicKey, name: 'back' })).status).toBe(409);
  });

  it.each([
    ['no body', undefined, /request body is required/],
    ['a missing key', { name: 'x' }, /publicKey/],
    ['garbage as a key', { publicKey: 'A'.repeat(60), name: 'x' }, /publicKey: not a readable public key/],
    ['an RSA key', { publicKey: 'RSA', name: 'x' }, /Ed25519 key is required/],
    ['an empty name', { publicKey: 'ED', name: '  ' }, /name is required/],
    ['control characters in the name', { publicKey: 'ED', name: 'a\u202eb' }, /control characters/],
    ['a bad station', { publicKey: 'ED', name: 'x', stations: ['phoenix'] }, /stations/],
    ['an unknown member', { publicKey: 'ED', name: 'x', admin: true }, /admin|Unrecognized/i],
  ])('%s → 400 with a clear message, nothing written', async (_what, body, message) => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ed = newTestDesk();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const fill = (b: unknown) =>
      b && typeof b === 'object'
        ? { ...b, ...('publicKey' in b ? { publicKey: b.publicKey === 'ED' ? ed.publicKey : b.publicKey === 'RSA' ? rsa : b.publicKey } : {}) }
        : b;
    const r = await api.call('POST', '/v1/desks/enrol', { token: tokens['agent.phx']!, ...(body === undefined ? {} : { body: fill(body) as object }) });
    expect(r.status, r.text).toBe(400);
    expect((r.json.error as { message: string }).message).toMatch(message);
    const item = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.desk(ed.deskId), ConsistentRead: true }));
    expect(item.Item).toBeUndefined();
  });

  it('refuses an unauthenticated caller and stations the caller does not hold', async () => {
    const d = newTestDesk();
    expect((await api.call('POST', '/v1/desks/enrol', { body: { publicKey: d.publicKey, name: 'x' } })).status).toBe(401);
    expect((await enrol('agent.phx', { publicKey: d.publicKey, name: 'x', stations: ['LHR'] })).status).toBe(403);
  });
});

describe('POST /v1/desks/{id}/revoke', () => {
  it('only an admin or a supervisor of the desk’s stations; an unknown desk is 404, a bad id 400', async () => {
    const d = await enrolled('agent.phx');
    const by = (u: User) => api.call('POST', `/v1/desks/${d.deskId}/revoke`, { token: tokens[u]!, body: {} });
    expect((await by('agent.phx')).status).toBe(403);
    expect((await by('super.lhr')).status).toBe(403);
    expect((await by('admin')).status).toBe(200);
    expect((await api.call('POST', `/v1/desks/${newTestDesk().deskId}/revoke`, { token: tokens.admin!, body: {} })).status).toBe(404);
    expect((await api.call('POST', '/v1/desks/..%2Fx/revoke', { token: tokens.admin!, body: {} })).status).toBe(400);
  });
});

describe('signed commands', () => {
  it('unsigned, bad signature, unknown desk, revoked desk, author mismatch: committed rejections, one per command; the batch’s good command applies', async () => {
    const desk = await enrolled();
    const revokedDesk = await enrolled();
    await api.call('POST', `/v1/desks/${revokedDesk.deskId}/revoke`, { token: tokens.admin!, body: {} });
    const stranger = newTestDesk(); // never enrolled
    const ents = await Promise.all([meal(), meal(), meal(), meal(), meal(), meal()]);
    const unsigned = { ...issueOf(ents[0]!), deskId: desk.deskId, author: 'agent.phx' };
    const tampered = { ...desk.sign(issueOf(ents[1]!), 'agent.phx'), station: 'PHX', expectedVersions: { [`entitlement:${ents[1]!.id}`]: 99 } };
    const unknown = stranger.sign(issueOf(ents[2]!), 'agent.phx');
    const revoked = revokedDesk.sign(issueOf(ents[3]!), 'agent.phx');
    const mismatch = desk.sign(issueOf(ents[4]!), 'agent.dal');
    const junkDesk = { ...unknown, commandId: ulid(), deskId: 'x'.repeat(3000) };
    const good = desk.sign(issueOf(ents[5]!), 'agent.phx');
    const results = await pushRaw('agent.phx', [unsigned, tampered, unknown, junkDesk, revoked, mismatch, good]);
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'BAD_SIGNATURE'],
      ['rejected', 'BAD_SIGNATURE'],
      ['rejected', 'DESK_NOT_ENROLLED'],
      ['rejected', 'DESK_NOT_ENROLLED'],
      ['rejected', 'DESK_REVOKED'],
      ['rejected', 'AUTHOR_MISMATCH'],
      ['applied', null],
    ]);
    // Committed: a replay returns the stored rejection, and nothing of the refused ones was applied.
    const replay = await pushRaw('agent.phx', [unsigned, good]);
    expect(replay.map((r) => [r.replayed, r.code])).toEqual([
      [true, 'BAD_SIGNATURE'],
      [true, null],
    ]);
    for (const e of ents.slice(0, 5)) expect((await getEntitlement(ctx, e.id))!.status).toBe('OFFERED');
    expect((await getEntitlement(ctx, ents[5]!.id))!.status).toBe('ISSUED');
    // The command record and the audit entry name the desk, the author and the pusher.
    expect(await commandRecord(good.commandId)).toMatchObject({ deskId: desk.deskId, author: 'agent.phx', pushedBy: 'agent.phx', releasedBy: null });
    expect(await commandRecord(mismatch.commandId)).toMatchObject({ author: 'agent.dal', pushedBy: 'agent.phx', result: { code: 'AUTHOR_MISMATCH' } });
    const trail = await readAuditTrail(ctx, ents[5]!.caseId);
    expect(trail.filter((a) => a.action === 'issued').at(-1)).toMatchObject({ action: 'issued', actor: 'agent.phx', details: { deskId: desk.deskId, author: 'agent.phx', pushedBy: 'agent.phx' } });
    const iss = await getIssuance(ctx, (await getEntitlement(ctx, ents[5]!.id))!.issuanceId!);
    expect(iss).toMatchObject({ deskId: desk.deskId, issuedBy: 'agent.phx' });
  });

  it('a command released by its desk to a supervisor of the station is pushed by them (author and pusher recorded); a forged release is refused', async () => {
    const desk = await enrolled();
    const [a, b, c] = await Promise.all([meal(), meal(), meal()]);
    const released = desk.release(desk.sign(issueOf(a), 'agent.phx'), 'super.phx');
    const forged = { ...desk.sign(issueOf(b), 'agent.phx'), release: { by: 'super.phx', at: new Date().toISOString(), signature: released.release!.signature } };
    const toOther = desk.release(desk.sign(issueOf(c), 'agent.phx'), 'super.lhr');
    const results = await pushRaw('super.phx', [released, forged, toOther]);
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['applied', null],
      ['rejected', 'BAD_SIGNATURE'],
      ['rejected', 'AUTHOR_MISMATCH'],
    ]);
    expect(await commandRecord(released.commandId)).toMatchObject({ author: 'agent.phx', pushedBy: 'super.phx', releasedBy: 'super.phx', deskId: desk.deskId });
    // Released to a supervisor: an agent cannot use the release.
    const d = await meal();
    const toAgent = desk.release(desk.sign(issueOf(d), 'super.phx'), 'agent.phx');
    expect((await pushRaw('agent.phx', [toAgent]))[0]).toMatchObject({ code: 'AUTHOR_MISMATCH' });
  });
});

describe('voucher serial blocks', () => {
  const refill = (deskId: string, body: object = {}, user: User = 'agent.phx') =>
    api.call('POST', `/v1/desks/${deskId}/serials`, { token: tokens[user]!, body });

  it('concurrent refills never overlap; a revoked or unknown desk gets none', async () => {
    const desk = await enrolled();
    const blocks = await Promise.all(Array.from({ length: 8 }, () => refill(desk.deskId, { count: 25 })));
    expect(blocks.map((b) => b.status)).toEqual(Array(8).fill(201));
    const nos = blocks.map((b) => b.json.blockNo as number);
    expect(new Set(nos).size).toBe(8);
    expect(blocks[0]!.json).toMatchObject({ count: 25, first: blockSerial(nos[0]!, 1), last: blockSerial(nos[0]!, 25) });
    expect((await refill(desk.deskId, { count: 0 })).status).toBe(400);
    expect((await refill(desk.deskId, { count: 100_000 })).status).toBe(400);
    expect((await refill(newTestDesk().deskId)).status).toBe(404);
    await api.call('POST', `/v1/desks/${desk.deskId}/revoke`, { token: tokens.admin!, body: {} });
    expect((await refill(desk.deskId)).status).toBe(409);
  });

  it('an offline issue with a serial of its desk’s block applies; another desk’s serial, an unallocated one or a free-form one is SERIAL_NOT_ALLOCATED; a reused one DUPLICATE_SERIAL', async () => {
    const desk = await enrolled();
    const other = await enrolled();
    const mine = (await refill(desk.deskId, { count: 3 })).json;
    const theirs = (await refill(other.deskId, { count: 3 })).json;
    const [a, b, c, d, e] = await Promise.all([meal(), meal(), meal(), meal(), meal()]);
    const serial = mine.first as string;
    const results = await pushRaw('agent.phx', [
      desk.sign(issueOf(a, { voucherSerial: serial, offline: true }), 'agent.phx'),
      desk.sign(issueOf(b, { voucherSerial: theirs.first as string, offline: true }), 'agent.phx'),
      desk.sign(issueOf(c, { voucherSerial: blockSerial(mine.blockNo as number, 4), offline: true }), 'agent.phx'),
      desk.sign(issueOf(d, { voucherSerial: 'JW-PHX-FREEFORM1', offline: true }), 'agent.phx'),
      desk.sign(issueOf(e, { voucherSerial: serial, offline: true }), 'agent.phx'),
    ]);
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['applied', null],
      ['rejected', 'SERIAL_NOT_ALLOCATED'],
      ['rejected', 'SERIAL_NOT_ALLOCATED'],
      ['rejected', 'SERIAL_NOT_ALLOCATED'],
      ['rejected', 'DUPLICATE_SERIAL'],
    ]);
    expect(await getIssuance(ctx, (await getEntitlement(ctx, a.id))!.issuanceId!)).toMatchObject({ voucherSerial: serial, offline: true, deskId: desk.deskId });
  });

  it('an online issue without a serial still gets a server serial', async () => {
    const desk = await enrolled();
    const ent = await meal();
    const [r] = await pushRaw('agent.phx', [desk.sign(command('issueEntitlement', { entitlementId: ent.id }, { station: 'PHX', expectedVersions: { [`entitlement:${ent.id}`]: ent.version } }), 'agent.phx')]);
    expect(r).toMatchObject({ status: 'applied' });
    expect((await getIssuance(ctx, (await getEntitlement(ctx, ent.id))!.issuanceId!))!.voucherSerial).toMatch(/^JW-PHX-/);
  });
});
