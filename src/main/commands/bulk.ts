import { ulid } from 'ulid';
import { isCashType } from '../../shared/policy/controls.js';
import type {
  BulkCareItem,
  BulkCarePlan,
  BulkCareProgress,
  BulkCareRun,
} from '../../shared/rpc/bulk-care.js';
import type { ConfirmationInput, EntitlementView, PassengerRow, Session } from '../../shared/rpc/contract.js';
import type { CacheQueries } from '../db/queries.js';
import { BadRequestError, CommandConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { CommandService } from './service.js';

/** Limit codes a supervisor's approval lifts: the item is skipped as "needs approval", never forced. */
const APPROVAL_CODES = new Set(['LIMIT_EXCEEDED', 'DAILY_LIMIT_EXCEEDED']);
/** Refusals that mean "someone already did it": skipped, the money is not paid twice. */
const DONE_CODES = new Set(['ALREADY_ISSUED', 'ALREADY_PENDING']);
/** Runs kept in memory for `care:bulkRun` and retries (the outbox is what is durable). */
const KEEP_RUNS = 20;

export interface BulkCareDeps {
  commands: Pick<CommandService, 'issueEntitlement'>;
  queries: Pick<CacheQueries, 'flightPassengers' | 'entitlement'>;
  /** The signed-in user now (throws when signed out). Read before every item. */
  session: () => Session;
  isOnline: () => boolean;
  progress: (p: BulkCareProgress) => void;
  /** Tells the renderer to re-query (called every few items and at the end). */
  changed: () => void;
  log?: (msg: string) => void;
  /** Yields between items so progress reaches the renderer (tests may pass a synchronous one). */
  pause?: () => Promise<void>;
  newId?: () => string;
}

interface Target {
  passengerId: string;
  /** Only these entitlements (a retry); null = every one of the type. */
  entitlementIds: Set<string> | null;
}

interface RunState extends BulkCareRun {
  username: string;
  confirmation: ConfirmationInput | null;
}

const IN_KIND: ConfirmationInput = { paymentMethod: 'in_kind_voucher', passengerAgreement: null };

/**
 * Bulk care in the main process: plans what a batch would do, then issues item by item through
 * {@link CommandService.issueEntitlement}, the path of a single issue, so the same role,
 * station, limit, offline-cap and confirmation rules apply and nothing new can bypass them.
 *
 * Money is never paid twice: every item is checked again right before it is issued (issued or
 * pending in the outbox → skipped), and the command service refuses a second issue of the same
 * entitlement (`ALREADY_PENDING` / `ALREADY_ISSUED`) even for two runs at once. Each issue is its
 * own durable outbox transaction: a crash mid-run keeps what was queued, and running the batch
 * again skips it.
 */
export class BulkCare {
  private readonly runs = new Map<string, RunState>();
  private stopped = false;

  constructor(private readonly d: BulkCareDeps) {}

  /** What a run would do now: per passenger+entitlement, to issue or skipped (and why). */
  plan(flightId: string, type: string, passengerIds: readonly string[]): BulkCarePlan {
    this.checkType(type);
    const session = this.d.session();
    const items = this.items(flightId, type, passengerIds.map((p) => ({ passengerId: p, entitlementIds: null })), session);
    const pending = items.filter((i) => i.outcome === 'pending');
    const totals = new Map<string, { amountMinor: number; count: number }>();
    for (const i of pending) {
      if (!i.value) continue;
      const t = totals.get(i.value.currency) ?? { amountMinor: 0, count: 0 };
      t.amountMinor += i.value.amountMinor;
      t.count += 1;
      totals.set(i.value.currency, t);
    }
    return {
      flightId,
      type,
      items,
      toIssue: pending.length,
      totals: [...totals].map(([currency, t]) => ({ currency, ...t })),
      needsConfirmation: pending.some((i) => i.needsConfirmation),
      offline: !this.d.isOnline(),
    };
  }

  /** Starts a run (answers at once; `care:bulkProgress` events follow, the last one `finished`). */
  start(
    flightId: string,
    type: string,
    passengerIds: readonly string[],
    confirmation: { paymentMethod: 'in_kind_voucher' } | null,
  ): BulkCareRun {
    this.checkType(type);
    return this.begin(
      flightId,
      type,
      passengerIds.map((p) => ({ passengerId: p, entitlementIds: null })),
      confirmation ? IN_KIND : null,
    );
  }

  /** Re-runs only the refused items of a finished run (a new run; issued ones stay as they are). */
  retry(runId: string, confirmation: { paymentMethod: 'in_kind_voucher' } | null): BulkCareRun {
    const prev = this.own(runId);
    if (!prev.finished) throw new CommandConflictError('this run is still going: wait for it to finish', 'RUN_ACTIVE');
    const byPax = new Map<string, Set<string>>();
    for (const i of prev.items)
      if (i.outcome === 'refused' && i.entitlementId)
        byPax.set(i.passengerId, (byPax.get(i.passengerId) ?? new Set()).add(i.entitlementId));
    if (byPax.size === 0) throw new CommandConflictError('nothing was refused in this run', 'NOTHING_TO_RETRY');
    return this.begin(
      prev.flightId,
      prev.type,
      [...byPax].map(([passengerId, entitlementIds]) => ({ passengerId, entitlementIds })),
      confirmation ? IN_KIND : prev.confirmation,
    );
  }

  /** A run as it stands (serials refreshed from the cache: online issues get theirs when they sync). */
  get(runId: string): BulkCareRun {
    const run = this.own(runId);
    const items = run.items.map((i) =>
      i.outcome === 'issued' && i.serial === null && i.entitlementId
        ? { ...i, serial: this.d.queries.entitlement(i.entitlementId)?.voucherSerial ?? null }
        : i,
    );
    return this.view({ ...run, items });
  }

  /** The desk is closing: runs stop before their next item (what was queued stays queued). */
  stop(): void {
    this.stopped = true;
  }

  // ---------------------------------------------------------------------------------------

  private begin(
    flightId: string,
    type: string,
    targets: Target[],
    confirmation: ConfirmationInput | null,
  ): BulkCareRun {
    const session = this.d.session();
    const items = this.items(flightId, type, targets, session);
    const run: RunState = {
      runId: (this.d.newId ?? ulid)(),
      flightId,
      type,
      total: items.length,
      done: 0,
      finished: false,
      items,
      counts: { issued: 0, refused: 0, skipped: 0 },
      username: session.username,
      confirmation,
    };
    this.runs.set(run.runId, run);
    while (this.runs.size > KEEP_RUNS) this.runs.delete(this.runs.keys().next().value!);
    this.d.log?.(
      `[bulk] ${session.username} ${run.runId}: ${type} for ${targets.length} passenger(s) of ${flightId}, ${items.length} item(s)`,
    );
    void this.work(run).catch((err: unknown) => this.d.log?.(`[bulk] ${run.runId} stopped: ${(err as Error).stack}`));
    return this.view(run);
  }

  private async work(run: RunState): Promise<void> {
    const pause = this.d.pause ?? (() => new Promise<void>((r) => setImmediate(r)));
    let lastChanged = Date.now();
    for (let index = 0; index < run.items.length; index++) {
      await pause();
      if (this.stopped) return;
      const item = (run.items[index] = this.one(run, run.items[index]!));
      run.done = index + 1;
      if (item.outcome === 'issued' || item.outcome === 'refused' || item.outcome === 'skipped')
        run.counts[item.outcome] += 1;
      this.d.progress({ runId: run.runId, done: run.done, total: run.total, index, item, finished: false });
      if (item.outcome === 'issued' && Date.now() - lastChanged > 500) {
        lastChanged = Date.now();
        this.d.changed();
      }
    }
    run.finished = true;
    this.d.log?.(
      `[bulk] ${run.runId} finished: ${run.counts.issued} issued, ${run.counts.refused} refused, ${run.counts.skipped} skipped`,
    );
    this.d.changed();
    this.d.progress({ runId: run.runId, done: run.done, total: run.total, index: run.total, item: null, finished: true });
  }

  /** Works one item: checks it again now, then issues it through the command service. */
  private one(run: RunState, item: BulkCareItem): BulkCareItem {
    if (item.outcome !== 'pending' || !item.entitlementId) return item;
    let session: Session;
    try {
      session = this.d.session();
      if (session.username !== run.username) throw new ForbiddenError('another user signed in: the run stopped');
    } catch (err) {
      return { ...item, outcome: 'refused', code: 'SIGNED_OUT', reason: (err as Error).message };
    }
    const ent = this.d.queries.entitlement(item.entitlementId);
    if (!ent) return { ...item, outcome: 'skipped', code: 'NOT_ELIGIBLE', reason: 'the entitlement is no longer in the desk cache' };
    const again = this.classify(ent);
    if (again) return { ...item, ...again, serial: ent.voucherSerial };
    const needs = ent.controls?.needsConfirmation ?? false;
    try {
      this.d.commands.issueEntitlement(ent.id, session, needs ? run.confirmation : null);
    } catch (err) {
      const code = (err as { code?: string | null }).code ?? null;
      const reason = this.plain(err);
      if (code !== null && DONE_CODES.has(code)) return { ...item, outcome: 'skipped', code: 'ALREADY_ISSUED', reason };
      if (code !== null && APPROVAL_CODES.has(code)) return { ...item, outcome: 'skipped', code: 'NEEDS_APPROVAL', reason };
      return { ...item, outcome: 'refused', code: code ?? this.kind(err), reason };
    }
    return { ...item, outcome: 'issued', code: null, reason: null, serial: this.d.queries.entitlement(ent.id)?.voucherSerial ?? null };
  }

  private plain(err: unknown): string {
    if (
      err instanceof CommandConflictError ||
      err instanceof ForbiddenError ||
      err instanceof BadRequestError ||
      err instanceof NotFoundError
    )
      return err.message;
    this.d.log?.(`[bulk] issue failed: ${(err as Error)?.stack ?? String(err)}`);
    return 'internal error in the desk (see the desk log)';
  }

  private kind(err: unknown): string {
    if (err instanceof ForbiddenError) return 'FORBIDDEN';
    if (err instanceof BadRequestError) return 'BAD_REQUEST';
    if (err instanceof NotFoundError) return 'NOT_FOUND';
    if (err instanceof CommandConflictError) return 'CONFLICT';
    return 'INTERNAL';
  }

  /** The plan's items: one per passenger+entitlement of the type (or one saying why none). */
  private items(flightId: string, type: string, targets: Target[], session: Session): BulkCareItem[] {
    const flight = this.d.queries.flightPassengers(flightId);
    const stations = [flight.flight.origin, flight.flight.destination];
    if (!session.stations.includes('*') && !stations.some((s) => session.stations.includes(s)))
      throw new ForbiddenError(`flight ${flightId} is not at your stations`, 'FORBIDDEN_STATION');
    const rows = new Map(flight.rows.map((r) => [r.passenger.id, r]));
    const out: BulkCareItem[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      if (seen.has(t.passengerId)) continue;
      seen.add(t.passengerId);
      const row = rows.get(t.passengerId);
      const base = {
        passengerId: t.passengerId,
        passengerName: row ? `${row.passenger.lastName}, ${row.passenger.firstName}` : t.passengerId,
        caseId: row?.case?.id ?? null,
        serial: null,
        value: null,
        needsConfirmation: false,
      };
      const none = (reason: string): BulkCareItem => ({ ...base, entitlementId: null, outcome: 'skipped', code: 'NOT_ELIGIBLE', reason });
      if (!row) {
        out.push(none('not booked on this flight'));
        continue;
      }
      if (!row.case) {
        out.push(none('no case: nothing is owed on this flight'));
        continue;
      }
      const ents = this.ofType(row, type).filter((e) => t.entitlementIds === null || t.entitlementIds.has(e.id));
      if (ents.length === 0) {
        out.push(none(`not entitled to ${type}`));
        continue;
      }
      for (const e of ents) {
        const skip = this.classify(e);
        out.push({
          ...base,
          entitlementId: e.id,
          value: e.controls?.value ?? e.amount ?? null,
          needsConfirmation: e.controls?.needsConfirmation ?? false,
          serial: skip ? e.voucherSerial : null,
          ...(skip ?? { outcome: 'pending' as const, code: null, reason: null }),
        });
      }
    }
    return out;
  }

  private ofType(row: PassengerRow, type: string): EntitlementView[] {
    return row.entitlements.filter((e) => e.type === type);
  }

  /** Why an entitlement is skipped now, or null when it is to be issued (the command service decides the rest). */
  private classify(e: EntitlementView): Pick<BulkCareItem, 'outcome' | 'code' | 'reason'> | null {
    const serial = e.voucherSerial ? ` (voucher ${e.voucherSerial})` : '';
    if (e.effectiveStatus === 'ISSUED' || e.status === 'ISSUED')
      return { outcome: 'skipped', code: 'ALREADY_ISSUED', reason: `already issued${serial}` };
    if (e.syncState === 'pending')
      return { outcome: 'skipped', code: 'ALREADY_ISSUED', reason: 'a change of this entitlement is already waiting to sync' };
    if (e.effectiveStatus === 'PENDING_APPROVAL' || e.status === 'PENDING_APPROVAL')
      return { outcome: 'skipped', code: 'NEEDS_APPROVAL', reason: 'waiting for a supervisor’s decision' };
    if (e.status !== 'OFFERED')
      return { outcome: 'skipped', code: 'NOT_ELIGIBLE', reason: `not issuable (${e.status.toLowerCase().replaceAll('_', ' ')})` };
    const block = e.controls?.blockedBy ?? null;
    if (block && APPROVAL_CODES.has(block.code))
      return { outcome: 'skipped', code: 'NEEDS_APPROVAL', reason: `needs a supervisor’s approval: ${block.message}` };
    return null;
  }

  private checkType(type: string): void {
    if (isCashType(type))
      throw new BadRequestError(
        `${type} is paid one passenger at a time (payment method and agreement): bulk issue is for care such as meals, hotels and transport`,
        'CASH_NOT_BULK',
      );
  }

  private own(runId: string): RunState {
    const run = this.runs.get(runId);
    const me = (() => {
      try {
        return this.d.session().username;
      } catch {
        return null;
      }
    })();
    if (!run || run.username !== me) throw new NotFoundError(`no bulk run ${runId} on this desk for you`);
    return run;
  }

  private view(run: RunState): BulkCareRun {
    return {
      runId: run.runId,
      flightId: run.flightId,
      type: run.type,
      total: run.total,
      done: run.done,
      finished: run.finished,
      items: [...run.items],
      counts: { ...run.counts },
    };
  }
}
