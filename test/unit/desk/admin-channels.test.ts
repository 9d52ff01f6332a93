import { describe, expect, it } from 'vitest';
import { AdminCallError, adminHandlers } from '../../../src/main/admin/policy-admin.js';
import { createDispatch, type RpcHandlers } from '../../../src/main/rpc/dispatch.js';
import { HttpError, NetworkError } from '../../../src/main/sync/backend.js';
import type { Session } from '../../../src/shared/rpc/contract.js';

const session = (role: Session['role'], offline = false): Session => ({
  username: `${role}.user`,
  role,
  groups: [role],
  stations: role === 'admin' ? ['*'] : ['PHX'],
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  offline,
  locked: false,
});

const summary = {
  version: 2,
  label: 'v2',
  status: 'published',
  basedOn: 1,
  rollbackOf: null,
  effectiveFrom: '2026-12-02T15:00:00.000Z',
  note: null,
  createdBy: 'admin',
  createdAt: '2026-12-02T14:00:00.000Z',
  updatedBy: 'admin',
  updatedAt: '2026-12-02T14:00:00.000Z',
  publishedBy: 'admin',
  publishedAt: '2026-12-02T15:00:00.000Z',
  reason: null,
  retiredAt: null,
  contentHash: 'x',
  documents: ['goodwill@2026.1-d2'],
};

/** The admin channels behind the real dispatch, with a fake backend recording what was sent. */
function setup(s: Session | null, answer: (method: string, path: string, body: unknown) => unknown) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const admin = adminHandlers({
    backend: {
      admin: async (method, path, body) => {
        sent.push({ method, path, body });
        return answer(method, path, body);
      },
    },
    session: () => s,
  });
  const dispatch = createDispatch(admin as unknown as RpcHandlers, () => undefined);
  return { dispatch, sent };
}

describe('admin desk channels', () => {
  it('forwards an admin’s publish to the admin API and parses the answer', async () => {
    // Prepare
    const { dispatch, sent } = setup(session('admin'), () => ({ version: summary, retired: [], stations: ['PHX'] }));
    // Act
    const r = await dispatch('policy:publish', { version: 2, effectiveFrom: new Date().toISOString() });
    // Assess
    expect(r.ok).toBe(true);
    expect(sent).toMatchObject([{ method: 'POST', path: '/v1/admin/policies/2/publish' }]);
  });

  it.each([
    ['agent', false, 'FORBIDDEN'],
    ['supervisor', false, 'FORBIDDEN'],
    ['admin', true, 'OFFLINE'],
  ] as const)('refuses a %s (offline %s) with %s before any request', async (role, offline, code) => {
    const { dispatch, sent } = setup(session(role, offline), () => ({ versions: [], inForce: null }));
    const r = await dispatch('policy:list', {});
    expect(r).toMatchObject({ ok: false, error: { code } });
    expect(sent).toEqual([]);
  });

  it('needs a reason for an effective time in the past (path `reason`)', async () => {
    const { dispatch, sent } = setup(session('admin'), () => ({}));
    const r = await dispatch('policy:publish', { version: 2, effectiveFrom: '2026-01-01T00:00:00.000Z' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', path: 'reason' } });
    expect(sent).toEqual([]);
  });

  it('keeps the backend’s field path and issues; an unreachable backend is OFFLINE', async () => {
    // Prepare
    const issue = { severity: 'error', code: 'schema', path: 'content[3].regimes[0].assistance[5].amount.fixed', document: 'goodwill', message: 'Too small' };
    const refused = setup(session('admin'), () => {
      throw new HttpError(400, 'validation_failed', 'bad', { error: { code: 'validation_failed', message: 'bad', path: issue.path, issues: [issue] } });
    });
    const offline = setup(session('admin'), () => {
      throw new NetworkError('backend unreachable: ECONNREFUSED');
    });
    // Act
    const a = await refused.dispatch('policy:saveDraft', { version: 3, content: [{ id: 'x' }] });
    const b = await offline.dispatch('user:list', {});
    // Assess
    expect(a).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', path: issue.path, issues: [issue] } });
    expect(b).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
  });

  it('an answer outside the admin contract is an internal error, never data', async () => {
    const { dispatch } = setup(session('admin'), () => ({ versions: 'nope' }));
    const r = await dispatch('policy:list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(new AdminCallError('FORBIDDEN', 'x')).toBeInstanceOf(Error);
  });
});

describe('hostile admin calls stop at the contract (nothing reaches the backend)', () => {
  it.each([
    ['policy:simulation', { jobId: '../../v1/admin/users' }],
    ['policy:simulationCases', { jobId: '01JABCDEFGHJKMNPQRSTVWXYZ0', cursor: '1&changed=false' }],
    ['policy:get', { version: -1 }],
    ['policy:get', { version: '1/../../users' }],
    ['policy:saveDraft', { version: 2, content: Array.from({ length: 51 }, () => ({})) }],
    ['policy:publish', { version: 2, effectiveFrom: 'yesterday' }],
    ['policy:rollback', { to: 1, reason: '   ' }],
    ['user:update', { username: 'x', role: 'root', stations: ['PHX'] }],
    ['user:update', { username: 'x', role: 'agent', stations: ['phx; drop'] }],
  ] as const)('%s %j → BAD_REQUEST', async (channel, request) => {
    const { dispatch, sent } = setup(session('admin'), () => ({}));
    const r = await dispatch(channel, request);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(sent).toEqual([]);
  });
});
