import { countDeadLetter } from '../observability/metrics.js';
import type { FlightNoticeHook } from '../notify/changes.js';
import pMap from 'p-map';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FlightSchema, type Flight } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../data/client.js';
import { keys, stripKeys } from '../data/keys.js';
import { batchGet, resolveFlightNumbers } from '../data/repositories.js';
import type { WorkflowStarter } from '../workflows/starter.js';
import { executionName } from '../workflows/starter.js';
import { applyEvents, type ReadyEvent } from './apply.js';
import { parseOpsEvent, type OpsEvent, type ParseOutcome } from './events.js';

/** Where a record came from (for the dead-letter message). */
export interface RecordMeta {
  topic: string;
  partition: number;
  offset: string;
}

/** A dead-letter message: why, where in the event, the original bytes, where it came from. */
export interface DeadLetter extends RecordMeta {
  reason: string;
  errorPath: string;
  error: string;
  originalValue: string | null;
  /** How originalValue is written: the text itself, or base64 when the bytes are not UTF-8 (kept exactly). */
  originalEncoding: 'utf8' | 'base64';
  eventId: string | null;
  deadLetteredAt: string;
}

export interface DeadLetterSink {
  send(letter: DeadLetter): Promise<void>;
}

/**
 * Where an event whose flight is not scheduled yet waits (backend/src/feeds/parking.ts): `park`
 * stores it until its flight arrives through the schedule feed and returns true, or returns false
 * when the event is past the parking horizon (it is then dead-lettered FLIGHT_NOT_FOUND).
 */
export interface ParkingSink {
  park(event: OpsEvent, value: Buffer | string | null, meta: RecordMeta): Promise<boolean>;
}

export interface IngestDeps {
  ctx: DataContext;
  workflows: WorkflowStarter;
  deadLetters: DeadLetterSink;
  /** Parks events for flights not scheduled yet; without it they are dead-lettered at once. */
  parking?: ParkingSink;
  log?: { info(msg: string, extra?: Record<string, unknown>): void; warn(msg: string, extra?: Record<string, unknown>): void };
  /** Passenger notices of updates that start no workflow (a gate change: notify/changes.ts flightNotices). */
  notices?: FlightNoticeHook;
}

export type IngestOutcome =
  | { outcome: 'applied'; eventId: string; flightId: string; disruptionId: string; workflowStarted: boolean }
  | { outcome: 'duplicate'; eventId: string; workflowStarted: boolean }
  | { outcome: 'parked'; eventId: string }
  | { outcome: 'dead-lettered'; reason: string };

const MAX_ORIGINAL = 64 * 1024;

/** One Kafka record of a batch. */
export interface IngestInput {
  value: Buffer | string | null;
  meta: RecordMeta;
}

/** A record's outcome in a batch; `failed` (infrastructure) means: not settled, deliver it again. */
export type BatchOutcome = IngestOutcome | { outcome: 'failed'; error: Error };

/**
 * Ingest one Kafka record: parse (zod) → resolve the flight instance → dedupe + persist flight
 * and disruption with their change-log entries in one transaction → start the workflow.
 * Bad records go to the dead-letter sink and the call returns normally, so ingestion goes on.
 * Infrastructure errors throw (the record is retried by Kafka / the event source mapping).
 */
export async function ingestRecord(deps: IngestDeps, value: Buffer | string | null, meta: RecordMeta): Promise<IngestOutcome> {
  const [r] = await ingestBatch(deps, [{ value, meta }]);
  if (r!.outcome === 'failed') throw r!.error;
  return r!;
}

/** Records prepared (parsed, resolved, dead-lettered or parked) this many at a time. */
const PREPARE_CONCURRENCY = 8;

/**
 * Ingest a batch of records (one poll of a partition, or a Lambda event), with one outcome per
 * record in the same order. Records are parsed, their flights resolved (one GSI1 query per flight
 * number), then applied per flight: events of one flight in the order given, different flights
 * together, in few transactions (apply.ts). Bad records are dead-lettered, as by ingestRecord.
 * A record whose outcome is `failed` was not settled (an infrastructure error): deliver it again;
 * every other outcome is final (redelivering it is harmless: event-id dedupe).
 */
export async function ingestBatch(deps: IngestDeps, records: readonly IngestInput[]): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = new Array<BatchOutcome>(records.length);
  const parsed = records.map((r) => parseOpsEvent(r.value));
  const flights = await resolveAll(deps.ctx, parsed);
  const ready: ReadyEvent[] = [];
  await pMap(records.keys(), async (i) => {
    const { value, meta } = records[i]!;
    const p = parsed[i]!;
    try {
      if (!p.ok) {
        await deadLetter(deps, meta, value, p.reason, p.errorPath, p.error, null);
        out[i] = { outcome: 'dead-lettered', reason: p.reason };
        return;
      }
      const flight = flights[i]!;
      if (flight instanceof Error) throw flight;
      if (flight) ready.push({ index: i, event: p.event, flightId: flight.id, value, meta });
      else out[i] = await flightNotFound(deps, p.event, value, meta);
    } catch (err) {
      out[i] = { outcome: 'failed', error: err as Error };
    }
  }, { concurrency: PREPARE_CONCURRENCY });
  // Per flight in batch order (the pool above may have finished them in another).
  ready.sort((a, b) => a.index - b.index);
  for (const [i, o] of await applyEvents(deps, ready)) out[i] = o;
  return out;
}

/** An event whose flight instance is not scheduled (yet): parked until it is, or dead-lettered. */
async function flightNotFound(deps: IngestDeps, e: OpsEvent, value: Buffer | string | null, meta: RecordMeta): Promise<IngestOutcome> {
  if (deps.parking && (await deps.parking.park(e, value, meta))) {
    deps.log?.info('ops event parked until its flight is scheduled', { eventId: e.eventId, flight: `${e.flight.carrier}${e.flight.number}` });
    return { outcome: 'parked', eventId: e.eventId };
  }
  const when = e.flight.scheduledDeparture ?? e.timestamp;
  await deadLetter(deps, meta, value, 'FLIGHT_NOT_FOUND', e.eventType === 'JETWAY_FLIGHT_UPDATE' ? 'payload.flight' : 'payload.flight_id',
    `no instance of ${e.flight.carrier}${e.flight.number} scheduled near ${when}`, e.eventId);
  return { outcome: 'dead-lettered', reason: 'FLIGHT_NOT_FOUND' };
}

/**
 * The flight of each parsed record (null when none is scheduled near it; an Error when the lookup
 * failed): Jetway events name their instance, FlightPulse's `SW1234` is resolved to the departure
 * nearest the event (resolveFlightNumbers: the candidate instances of every number of the batch
 * read by key). Both kinds are read with BatchGetItem, 100 keys a request.
 */
async function resolveAll(ctx: DataContext, parsed: ParseOutcome[]): Promise<(Flight | null | Error)[]> {
  const out: (Flight | null | Error)[] = parsed.map(() => null);
  const byNumber = new Map<string, number[]>();
  const byInstance = new Map<string, number[]>();
  parsed.forEach((p, i) => {
    if (!p.ok) return;
    const { instanceId, carrier, number } = p.event.flight;
    const [map, k] = instanceId ? [byInstance, instanceId] : [byNumber, `${carrier}\u0000${number}`];
    map.set(k, [...(map.get(k) ?? []), i]);
  });
  const fail = (idx: number[], err: unknown) => idx.forEach((i) => (out[i] = err as Error));
  const lookups: Promise<void>[] = [];
  if (byInstance.size > 0) {
    lookups.push(
      batchGet(ctx, [...byInstance.keys()].map((id) => keys.flight(id))).then(
        (rows) => {
          const found = new Map(rows.map((r) => FlightSchema.parse(stripKeys(r))).map((f) => [f.id, f]));
          for (const [id, idx] of byInstance) idx.forEach((i) => (out[i] = found.get(id) ?? null));
        },
        (err: unknown) => fail([...byInstance.values()].flat(), err),
      ),
    );
  }
  if (byNumber.size > 0) {
    const numbers = [...byNumber];
    const at = (i: number) => new Date((parsed[i] as Extract<ParseOutcome, { ok: true }>).event.timestamp);
    lookups.push(
      resolveFlightNumbers(ctx, numbers.map(([k, idx]) => {
        const [carrier, number] = k.split('\u0000') as [string, string];
        return { carrier, number, ats: idx.map(at) };
      })).then(
        (found) => numbers.forEach(([, idx], n) => idx.forEach((i, j) => (out[i] = found[n]![j] ?? null))),
        (err: unknown) => fail(numbers.flatMap(([, idx]) => idx), err),
      ),
    );
  }
  await Promise.all(lookups);
  return out;
}

/**
 * What an event says, normalised (so a redelivery with other whitespace or key order or `Z`
 * instead of a naive timestamp is the same event). The dedupe marker keeps it.
 */
export function fingerprint(e: OpsEvent): string {
  return createHash('sha256').update(JSON.stringify(e)).digest('hex');
}

/**
 * A redelivered event: nothing to persist, but re-start the workflow if the first try crashed
 * before starting it. The same event_id with DIFFERENT content is not a redelivery: a producer
 * bug or a forgery that would otherwise vanish silently, so it is dead-lettered (markers written
 * before fingerprints existed have none and count as redeliveries).
 */
export async function duplicate(deps: IngestDeps, meta: RecordMeta, value: Buffer | string | null, e: OpsEvent, marker: Record<string, unknown>): Promise<IngestOutcome> {
  if (typeof marker.fingerprint === 'string' && marker.fingerprint !== fingerprint(e)) {
    await deadLetter(deps, meta, value, 'DUPLICATE_EVENT_ID_CONFLICT', 'event_id',
      `event_id ${JSON.stringify(e.eventId)} was already applied with different content`, e.eventId);
    return { outcome: 'dead-lettered', reason: 'DUPLICATE_EVENT_ID_CONFLICT' };
  }
  let started = marker.workflowStarted === true;
  // Always asked again: the starter runs a FAILED execution of this event again, never a running or succeeded one.
  if (marker.runWorkflow === true) {
    started = await startWorkflow(deps, e.eventId, String(marker.flightId), String(marker.disruptionId));
  }
  deps.log?.info('duplicate ops event skipped', { eventId: e.eventId });
  return { outcome: 'duplicate', eventId: e.eventId, workflowStarted: started };
}

export async function startWorkflow(deps: IngestDeps, eventId: string, flightId: string, disruptionId: string): Promise<boolean> {
  const input = { flightId, disruptionId, eventId };
  await deps.workflows.startDisruption(input, executionName(input));
  await deps.ctx.doc.send(
    new UpdateCommand({ TableName: deps.ctx.table, Key: keys.event(eventId), UpdateExpression: 'SET workflowStarted = :t', ExpressionAttributeValues: { ':t': true } }),
  );
  return true;
}


export async function deadLetter(deps: IngestDeps, meta: RecordMeta, value: Buffer | string | null, reason: string, errorPath: string, error: string, eventId: string | null) {
  countDeadLetter(reason);
  // Bytes that are not UTF-8 would come out of toString('utf8') with U+FFFD in place of the
  // offending bytes: the dead letter would not show what was actually sent.
  const binary = Buffer.isBuffer(value) && !isUtf8(value);
  const original = value === null || value === undefined ? null : typeof value === 'string' ? value : binary ? value.subarray(0, MAX_ORIGINAL).toString('base64') : value.toString('utf8');
  const letter: DeadLetter = {
    ...meta,
    reason,
    errorPath,
    error,
    originalValue: original === null ? null : binary ? original : original.slice(0, MAX_ORIGINAL),
    originalEncoding: binary ? 'base64' : 'utf8',
    eventId,
    deadLetteredAt: new Date().toISOString(),
  };
  deps.log?.warn('ops event dead-lettered', { reason, errorPath, topic: meta.topic, partition: meta.partition, offset: meta.offset });
  await deps.deadLetters.send(letter);
}
