import { ulid } from 'ulid';
import type { Entitlement } from '../../../src/shared/domain/index.js';
import type { Money } from '../../../src/shared/money.js';
import type { CommandEnvelope, CommandResult, PullResponse } from '../../../src/shared/sync/protocol.js';
import { commitWithLog, putChange } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { items } from '../../src/data/repositories.js';
import { signPushBody } from './desk-signing.js';

const isPushBody = (b: unknown): b is { commands: CommandEnvelope[] } =>
  typeof b === 'object' && b !== null && Array.isArray((b as { commands?: unknown }).commands);

/** Minimal HTTP client for the local API. */
export function apiClient(apiUrl: string) {
  return {
    /**
     * One request. A push (`POST /v1/sync/push` with an object body and a token) is signed as
     * the shared test desk for the token's user (desk-signing.ts), unless `unsigned` is set or a
     * command already carries a signature.
     */
    async call(method: string, path: string, opts: { token?: string; body?: string | object; unsigned?: boolean } = {}) {
      if (method === 'POST' && path === '/v1/sync/push' && opts.token && !opts.unsigned && isPushBody(opts.body))
        opts = { ...opts, body: await signPushBody(apiUrl, opts.token, opts.body) };
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

/** The single result of a one-command push (fails loudly when the push itself failed). */
export async function pushOne(
  api: ReturnType<typeof apiClient>,
  token: string,
  cmd: CommandEnvelope,
): Promise<CommandResult> {
  const r = await api.call('POST', '/v1/sync/push', { token, body: { commands: [cmd] } });
  if (r.status !== 200) throw new Error(`push ${cmd.type}: ${r.status} ${r.text}`);
  return (r.json.results as CommandResult[])[0]!;
}

/** Put an extra OFFERED entitlement on an existing case (committed with its change-log entry, as the workflow would). */
export async function addEntitlement(
  ctx: DataContext,
  caseId: string,
  e: { regime: string; type: string; period: string; amount: Money | null; stations?: string[] },
): Promise<Entitlement> {
  const ent: Entitlement = {
    id: `${caseId}/${e.regime}/${e.type}/${e.period}`,
    caseId,
    regime: e.regime,
    type: e.type,
    carePeriod: e.period,
    amount: e.amount,
    automatic: false,
    status: 'OFFERED',
    clauses: [{ id: `${e.regime}-TEST`, reason: 'test entitlement' }],
    issuanceId: null,
    version: 1,
  };
  await commitWithLog(ctx, {
    items: [{ Put: { TableName: ctx.table, Item: items.entitlement(ent) } }],
    changes: [putChange('entitlement', ent)],
    stations: e.stations ?? ['PHX', 'OAK'],
  });
  return ent;
}
