import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DEFAULT_POLICY_DOCUMENTS,
  PolicyDocumentSchema,
  canonicalJson,
  parsePolicySet,
  sha256Hex,
  type PolicySet,
} from '../../../src/shared/policy/index.js';
import { versionLabel, type PolicyVersionDetail, type PolicyVersionStatus, type PolicyVersionSummary } from '../../../src/shared/policy/admin-contract.js';
import { docHash } from '../../../src/shared/policy/admin-validate.js';
import { resolvePolicyVersion, retiredVersions, type PublishedRef } from '../../../src/shared/policy/versions.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { commitWithLog, type TransactItem } from './changelog.js';
import type { DataContext } from './client.js';
import { listStations } from './compaction.js';
import { POLICY_PARTITION, POLICY_PUBLISHED_SK_PREFIX, POLICY_VERSION_SK_PREFIX, keys } from './keys.js';

/**
 * The policy store (issue #9): versions of the whole policy set in the single table
 * (keys.ts: `POLICY`/`META`, `POLICY`/`VER#n`, `POLICY`/`PUB#seq`).
 *
 *   draft ──publish(effectiveFrom, reason?)──▶ published ──(a later publication starts at or before it)──▶ retired
 *
 * - A draft is a copy of any version (createDraft) whose content an admin replaces (editDraft).
 * - publish: conditional on the item still being a draft with the revision read; takes the next
 *   publication number (conditional on the counter), writes the `PUB#` index item, marks the versions
 *   it retires, and appends the version to every station's change log (desks cache it in their
 *   `policy` table). Published content is never written again.
 * - Seed: version 1 = the bundled resources/policies, published by `system:seed`, effective from the
 *   epoch, written once with a conditional transaction (ensureSeeded) — at the local cloud's start
 *   and on first use anywhere (the first store call of a process), so a fresh AWS table seeds itself
 *   on its first API or workflow call without a deploy-time custom resource.
 * - The version in force at an instant: resolvePolicyVersion over the `PUB#` index (versions.ts).
 */

export const SEED_EFFECTIVE_FROM = '1970-01-01T00:00:00.000Z';
export const SEED_ACTOR = 'system:seed';
/**
 * Stations per publish transaction. Each station costs 2 items (counter + log entry) of the 100-item
 * limit, but the binding limit is DynamoDB's 4 MB per transaction: each log entry carries the whole
 * version (~125 KB for the bundled set), so 10 stations ≈ 1.3 MB.
 */
export const STATIONS_PER_PUBLISH_TRANSACTION = 10;

export interface StoredPolicyVersion {
  version: number;
  status: PolicyVersionStatus;
  basedOn: number | null;
  rollbackOf: number | null;
  effectiveFrom: string | null;
  publishSeq: number | null;
  note: string | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
  reason: string | null;
  retiredAt: string | null;
  contentHash: string;
  documents: string[];
  /** Revision of the item (conditional writes); bumped on every write. */
  rev: number;
  content: unknown[];
}

export class PolicyStoreError extends Error {
  constructor(
    readonly code: 'not_found' | 'not_a_draft' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'PolicyStoreError';
  }
}

export const contentHashOf = (content: readonly unknown[]): string => sha256Hex(canonicalJson(content));
const documentRefs = (content: readonly unknown[]): string[] =>
  content.map((d) => {
    const o = (d ?? {}) as { id?: unknown; version?: unknown };
    return `${String(o.id ?? '?')}@${String(o.version ?? '?')}`;
  });

function fromItem(it: Record<string, unknown>): StoredPolicyVersion {
  return {
    version: Number(it.version),
    status: it.status as PolicyVersionStatus,
    basedOn: (it.basedOn as number | null) ?? null,
    rollbackOf: (it.rollbackOf as number | null) ?? null,
    effectiveFrom: (it.effectiveFrom as string | null) ?? null,
    publishSeq: (it.publishSeq as number | null) ?? null,
    note: (it.note as string | null) ?? null,
    createdBy: String(it.createdBy),
    createdAt: String(it.createdAt),
    updatedBy: String(it.updatedBy),
    updatedAt: String(it.updatedAt),
    publishedBy: (it.publishedBy as string | null) ?? null,
    publishedAt: (it.publishedAt as string | null) ?? null,
    reason: (it.reason as string | null) ?? null,
    retiredAt: (it.retiredAt as string | null) ?? null,
    contentHash: String(it.contentHash),
    documents: (it.documents as string[]) ?? [],
    rev: Number(it.rev ?? 1),
    content: typeof it.content === 'string' ? (JSON.parse(it.content) as unknown[]) : [],
  };
}

function toItem(v: StoredPolicyVersion): Record<string, unknown> {
  const { content, ...rest } = v;
  return { ...keys.policyVersion(v.version), entityType: 'policy_version', ...rest, content: JSON.stringify(content) };
}

export function summaryOf(v: StoredPolicyVersion): PolicyVersionSummary {
  return {
    version: v.version,
    label: versionLabel(v.version),
    status: v.status,
    basedOn: v.basedOn,
    rollbackOf: v.rollbackOf,
    effectiveFrom: v.effectiveFrom,
    note: v.note,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    updatedBy: v.updatedBy,
    updatedAt: v.updatedAt,
    publishedBy: v.publishedBy,
    publishedAt: v.publishedAt,
    reason: v.reason,
    retiredAt: v.retiredAt,
    contentHash: v.contentHash,
    documents: v.documents,
  };
}
export const detailOf = (v: StoredPolicyVersion): PolicyVersionDetail => ({ ...summaryOf(v), content: v.content as Record<string, unknown>[] });

/** The change-log entity of a published version (desks: `policy` table, id = version number). */
export function policyChange(v: StoredPolicyVersion): Change {
  return {
    kind: 'policy',
    id: String(v.version),
    version: v.rev,
    op: 'put',
    data: {
      id: String(v.version),
      version: v.version,
      label: versionLabel(v.version),
      status: v.status,
      effectiveFrom: v.effectiveFrom,
      publishSeq: v.publishSeq,
      publishedBy: v.publishedBy,
      publishedAt: v.publishedAt,
      reason: v.reason,
      contentHash: v.contentHash,
      content: v.content,
    },
  };
}

const isCanceled = (err: unknown): err is TransactionCanceledException =>
  err instanceof TransactionCanceledException || (err as Error)?.name === 'TransactionCanceledException';

const seeded = new WeakMap<DataContext, Promise<void>>();

/** Seed version 1 from the bundled documents, once (conditional; concurrent callers are safe). */
export function ensureSeeded(ctx: DataContext): Promise<void> {
  let p = seeded.get(ctx);
  if (!p) {
    p = seedOnce(ctx).catch((err: unknown) => {
      seeded.delete(ctx);
      throw err;
    });
    seeded.set(ctx, p);
  }
  return p;
}

async function seedOnce(ctx: DataContext): Promise<void> {
  const meta = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.policyMeta(), ConsistentRead: true }));
  if (meta.Item) return;
  const now = new Date().toISOString();
  const content = [...DEFAULT_POLICY_DOCUMENTS];
  const v: StoredPolicyVersion = {
    version: 1,
    status: 'published',
    basedOn: null,
    rollbackOf: null,
    effectiveFrom: SEED_EFFECTIVE_FROM,
    publishSeq: 1,
    note: 'bundled resources/policies',
    createdBy: SEED_ACTOR,
    createdAt: now,
    updatedBy: SEED_ACTOR,
    updatedAt: now,
    publishedBy: SEED_ACTOR,
    publishedAt: now,
    reason: 'seed: the bundled policy documents (resources/policies)',
    retiredAt: null,
    contentHash: contentHashOf(content),
    documents: documentRefs(content),
    rev: 1,
    content,
  };
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: ctx.table, Item: { ...keys.policyMeta(), entityType: 'policy_meta', lastVersion: 1, lastPublishSeq: 1 }, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: ctx.table, Item: toItem(v), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: ctx.table, Item: pubItem(v), ConditionExpression: 'attribute_not_exists(PK)' } },
        ],
      }),
    );
  } catch (err) {
    if (!isCanceled(err)) throw err;
    // Another process seeded first.
  }
}

function pubItem(v: StoredPolicyVersion): Record<string, unknown> {
  return { ...keys.policyPublished(v.publishSeq!), entityType: 'policy_published', version: v.version, publishSeq: v.publishSeq, effectiveFrom: v.effectiveFrom };
}

async function queryAll(ctx: DataContext, prefix: string, projection?: { expr: string; names: Record<string, string> }): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': POLICY_PARTITION, ':p': prefix },
        ConsistentRead: true,
        ...(projection ? { ProjectionExpression: projection.expr, ExpressionAttributeNames: projection.names } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    out.push(...((res.Items ?? []) as Record<string, unknown>[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The published-version index (small items; one Query). */
export async function publishedIndex(ctx: DataContext): Promise<PublishedRef[]> {
  await ensureSeeded(ctx);
  const rows = await queryAll(ctx, POLICY_PUBLISHED_SK_PREFIX);
  return rows.map((r) => ({ version: Number(r.version), publishSeq: Number(r.publishSeq), effectiveFrom: String(r.effectiveFrom) }));
}

export async function getPolicyVersion(ctx: DataContext, version: number): Promise<StoredPolicyVersion | null> {
  await ensureSeeded(ctx);
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.policyVersion(version), ConsistentRead: true }));
  return res.Item ? fromItem(res.Item) : null;
}

async function mustGet(ctx: DataContext, version: number): Promise<StoredPolicyVersion> {
  const v = await getPolicyVersion(ctx, version);
  if (!v) throw new PolicyStoreError('not_found', `no policy version ${version}`);
  return v;
}

/** Every version without its content (ProjectionExpression leaves the big attribute out). */
export async function listPolicyVersions(ctx: DataContext): Promise<StoredPolicyVersion[]> {
  await ensureSeeded(ctx);
  const rows = await queryAll(ctx, POLICY_VERSION_SK_PREFIX, {
    expr: '#v, #s, basedOn, rollbackOf, effectiveFrom, publishSeq, note, createdBy, createdAt, updatedBy, updatedAt, publishedBy, publishedAt, #r, retiredAt, contentHash, documents, #rev',
    names: { '#v': 'version', '#s': 'status', '#r': 'reason', '#rev': 'rev' },
  });
  return rows.map(fromItem).sort((a, b) => a.version - b.version);
}

/** `id@version` → hash of every document of every published (or retired) version. */
export async function publishedDocumentHashes(ctx: DataContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ref of await publishedIndex(ctx)) {
    const v = await cachedContent(ctx, ref.version);
    for (const raw of v) {
      const r = PolicyDocumentSchema.safeParse(raw);
      if (r.success) out.set(`${r.data.id}@${r.data.version}`, docHash(r.data));
    }
  }
  return out;
}

async function nextVersionNumber(ctx: DataContext): Promise<number> {
  const res = await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.policyMeta(),
      UpdateExpression: 'ADD lastVersion :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(res.Attributes?.lastVersion);
}

/** A new draft: a copy of version `from` (any status). */
export async function createDraft(ctx: DataContext, input: { from: number; note?: string | null; actor: string }): Promise<StoredPolicyVersion> {
  const src = await mustGet(ctx, input.from);
  const version = await nextVersionNumber(ctx);
  const now = new Date().toISOString();
  const v: StoredPolicyVersion = {
    version,
    status: 'draft',
    basedOn: src.version,
    rollbackOf: null,
    effectiveFrom: null,
    publishSeq: null,
    note: input.note ?? null,
    createdBy: input.actor,
    createdAt: now,
    updatedBy: input.actor,
    updatedAt: now,
    publishedBy: null,
    publishedAt: null,
    reason: null,
    retiredAt: null,
    contentHash: src.contentHash,
    documents: src.documents,
    rev: 1,
    content: src.content,
  };
  await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: toItem(v), ConditionExpression: 'attribute_not_exists(PK)' }));
  return v;
}

/**
 * Replace a draft's content (the caller validated it against the schema). Conditional on the item
 * being a draft (and on `expectedUpdatedAt` when given): not_a_draft / conflict otherwise.
 */
export async function editDraft(
  ctx: DataContext,
  input: { version: number; content: unknown[]; note?: string | null | undefined; expectedUpdatedAt?: string | undefined; actor: string },
): Promise<StoredPolicyVersion> {
  const cur = await mustGet(ctx, input.version);
  if (cur.status !== 'draft') throw new PolicyStoreError('not_a_draft', `version ${input.version} is ${cur.status}: published versions are immutable; create a draft from it`);
  if (input.expectedUpdatedAt && Date.parse(input.expectedUpdatedAt) !== Date.parse(cur.updatedAt))
    throw new PolicyStoreError('conflict', `version ${input.version} was changed at ${cur.updatedAt} by ${cur.updatedBy}`);
  const now = new Date().toISOString();
  const next: StoredPolicyVersion = {
    ...cur,
    content: input.content,
    contentHash: contentHashOf(input.content),
    documents: documentRefs(input.content),
    note: input.note === undefined ? cur.note : input.note,
    updatedBy: input.actor,
    updatedAt: now,
    rev: cur.rev + 1,
  };
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: toItem(next),
        ConditionExpression: '#s = :draft AND #rev = :rev',
        ExpressionAttributeNames: { '#s': 'status', '#rev': 'rev' },
        ExpressionAttributeValues: { ':draft': 'draft', ':rev': cur.rev },
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    const now2 = await mustGet(ctx, input.version);
    if (now2.status !== 'draft') throw new PolicyStoreError('not_a_draft', `version ${input.version} is ${now2.status}: published versions are immutable`);
    throw new PolicyStoreError('conflict', `version ${input.version} was changed concurrently by ${now2.updatedBy}`);
  }
  return next;
}

export interface PublishResult {
  version: StoredPolicyVersion;
  retired: number[];
  stations: string[];
}

/**
 * Publish draft `version` effective from `effectiveFrom` (the caller checked the reason rule and
 * validation). Idempotent for a retry: publishing an already published version with the same
 * effectiveFrom re-appends it to every station's log (a desk applies it once) and returns it.
 */
export async function publishVersion(
  ctx: DataContext,
  input: { version: number; effectiveFrom: string; reason: string | null; actor: string; rollbackOf?: number | null },
): Promise<PublishResult> {
  const effectiveFrom = new Date(input.effectiveFrom).toISOString();
  const cur = await mustGet(ctx, input.version);
  if (cur.status !== 'draft') {
    if (cur.status === 'published' && cur.effectiveFrom === effectiveFrom) {
      const stations = await distribute(ctx, [cur], null);
      return { version: cur, retired: [], stations };
    }
    throw new PolicyStoreError('not_a_draft', `version ${input.version} is already ${cur.status}`);
  }
  for (let attempt = 1; ; attempt++) {
    const meta = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.policyMeta(), ConsistentRead: true }));
    const lastSeq = Number(meta.Item?.lastPublishSeq ?? 0);
    const index = await publishedIndex(ctx);
    const seq = lastSeq + 1;
    const before = retiredVersions(index);
    const after = retiredVersions([...index, { version: cur.version, publishSeq: seq, effectiveFrom }]);
    const newlyRetired = [...after].filter((v) => !before.has(v) && v !== cur.version);
    const now = new Date().toISOString();
    const published: StoredPolicyVersion = {
      ...cur,
      status: 'published',
      effectiveFrom,
      publishSeq: seq,
      publishedBy: input.actor,
      publishedAt: now,
      reason: input.reason,
      rollbackOf: input.rollbackOf ?? cur.rollbackOf,
      updatedBy: input.actor,
      updatedAt: now,
      rev: cur.rev + 1,
    };
    const retired = await Promise.all(newlyRetired.map((n) => mustGet(ctx, n)));
    const retiredNext = retired.map((r) => ({ ...r, status: 'retired' as const, retiredAt: now, rev: r.rev + 1 }));
    const items: TransactItem[] = [
      {
        Update: {
          TableName: ctx.table,
          Key: keys.policyMeta(),
          UpdateExpression: 'SET lastPublishSeq = :seq',
          ConditionExpression: 'lastPublishSeq = :last',
          ExpressionAttributeValues: { ':seq': seq, ':last': lastSeq },
        },
      },
      {
        Put: {
          TableName: ctx.table,
          Item: toItem(published),
          ConditionExpression: '#s = :draft AND #rev = :rev',
          ExpressionAttributeNames: { '#s': 'status', '#rev': 'rev' },
          ExpressionAttributeValues: { ':draft': 'draft', ':rev': cur.rev },
        },
      },
      { Put: { TableName: ctx.table, Item: pubItem(published), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...retiredNext.map(
        (r): TransactItem => ({
          Update: {
            TableName: ctx.table,
            Key: keys.policyVersion(r.version),
            UpdateExpression: 'SET #s = :retired, retiredAt = :at, #rev = :next',
            ConditionExpression: '#s = :published AND #rev = :rev',
            ExpressionAttributeNames: { '#s': 'status', '#rev': 'rev' },
            ExpressionAttributeValues: { ':retired': 'retired', ':at': now, ':published': 'published', ':rev': r.rev - 1, ':next': r.rev },
          },
        }),
      ),
    ];
    try {
      const stations = await distribute(ctx, [published, ...retiredNext], items);
      return { version: published, retired: newlyRetired, stations };
    } catch (err) {
      if (!isCanceled(err) && (err as Error).name !== 'ConditionFailedError') throw err;
      const again = await mustGet(ctx, input.version);
      if (again.status !== 'draft') throw new PolicyStoreError('not_a_draft', `version ${input.version} was published concurrently`);
      if (attempt >= 5) throw new PolicyStoreError('conflict', 'another publication is in progress; try again');
    }
  }
}

/**
 * The business items (if any) with the first station group's log entries in one transaction, then
 * the other groups' log entries (retry-safe: a desk applies a version it already has as a no-op).
 * With no station yet, the business items commit alone.
 */
async function distribute(ctx: DataContext, versions: StoredPolicyVersion[], items: TransactItem[] | null): Promise<string[]> {
  const stations = (await listStations(ctx)).sort();
  const changes = versions.filter((v) => v.status !== 'draft').map(policyChange);
  const groups: string[][] = [];
  for (let i = 0; i < stations.length; i += STATIONS_PER_PUBLISH_TRANSACTION) groups.push(stations.slice(i, i + STATIONS_PER_PUBLISH_TRANSACTION));
  if (items) {
    const first = groups.shift() ?? [];
    if (first.length) await commitWithLog(ctx, { items, changes, stations: first });
    else await ctx.doc.send(new TransactWriteCommand({ TransactItems: items } as TransactWriteCommandInput));
  }
  for (const g of groups) await commitWithLog(ctx, { items: [], changes, stations: g });
  return stations;
}

/** Publish the content of an earlier version as a new version (rollbackOf = to). */
export async function rollbackTo(
  ctx: DataContext,
  input: { to: number; effectiveFrom: string; reason: string; actor: string },
): Promise<PublishResult> {
  const draft = await createDraft(ctx, { from: input.to, note: `rollback to ${versionLabel(input.to)}`, actor: input.actor });
  return publishVersion(ctx, { version: draft.version, effectiveFrom: input.effectiveFrom, reason: input.reason, actor: input.actor, rollbackOf: input.to });
}

// ───────────────────────────── resolution for decisions ─────────────────────────────

const contentCache = new Map<string, unknown[]>();
const setCache = new Map<string, PolicySet>();
const cacheKey = (ctx: DataContext, version: number) => `${ctx.table}#${version}`;

/** Content of a published version (immutable: cached per process). */
async function cachedContent(ctx: DataContext, version: number): Promise<unknown[]> {
  const k = cacheKey(ctx, version);
  const hit = contentCache.get(k);
  if (hit) return hit;
  const v = await mustGet(ctx, version);
  if (v.status === 'draft') return v.content; // drafts change: never cached
  contentCache.set(k, v.content);
  return v.content;
}

/** The PolicySet of a version (published ones cached per process; a draft is parsed each time). */
export async function policySetOf(ctx: DataContext, version: number): Promise<PolicySet> {
  const k = cacheKey(ctx, version);
  const hit = setCache.get(k);
  if (hit) return hit;
  const v = await mustGet(ctx, version);
  const set = parsePolicySet([...v.content]);
  if (v.status !== 'draft') setCache.set(k, set);
  return set;
}

export interface ResolvedPolicy {
  version: number;
  label: string;
  set: PolicySet;
}

/** The PolicySet in force at `at` (one index read per call): ApiDeps.policyAt. */
export function storePolicyAt(ctx: DataContext): (at: string) => Promise<PolicySet> {
  return async (at) => (await (await policyResolver(ctx))(at)).set;
}

/** The set money controls use at `at`: the store's version when wired, else the fixed set. */
export async function policySetAt(deps: { policy: () => PolicySet; policyAt?: ((at: string) => Promise<PolicySet>) | undefined }, at: string): Promise<PolicySet> {
  return deps.policyAt ? deps.policyAt(at) : deps.policy();
}

/**
 * A resolver for one batch of decisions: reads the published index once (consistent), then gives the
 * version in force at each instant with its PolicySet.
 */
export async function policyResolver(ctx: DataContext): Promise<(at: string) => Promise<ResolvedPolicy>> {
  const index = await publishedIndex(ctx);
  return async (at: string) => {
    const ref = resolvePolicyVersion(index, at);
    if (!ref) throw new Error(`no policy version in force at ${at}`);
    return { version: ref.version, label: versionLabel(ref.version), set: await policySetOf(ctx, ref.version) };
  };
}
