import { ulid } from 'ulid';
import type { CommandEnvelope, PullResponse } from '../../../src/shared/sync/protocol.js';

/** Minimal HTTP client for the local API. */
export function apiClient(apiUrl: string) {
  return {
    async call(method: string, path: string, opts: { token?: string; body?: string | object } = {}) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), 'content-type': 'application/json' },
        ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, json: json as Record<string, unknown>, text };
    },
    async pull(token: string, station: string, cursor = 0, extra = '') {
      const r = await this.call('GET', `/v1/sync/pull?station=${station}&cursor=${cursor}&limit=1000${extra}`, { token });
      if (r.status !== 200) throw new Error(`pull ${station}: ${r.status} ${r.text}`);
      return r.json as unknown as PullResponse;
    },
    async pullAll(token: string, station: string) {
      const entries: PullResponse['entries'] = [];
      let cursor = 0;
      for (;;) {
        const p = await this.pull(token, station, cursor);
        entries.push(...p.entries);
        cursor = p.cursor;
        if (!p.hasMore) return { entries, head: p.head, epoch: p.epoch };
      }
    },
  };
}

export function issueCommand(p: { entitlementId: string; version: number; station: string; deskId: string; commandId?: string }): CommandEnvelope {
  return {
    commandId: p.commandId ?? ulid(),
    type: 'issueEntitlement',
    schemaVersion: 1,
    deskId: p.deskId,
    station: p.station,
    expectedVersions: { [`entitlement:${p.entitlementId}`]: p.version },
    payload: { entitlementId: p.entitlementId, voucherSerial: null, confirmation: null },
    createdAt: new Date().toISOString(),
    offline: false,
  };
}
