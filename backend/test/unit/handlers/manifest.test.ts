import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../../src/handlers.js';
import { ADMIN_ROUTE_KEYS } from '../../../../src/shared/policy/admin-contract.js';
import { APPROVAL_WAIT_STATES, approvalTaskHandlers } from '../../../src/workflows/local-approvals.js';
import { localTaskHandlers } from '../../../src/workflows/local-runner.js';

const backendRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('handler manifest (read by the CDK app)', () => {
  it('has unique names and API route keys', () => {
    expect(new Set(HANDLERS.map((h) => h.name)).size).toBe(HANDLERS.length);
    const routes = HANDLERS.flatMap((h) => h.routes ?? []);
    expect(new Set(routes).size).toBe(routes.length);
    expect(routes.sort()).toEqual([
      ...ADMIN_ROUTE_KEYS,
      'GET /v1/health',
      'GET /v1/me',
      'GET /v1/sync/pull',
      'GET /v1/sync/snapshot',
      'POST /v1/desks/enrol',
      'POST /v1/desks/{id}/revoke',
      'POST /v1/desks/{id}/serials',
      'POST /v1/sync/push',
    ].sort());
  });

  describe.each(HANDLERS.map((h) => [h.name, h] as const))('%s', (_name, h) => {
    it('entry file exists and exports the handler function', async () => {
      const file = path.join(backendRoot, h.entry);
      expect(existsSync(file)).toBe(true);
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      expect(typeof mod[h.export]).toBe('function');
    });
  });

  it('every workflow-task state has a local binding, and every local binding is in the manifest', () => {
    const manifestStates = HANDLERS.filter((h) => h.kind === 'workflow-task').flatMap((h) => h.states ?? []).sort();
    // The approval workflow's waits are bound to the LOCALCB callback stand-in (local-approvals.ts).
    const local = [...Object.keys(localTaskHandlers({} as never)), ...Object.keys(approvalTaskHandlers({} as never)), ...APPROVAL_WAIT_STATES].sort();
    expect(local).toEqual(manifestStates);
  });
});
