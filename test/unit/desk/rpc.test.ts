import { describe, expect, it, vi } from 'vitest';
import { sessionFromIdToken } from '../../../src/main/auth/session.js';
import { NotFoundError } from '../../../src/main/db/queries.js';
import { createDispatch, type RpcHandlers } from '../../../src/main/rpc/dispatch.js';
import { CHANNELS, contract } from '../../../src/shared/rpc/contract.js';

const jwt = (claims: Record<string, unknown>): string =>
  ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

function handlers(over: Partial<RpcHandlers> = {}): RpcHandlers {
  const fail = () => {
    throw new Error('not expected');
  };
  return Object.fromEntries(CHANNELS.map((c) => [c, over[c] ?? fail])) as RpcHandlers;
}

describe('dispatch', () => {
  it('never runs a handler for a request that fails its schema', async () => {
    const spy = vi.fn();
    const d = createDispatch(handlers({ 'board:flights': spy }), () => undefined);
    const r = await d('board:flights', { station: 'PHOENIX' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('station') } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('maps service errors to codes and hides internal ones', async () => {
    const log = vi.fn();
    const d = createDispatch(
      handlers({
        'case:get': () => {
          throw new NotFoundError('case X is not in this desk');
        },
        'sync:status': () => {
          throw new Error('SQLITE_CORRUPT at /home/agent/secret/path');
        },
      }),
      log,
    );
    expect(await d('case:get', { caseId: 'X' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'case X is not in this desk' } });
    const internal = await d('sync:status', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('secret');
    expect(log).toHaveBeenCalledOnce();
  });

  it('checks handler answers against the response schema too', async () => {
    const d = createDispatch(handlers({ 'session:signOut': () => ({ signedOut: 'yes' }) as never }), () => undefined);
    expect(await d('session:signOut', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('has a domain:verb name and request/response schemas for every channel', () => {
    for (const c of CHANNELS) {
      expect(c).toMatch(/^[a-z]+:[a-zA-Z]+$/);
      expect(contract[c].request).toBeDefined();
      expect(contract[c].response).toBeDefined();
    }
  });
});

describe('session from the ID token', () => {
  it.each([
    [{ 'cognito:groups': ['agent'], 'custom:stations': 'PHX' }, 'agent', ['PHX']],
    [{ 'cognito:groups': ['agent', 'supervisor'], 'custom:stations': 'phx, oak' }, 'supervisor', ['PHX', 'OAK']],
    [{ 'cognito:groups': ['admin'], 'custom:stations': '*' }, 'admin', ['*']],
    [{}, 'unknown', []],
  ])('%j → %s %j', (claims, role, stations) => {
    const s = sessionFromIdToken(jwt({ exp: 2_000_000_000, 'cognito:username': 'u', ...claims }));
    expect(s.role).toBe(role);
    expect(s.stations).toEqual(stations);
    expect(s.expiresAt).toBe(new Date(2_000_000_000_000).toISOString());
  });
});
