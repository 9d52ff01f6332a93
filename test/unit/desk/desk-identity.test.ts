import crypto from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deskPublicKeySpki } from '../../../src/main/db/meta.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { DeskIdentity, NoSerialsError, type DeskApi } from '../../../src/main/desk/identity.js';
import { HttpError } from '../../../src/main/sync/backend.js';
import {
  blockSerial,
  commandSigningBytes,
  deskIdOf,
  parseBlockSerial,
  releaseSigningBytes,
} from '../../../src/shared/sync/desk-signing.js';
import type { CommandEnvelope } from '../../../src/shared/sync/protocol.js';
import { tempDir } from './helpers/factories.js';

// The desk's identity (issue #10) on a real SQLite file: its id derived from its key, command and
// release signatures that verify with the public key it enrols, and serial blocks consumed only
// together with the command that uses them.

let db: Db;
let desk: DeskIdentity;
const note = (n: number): CommandEnvelope => ({
  commandId: `01JD00000000000000000000${String(n).padStart(2, '0')}`,
  type: 'addCaseNote',
  schemaVersion: 1,
  deskId: 'ignored',
  station: 'PHX',
  expectedVersions: {},
  payload: { caseId: 'C1', text: `note ${n}` },
  createdAt: '2026-12-02T10:00:00.000Z',
  offline: true,
});
const api = (blocks: { blockNo: number; count: number }[] = [{ blockNo: 7, count: 2 }]) => {
  const calls: string[] = [];
  const a: DeskApi = {
    enrol: async (body) => {
      calls.push('enrol');
      return { deskId: deskIdOf(body.publicKey), enrolledAt: '2026-12-02T09:00:00.000Z', enrolledBy: 'agent.phx', status: 'active' };
    },
    refillSerials: async (deskId) => {
      calls.push('refill');
      const b = blocks.shift();
      if (!b) throw new Error('no more blocks');
      return { deskId, ...b, allocatedAt: '2026-12-02T09:00:00.000Z' };
    },
  };
  return { api: a, calls };
};

beforeEach(() => {
  db = openDatabase(path.join(tempDir(), 'desk.db'));
  desk = new DeskIdentity(db, { refillBelow: 2, blockSize: 2 });
});
afterEach(() => db.close());

describe('desk identity', () => {
  it('its id is derived from its public key (what the server computes), and stays across reopen', () => {
    expect(desk.deskId).toBe(deskIdOf(deskPublicKeySpki(db)));
    expect(new DeskIdentity(db).deskId).toBe(desk.deskId);
  });

  it('signs a command for its author; the signature verifies with the enrolled key, and not after tampering', () => {
    const key = crypto.createPublicKey({ key: Buffer.from(deskPublicKeySpki(db), 'base64'), format: 'der', type: 'spki' });
    const signed = desk.sign(note(1), 'agent.phx');
    expect(signed).toMatchObject({ deskId: desk.deskId, author: 'agent.phx' });
    const ok = (e: CommandEnvelope) =>
      crypto.verify(null, commandSigningBytes({ ...e, author: e.author! }), key, Buffer.from(e.signature!, 'base64'));
    expect(ok(signed)).toBe(true);
    expect(ok(JSON.parse(JSON.stringify(signed)) as CommandEnvelope)).toBe(true); // survives the wire
    expect(ok({ ...signed, author: 'agent.dal' })).toBe(false);
    expect(ok({ ...signed, payload: { caseId: 'C1', text: 'other' } })).toBe(false);
    const released = desk.signRelease(signed, 'super.phx', '2026-12-02T11:00:00.000Z');
    const bytes = releaseSigningBytes({ commandId: signed.commandId, deskId: desk.deskId, author: 'agent.phx', by: 'super.phx', at: '2026-12-02T11:00:00.000Z' });
    expect(crypto.verify(null, bytes, key, Buffer.from(released.release!.signature, 'base64'))).toBe(true);
    expect(released.signature).toBe(signed.signature);
  });

  it('enrols once and refills when fewer than the threshold are left; a refill failure does not fail the enrolment', async () => {
    const a = api([{ blockNo: 7, count: 2 }]);
    expect(desk.info()).toEqual({ deskId: desk.deskId, enrolled: false, serialsLeft: 0 });
    await desk.ensure(a.api);
    expect(desk.info()).toEqual({ deskId: desk.deskId, enrolled: true, serialsLeft: 2 });
    await desk.ensure(a.api); // 2 left, threshold 2: nothing to do
    expect(a.calls).toEqual(['enrol', 'refill']);
    db.transaction(() => desk.takeSerial())();
    await desk.ensure(a.api); // 1 left: refill, which fails here (logged, retried later)
    expect(a.calls).toEqual(['enrol', 'refill', 'refill']);
    expect(desk.info()).toMatchObject({ enrolled: true, serialsLeft: 1 });
    // A new session confirms the enrolment with the server again (a backend that lost the desk gets it back).
    desk.reconfirm();
    await desk.ensure(a.api);
    expect(a.calls.filter((c) => c === 'enrol')).toHaveLength(2);
  });

  it('a revoked desk is recorded as such and the error propagates (pushes stop)', async () => {
    const revoked: DeskApi = {
      ...api().api,
      enrol: async () => {
        throw new HttpError(409, 'desk_revoked', 'revoked');
      },
    };
    await expect(desk.ensure(revoked)).rejects.toThrow(/desk_revoked/);
    expect(desk.enrolment()).toMatchObject({ status: 'revoked' });
    expect(desk.info().enrolled).toBe(false);
  });

  it('an enrolment answered for another desk id is refused (pushes keep waiting)', async () => {
    const bad: DeskApi = { ...api().api, enrol: async () => ({ deskId: 'DESK-00000000000000000000', enrolledAt: 'x', enrolledBy: 'x', status: 'active' }) };
    await expect(desk.ensure(bad)).rejects.toThrow(/expected DESK-/);
    expect(desk.isEnrolled()).toBe(false);
  });

  it('serials are taken in order, consumed only with the command that carries them; none left → NO_SERIALS', async () => {
    await desk.ensure(api([{ blockNo: 7, count: 2 }]).api);
    const outbox = new Outbox(db);
    // A builder that fails after taking a serial: nothing queued, the serial not consumed.
    expect(() =>
      outbox.enqueue(() => {
        desk.takeSerial();
        throw new Error('refused after taking a serial');
      }, 'agent.phx'),
    ).toThrow('refused after taking a serial');
    expect(desk.serialsLeft()).toBe(2);
    expect(outbox.pendingCount()).toBe(0);
    const taken: string[] = [];
    for (const n of [1, 2])
      outbox.enqueue(() => {
        taken.push(desk.takeSerial());
        return desk.sign(note(n), 'agent.phx');
      }, 'agent.phx');
    expect(taken).toEqual([blockSerial(7, 1), blockSerial(7, 2)]);
    expect(taken.map(parseBlockSerial)).toEqual([{ blockNo: 7, n: 1 }, { blockNo: 7, n: 2 }]);
    expect(() => outbox.enqueue(() => desk.sign({ ...note(3), payload: { caseId: 'C1', text: desk.takeSerial() } }, 'agent.phx'), 'agent.phx')).toThrow(NoSerialsError);
    expect(outbox.pendingCount()).toBe(2);
  });
});
