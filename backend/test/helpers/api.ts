import { ulid } from 'ulid';
import type { CommandEnvelope, PullResponse } from '../../../src/shared/sync/protocol.js';

/** Minimal HTTP client for the local API. */
export function apiClient(apiUrl: string) {
  return {
    async call(method: string, path: string, opts: { token?: string; body?: string | object } = {}) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          'content-type': 'application/json',
        },
        ...(opts.body !== undefined
          ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
          : {}),
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
      const r = await this.call('GET', `/v1/sync/pull?station=${station}&cursor=${cursor}&limit=1000${extra}`, {
        token,
      });
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

export type Confirmation = {
  confirmedAt: string;
  paymentMethod: string;
  passengerAgreement: { text: string; recordedBy: string; recordedAt: string } | null;
};

/** The confirmation dialog's record (cash and amounts above the policy's threshold need it). */
export function confirmation(paymentMethod = 'bank_transfer', agreement: string | null = null): Confirmation {
  const at = new Date().toISOString();
  return {
    confirmedAt: at,
    paymentMethod,
    passengerAgreement: agreement ? { text: agreement, recordedBy: 'test', recordedAt: at } : null,
  };
}

export interface EnvelopeOptions {
  station: string;
  deskId?: string;
  commandId?: string;
  expectedVersions?: Record<string, number>;
  offline?: boolean;
  createdAt?: string;
}

/** Any command envelope (payload as given, so tests can send malformed ones). */
export function command(type: CommandEnvelope['type'], payload: unknown, o: EnvelopeOptions): CommandEnvelope {
  return {
    commandId: o.commandId ?? ulid(),
    type,
    schemaVersion: 1,
    deskId: o.deskId ?? 'desk-test',
    station: o.station,
    expectedVersions: o.expectedVersions ?? {},
    payload,
    createdAt: o.createdAt ?? new Date().toISOString(),
    offline: o.offline ?? false,
  };
}

export function issueCommand(p: {
  entitlementId: string;
  version: number;
  station: string;
  deskId: string;
  commandId?: string;
  voucherSerial?: string | null;
  confirmation?: Confirmation | null;
  offline?: boolean;
  createdAt?: string;
}): CommandEnvelope {
  return command(
    'issueEntitlement',
    { entitlementId: p.entitlementId, voucherSerial: p.voucherSerial ?? null, confirmation: p.confirmation ?? null },
    {
      station: p.station,
      deskId: p.deskId,
      ...(p.commandId ? { commandId: p.commandId } : {}),
      expectedVersions: { [`entitlement:${p.entitlementId}`]: p.version },
      offline: p.offline ?? false,
      ...(p.createdAt ? { createdAt: p.createdAt } : {}),
    },
  );
}

export function requestCommand(p: {
  entitlementId: string;
  version: number;
  station: string;
  reason?: string;
  confirmation?: Confirmation | null;
  commandId?: string;
}): CommandEnvelope {
  return command(
    'requestApproval',
    { entitlementId: p.entitlementId, reason: p.reason ?? 'above my limit', confirmation: p.confirmation ?? null },
    {
      station: p.station,
      expectedVersions: { [`entitlement:${p.entitlementId}`]: p.version },
      ...(p.commandId ? { commandId: p.commandId } : {}),
    },
  );
}

export function decideCommand(p: {
  approvalId: string;
  decision: 'approve' | 'deny';
  station: string;
  reason?: string;
  offline?: boolean;
  createdAt?: string;
  commandId?: string;
}): CommandEnvelope {
  return command(
    'decideApproval',
    { approvalId: p.approvalId, decision: p.decision, reason: p.reason ?? 'checked' },
    {
      station: p.station,
      offline: p.offline ?? false,
      ...(p.createdAt ? { createdAt: p.createdAt } : {}),
      ...(p.commandId ? { commandId: p.commandId } : {}),
    },
  );
}
