import { z } from 'zod';

/**
 * The admin API contract (issue #9, "policies as versioned data"): requests and responses of every
 * `/v1/admin/...` route, as zod schemas shared by the backend (backend/src/api/routes/admin.ts), the
 * admin console and the tests. Pure (no I/O). docs/admin.md describes the routes.
 *
 * A **policy version** is one whole policy set (every document of resources/policies, as the
 * engine's parsePolicySet takes them) with a number (1, 2, …; label `v<n>`), a status and, once
 * published, an `effectiveFrom` instant. Lifecycle: `draft` → `published` → `retired`.
 *   - draft: editable (PUT replaces its whole document list); never used to decide anything.
 *   - published: immutable content; records who published it, when and why (`reason`).
 *   - retired: a published version that can no longer be selected for any flight because a later
 *     publication starts at or before its own effectiveFrom (e.g. after a rollback).
 * The version used for a flight is the **latest published** (highest number) among the published
 * versions whose effectiveFrom ≤ the disrupted flight's scheduled departure (versions.ts
 * resolvePolicyVersion, the one rule used by the backend, the desk and the CLI).
 *
 * Every admin route answers 403 to agents and supervisors (role from the verified token) and is
 * audited (who, what, when). Errors: `{error: {code, message, path?}}` — 400 `validation_failed`
 * with `path` (the JSON path of the bad field, e.g. `documents[2].regimes[0].currency`),
 * 404 `not_found`, 409 `not_a_draft` / `conflict`, 422 `invalid_policy` (publish of a draft whose
 * validation has errors; the issues are in `issues`).
 */

// ───────────────────────────── primitives ─────────────────────────────

export const InstantSchema = z.iso.datetime({ offset: true });
export const VersionNumberSchema = z.number().int().positive();
/** A version number in a path or query parameter (`/v1/admin/policies/3`). */
export const VersionParamSchema = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'a version number (1, 2, …)')
  .transform(Number);
export const PolicyVersionStatusSchema = z.enum(['draft', 'published', 'retired']);
export type PolicyVersionStatus = z.infer<typeof PolicyVersionStatusSchema>;
export const AdminRoleSchema = z.enum(['agent', 'supervisor', 'admin']);
export type AdminRole = z.infer<typeof AdminRoleSchema>;
export const StationCodeSchema = z.string().regex(/^([A-Z]{3}|\*)$/, 'IATA station code, or * for all stations');

/** `v<n>`: what desks, cases and the console show. */
export const versionLabel = (version: number): string => `v${version}`;

/** Limits on a version's content (hostile bodies stop at the schema). */
export const MAX_DOCUMENTS = 50;
export const MAX_NOTE = 2000;
export const MAX_REASON = 2000;

/**
 * A policy document as JSON. The edit route checks each one with the engine's PolicyDocumentSchema
 * (so a stored draft always parses); responses return the stored JSON unchanged (no defaults filled in).
 */
export const PolicyDocumentJsonSchema = z.record(z.string(), z.unknown());

// ───────────────────────────── versions ─────────────────────────────

export const PolicyVersionSummarySchema = z.object({
  version: VersionNumberSchema,
  /** `v<n>` */
  label: z.string(),
  status: PolicyVersionStatusSchema,
  /** The version this draft was created from (null for the seed). */
  basedOn: VersionNumberSchema.nullable(),
  /** Set when published by a rollback: the version whose content it republishes. */
  rollbackOf: VersionNumberSchema.nullable(),
  /** Draft: null. Published/retired: the instant from which it applies (UTC, `…Z`). */
  effectiveFrom: InstantSchema.nullable(),
  /** Free text of the draft's author. */
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: InstantSchema,
  updatedBy: z.string(),
  updatedAt: InstantSchema,
  publishedBy: z.string().nullable(),
  publishedAt: InstantSchema.nullable(),
  /** Why it was published (required when effectiveFrom is in the past, and for a rollback). */
  reason: z.string().nullable(),
  retiredAt: InstantSchema.nullable(),
  /** SHA-256 of the canonical JSON of the document list. */
  contentHash: z.string(),
  /** `id@version` of every document, in order. */
  documents: z.array(z.string()),
});
export type PolicyVersionSummary = z.infer<typeof PolicyVersionSummarySchema>;

export const PolicyVersionDetailSchema = PolicyVersionSummarySchema.extend({
  content: z.array(PolicyDocumentJsonSchema),
});
export type PolicyVersionDetail = z.infer<typeof PolicyVersionDetailSchema>;

/** GET /v1/admin/policies */
export const ListPoliciesResponseSchema = z.object({
  versions: z.array(PolicyVersionSummarySchema),
  /** The version in force now (null on an empty store). */
  inForce: VersionNumberSchema.nullable(),
});
export type ListPoliciesResponse = z.infer<typeof ListPoliciesResponseSchema>;

/** POST /v1/admin/policies — a new draft, a copy of version `from` (any status). → 201 detail */
export const CreateDraftRequestSchema = z.strictObject({
  from: VersionNumberSchema,
  note: z.string().max(MAX_NOTE).optional(),
});
export type CreateDraftRequest = z.infer<typeof CreateDraftRequestSchema>;

/**
 * PUT /v1/admin/policies/{version} — replace a draft's whole content. 409 `not_a_draft` for a
 * published or retired version; 409 `conflict` when `expectedUpdatedAt` is given and stale. → 200 detail
 */
export const EditDraftRequestSchema = z.strictObject({
  content: z.array(PolicyDocumentJsonSchema).min(1).max(MAX_DOCUMENTS),
  note: z.string().max(MAX_NOTE).nullable().optional(),
  /** Optimistic concurrency: the `updatedAt` the editor started from. */
  expectedUpdatedAt: InstantSchema.optional(),
});
export type EditDraftRequest = z.infer<typeof EditDraftRequestSchema>;

// ───────────────────────────── diff ─────────────────────────────

export const DiffEntrySchema = z.object({
  /** Document id (`eu261`, `reference`, …). */
  document: z.string(),
  /** JSON path inside the document (`regimes[0].compensation[0].rows[2].amount.fixed`; `` = the whole document). */
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  /** Absent for `added`. */
  before: z.unknown().optional(),
  /** Absent for `removed`. */
  after: z.unknown().optional(),
});
export type DiffEntry = z.infer<typeof DiffEntrySchema>;

/** GET /v1/admin/policies/diff?from=<n>&to=<m> */
export const DiffQuerySchema = z.object({ from: VersionParamSchema, to: VersionParamSchema });
export const DiffResponseSchema = z.object({
  from: VersionNumberSchema,
  to: VersionNumberSchema,
  entries: z.array(DiffEntrySchema),
  /** True when the list was cut at MAX_DIFF_ENTRIES. */
  truncated: z.boolean(),
});
export type DiffResponse = z.infer<typeof DiffResponseSchema>;
export const MAX_DIFF_ENTRIES = 2000;

// ───────────────────────────── validation ─────────────────────────────

export const ValidationIssueCodes = [
  /** The engine's zod schema rejects the field. */
  'schema',
  /** parsePolicySet refuses the set (e.g. the same id@version twice with different content). */
  'engine',
  /** A document changed but kept the id@version of a published document (decisions would be ambiguous). */
  'version_reused',
  /** Two rows of one table match the same cases (the later one is shadowed for part of its range). */
  'overlapping_rule',
  /** A row can never match: an earlier row matches everything it matches. */
  'unreachable_rule',
  /** An amount in a currency the regime does not use (not its currency nor its payIn currency). */
  'currency_not_used',
  /** A role's approval limit above its regime/role cap (agent ≤ supervisor ≤ admin; offline cap ≤ approval limit). */
  'role_limit_above_cap',
  /** Something a row refers to does not exist (a band, a country group). */
  'unknown_reference',
] as const;
export const ValidationIssueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.enum(ValidationIssueCodes),
  /** JSON path in the version's content, e.g. `content[1].regimes[0].compensation[0].rows[3].amount.currency`. */
  path: z.string(),
  /** Document id when known. */
  document: z.string().nullable(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

/**
 * POST /v1/admin/policies/{version}/validate — body optional: `{content}` validates unsaved content
 * (the console's live check) instead of the stored one. Nothing is written (but the call is audited).
 */
export const ValidateRequestSchema = z.strictObject({
  content: z.array(z.unknown()).min(1).max(MAX_DOCUMENTS).optional(),
});
export const ValidateResponseSchema = z.object({
  version: VersionNumberSchema,
  /** No issue of severity `error`. */
  valid: z.boolean(),
  issues: z.array(ValidationIssueSchema),
});
export type ValidateResponse = z.infer<typeof ValidateResponseSchema>;

// ───────────────────────────── publish / rollback ─────────────────────────────

/**
 * POST /v1/admin/policies/{version}/publish. `effectiveFrom` before now needs a `reason`
 * (400 `validation_failed`, path `reason`). 409 `not_a_draft`; 422 `invalid_policy` with `issues`.
 * → 200 summary of the now published version.
 */
export const PublishRequestSchema = z.strictObject({
  effectiveFrom: InstantSchema,
  reason: z.string().trim().min(1).max(MAX_REASON).optional(),
});
export type PublishRequest = z.infer<typeof PublishRequestSchema>;

/**
 * POST /v1/admin/policies/rollback — publish the content of an earlier version `to` as a new
 * version (rollbackOf = to), effective from `effectiveFrom` (default now). A reason is always required.
 * → 201 summary of the new version.
 */
export const RollbackRequestSchema = z.strictObject({
  to: VersionNumberSchema,
  effectiveFrom: InstantSchema.optional(),
  reason: z.string().trim().min(1).max(MAX_REASON),
});
export type RollbackRequest = z.infer<typeof RollbackRequestSchema>;

export const PublishResponseSchema = z.object({
  version: PolicyVersionSummarySchema,
  /** Versions retired by this publication. */
  retired: z.array(VersionNumberSchema),
  /** Stations whose change log received the version. */
  stations: z.array(z.string()),
});
export type PublishResponse = z.infer<typeof PublishResponseSchema>;

// ───────────────────────────── simulation ─────────────────────────────

/**
 * POST /v1/admin/policies/{version}/simulate — re-decide the stored disruptions whose case was
 * opened in the last `days` days (default 30, before `until`, default now) under version
 * `{version}` (typically a draft), against the versions that decided them. → 202 job status.
 */
export const SimulateRequestSchema = z.strictObject({
  days: z.number().int().min(1).max(366).default(30),
  until: InstantSchema.optional(),
});
export type SimulateRequest = z.input<typeof SimulateRequestSchema>;

export const SimulationJobStatusValues = ['queued', 'running', 'succeeded', 'failed'] as const;

export const MoneyByRegimeSchema = z.object({
  regime: z.string(),
  currency: z.string(),
  /** Minor units, payable entitlements with an amount. */
  before: z.number().int(),
  after: z.number().int(),
});
export type MoneyByRegime = z.infer<typeof MoneyByRegimeSchema>;

export const SimulationTotalsSchema = z.object({
  from: InstantSchema,
  until: InstantSchema,
  /** Cases re-decided. */
  cases: z.number().int().nonnegative(),
  /** Distinct passengers whose outcome changes. */
  passengersAffected: z.number().int().nonnegative(),
  /** Cases whose outcome changes. */
  changed: z.number().int().nonnegative(),
  /** Cases that could not be re-decided (flight or booking gone); listed as per-case results with `error`. */
  skipped: z.number().int().nonnegative(),
  /** Cost by regime and currency, before (the versions that decided them) and after (this version). */
  cost: z.array(MoneyByRegimeSchema),
  /** Versions that decided the cases, with the number of cases each. */
  decidedBy: z.array(z.object({ policyVersion: z.string(), cases: z.number().int().nonnegative() })),
});
export type SimulationTotals = z.infer<typeof SimulationTotalsSchema>;

export const SimulationOutcomeSchema = z.object({
  /** Store version label (`v3`) or, for cases decided before the store existed, the decision's `id@version+…`. */
  version: z.string(),
  policyVersion: z.string(),
  primaryRegime: z.string().nullable(),
  /** Payable entitlements as `regime/type/period amount currency`. */
  entitlements: z.array(z.string()),
  cost: z.array(z.object({ regime: z.string(), currency: z.string(), amount: z.number().int() })),
  /** explainDecision(...) text. Present only for changed cases. */
  explanation: z.string().optional(),
});
export type SimulationOutcome = z.infer<typeof SimulationOutcomeSchema>;

export const SimulationCaseResultSchema = z.object({
  caseId: z.string(),
  passengerId: z.string(),
  flightId: z.string(),
  scheduledDeparture: z.string().nullable(),
  changed: z.boolean(),
  before: SimulationOutcomeSchema.nullable(),
  after: SimulationOutcomeSchema.nullable(),
  error: z.string().optional(),
});
export type SimulationCaseResult = z.infer<typeof SimulationCaseResultSchema>;

/** GET /v1/admin/simulations/{jobId} */
export const SimulationJobSchema = z.object({
  jobId: z.string(),
  version: VersionNumberSchema,
  status: z.enum(SimulationJobStatusValues),
  progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative().nullable() }),
  startedBy: z.string(),
  startedAt: InstantSchema,
  finishedAt: InstantSchema.nullable(),
  error: z.string().nullable(),
  /** Present once succeeded. */
  totals: SimulationTotalsSchema.nullable(),
  /** Where it runs: `local` (in-process, local cloud) or `lambda` (async Lambda invocation in AWS). */
  runner: z.enum(['local', 'lambda']),
});
export type SimulationJob = z.infer<typeof SimulationJobSchema>;

/** GET /v1/admin/simulations/{jobId}/cases?changed=true&cursor=… — per-case results, a page at a time. */
export const SimulationCasesQuerySchema = z.object({
  changed: z.enum(['true', 'false']).optional(),
  cursor: z.string().regex(/^\d{1,9}$/).optional(),
  limit: z.string().regex(/^\d{1,4}$/).optional(),
});
export const SimulationCasesResponseSchema = z.object({
  jobId: z.string(),
  items: z.array(SimulationCaseResultSchema),
  nextCursor: z.string().nullable(),
});
export type SimulationCasesResponse = z.infer<typeof SimulationCasesResponseSchema>;

// ───────────────────────────── users ─────────────────────────────

export const AdminUserSchema = z.object({
  username: z.string(),
  email: z.string().nullable(),
  /** Highest role among the user's groups (null: none). */
  role: AdminRoleSchema.nullable(),
  groups: z.array(z.string()),
  /** `custom:stations`, `*` = all. */
  stations: z.array(z.string()),
  enabled: z.boolean(),
  status: z.string().nullable(),
});
export type AdminUser = z.infer<typeof AdminUserSchema>;

/** GET /v1/admin/users */
export const ListUsersResponseSchema = z.object({ users: z.array(AdminUserSchema) });

/** PUT /v1/admin/users/{username} — set the role (exactly one role group) and stations. → 200 user */
export const UpdateUserRequestSchema = z.strictObject({
  role: AdminRoleSchema,
  stations: z.array(StationCodeSchema).min(1).max(100),
});
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

// ───────────────────────────── errors and the route table ─────────────────────────────

export const AdminErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** JSON path of the bad field (400). */
    path: z.string().optional(),
    issues: z.array(ValidationIssueSchema).optional(),
  }),
});

export interface AdminRouteSpec {
  /** API Gateway route key (`METHOD /path`, `{name}` path parameters). */
  key: string;
  /** Audit action name. */
  action: string;
  request: z.ZodType | null;
  response: z.ZodType;
  /** Success status. */
  status: 200 | 201 | 202;
}

/** Every admin route. The backend registers exactly these; the 403 test iterates over them. */
export const ADMIN_ROUTES = [
  { key: 'GET /v1/admin/policies', action: 'policy.list', request: null, response: ListPoliciesResponseSchema, status: 200 },
  { key: 'POST /v1/admin/policies', action: 'policy.create_draft', request: CreateDraftRequestSchema, response: PolicyVersionDetailSchema, status: 201 },
  { key: 'GET /v1/admin/policies/diff', action: 'policy.diff', request: null, response: DiffResponseSchema, status: 200 },
  { key: 'POST /v1/admin/policies/rollback', action: 'policy.rollback', request: RollbackRequestSchema, response: PublishResponseSchema, status: 201 },
  { key: 'GET /v1/admin/policies/{version}', action: 'policy.get', request: null, response: PolicyVersionDetailSchema, status: 200 },
  { key: 'PUT /v1/admin/policies/{version}', action: 'policy.edit', request: EditDraftRequestSchema, response: PolicyVersionDetailSchema, status: 200 },
  { key: 'POST /v1/admin/policies/{version}/validate', action: 'policy.validate', request: ValidateRequestSchema, response: ValidateResponseSchema, status: 200 },
  { key: 'POST /v1/admin/policies/{version}/publish', action: 'policy.publish', request: PublishRequestSchema, response: PublishResponseSchema, status: 200 },
  { key: 'POST /v1/admin/policies/{version}/simulate', action: 'policy.simulate', request: SimulateRequestSchema, response: SimulationJobSchema, status: 202 },
  { key: 'GET /v1/admin/simulations/{jobId}', action: 'simulation.get', request: null, response: SimulationJobSchema, status: 200 },
  { key: 'GET /v1/admin/simulations/{jobId}/cases', action: 'simulation.cases', request: null, response: SimulationCasesResponseSchema, status: 200 },
  { key: 'GET /v1/admin/users', action: 'user.list', request: null, response: ListUsersResponseSchema, status: 200 },
  { key: 'PUT /v1/admin/users/{username}', action: 'user.update', request: UpdateUserRequestSchema, response: AdminUserSchema, status: 200 },
] as const satisfies readonly AdminRouteSpec[];

export type AdminRouteKey = (typeof ADMIN_ROUTES)[number]['key'];
export const ADMIN_ROUTE_KEYS: readonly AdminRouteKey[] = ADMIN_ROUTES.map((r) => r.key);
