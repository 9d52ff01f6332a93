import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { disruptionId as disruptionIdOf, type Flight } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../data/client.js';
import { ConditionFailedError, commitWithLog, putChange, type TransactItem } from '../data/changelog.js';
import { keys } from '../data/keys.js';
import { getDisruption, getFlight, items, resolveFlightInstance } from '../data/repositories.js';
import type { WorkflowStarter } from '../workflows/starter.js';
import { executionName } from '../workflows/starter.js';
import { parseOpsEvent, type OpsEvent } from './events.js';
import { applyEventToAspects, withBase, deriveDisruption, deriveFlight, needsCases, type Aspects } from './fold.js';

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

export interface IngestDeps {
  ctx: DataContext;
  workflows: WorkflowStarter;
  deadLetters: DeadLetterSink;
  log?: { info(msg: string, extra?: Record<string, unknown>): void; warn(msg: string, extra?: Record<string, unknown>): void };
}

export type IngestOutcome =
  | { outcome: 'applied'; eventId: string; flightId: string; disruptionId: string; workflowStarted: boolean }
  | { outcome: 'duplicate'; eventId: string; workflowStarted: boolean }
  | { outcome: 'dead-lettered'; reason: string };

const MAX_ORIGINAL = 64 * 1024;

/**
 * Ingest one Kafka record: parse (zod) → resolve the flight instance → dedupe + persist flight
 * and disruption with their change-log entries in one transaction → start the workflow.
 * Bad records go to the dead-letter sink and the call returns normally, so ingestion goes on.
 * Infrastructure errors throw (the record is retried by Kafka / the event source mapping).
 */
export async function ingestRecord(deps: IngestDeps, value: Buffer | string | null, meta: RecordMeta): Promise<IngestOutcome> {
  const parsed = parseOpsEvent(value);
  if (!parsed.ok) {
    await deadLetter(deps, meta, value, parsed.reason, parsed.errorPath, parsed.error, null);
    return { outcome: 'dead-lettered', reason: parsed.reason };
  }
  const e = parsed.event;
  const flight = await resolve(deps.ctx, e);
  if (!flight) {
    const when = e.flight.scheduledDeparture ?? e.timestamp;
    await deadLetter(deps, meta, value, 'FLIGHT_NOT_FOUND', e.eventType === 'JETWAY_FLIGHT_UPDATE' ? 'payload.flight' : 'payload.flight_id',
      `no instance of ${e.flight.carrier}${e.flight.number} scheduled near ${when}`, e.eventId);
    return { outcome: 'dead-lettered', reason: 'FLIGHT_NOT_FOUND' };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce(deps, meta, value, e, flight.id);
    } catch (err) {
      // Another event on the same flight committed first (version check): re-read and re-fold.
      if (err instanceof VersionRace && attempt < 20) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        continue;
      }
      if (err instanceof Unprocessable) {
        await deadLetter(deps, meta, value, 'UNPROCESSABLE', '', err.message, e.eventId);
        return { outcome: 'dead-lettered', reason: 'UNPROCESSABLE' };
      }
      throw err;
    }
  }
}

class VersionRace extends Error {}

/**
 * A write that can never succeed, however often it is retried: the flight's disruption (its
 * event-id list grows with every event) no longer fits a change-log entry or a DynamoDB item.
 * Thrown before anything is written (commitWithLog checks sizes first; DynamoDB refuses the
 * whole transaction), so dead-lettering it leaves nothing half-applied, and the partition moves on
 * instead of redelivering the record for ever.
 */
class Unprocessable extends Error {}

async function applyOnce(deps: IngestDeps, meta: RecordMeta, value: Buffer | string | null, e: OpsEvent, flightId: string): Promise<IngestOutcome> {
  const { ctx } = deps;
  const existing = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.event(e.eventId), ConsistentRead: true }));
  if (existing.Item) return duplicate(deps, meta, value, e, existing.Item);

  const flight = await getFlight(ctx, flightId);
  if (!flight) throw new VersionRace('flight vanished');
  const prev = await getDisruption(ctx, flightId);
  const prevAspects = (prev?.aspects ?? {}) as Aspects;
  const aspects = applyEventToAspects(withBase(prevAspects, flight), e);
  const dId = disruptionIdOf(flightId);
  const disruption = deriveDisruption(dId, flightId, aspects, [...(prev?.eventIds ?? []), e.eventId], (prev?.version ?? 0) + 1);
  const newFlight: Flight = deriveFlight(flight, aspects, flight.version + 1);
  const runWorkflow = needsCases(disruption);
  const now = new Date().toISOString();

  const writes: TransactItem[] = [
    {
      Put: {
        TableName: ctx.table,
        Item: { ...keys.event(e.eventId), entityType: 'event', eventId: e.eventId, eventType: e.eventType, fingerprint: fingerprint(e), flightId, disruptionId: dId, receivedAt: now, runWorkflow, workflowStarted: false },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: items.flight(newFlight),
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': flight.version },
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: items.disruption(disruption),
        ...(prev
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': prev.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    },
  ];
  const { aspects: _a, ...publicDisruption } = disruption;
  try {
    await commitWithLog(ctx, {
      items: writes,
      changes: [putChange('flight', newFlight), putChange('disruption', publicDisruption)],
      stations: [flight.origin, flight.destination],
    });
  } catch (err) {
    if (err instanceof ConditionFailedError) {
      if (err.failedIndexes.includes(0)) {
        const again = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.event(e.eventId), ConsistentRead: true }));
        if (again.Item) return duplicate(deps, meta, value, e, again.Item);
      }
      throw new VersionRace('concurrent update');
    }
    if (err instanceof RangeError || (err as Error).name === 'ValidationException') {
      throw new Unprocessable(`the update of ${flightId} cannot be stored: ${(err as Error).message.slice(0, 200)}`);
    }
    throw err;
  }
  deps.log?.info('ops event applied', { eventId: e.eventId, flightId, kind: disruption.kind, runWorkflow });
  const started = runWorkflow ? await startWorkflow(deps, e.eventId, flightId, dId) : false;
  return { outcome: 'applied', eventId: e.eventId, flightId, disruptionId: dId, workflowStarted: started };
}

/**
 * What an event says, normalised (so a redelivery with other whitespace or key order or `Z`
 * instead of a naive timestamp is the same event). The dedupe marker keeps it.
 */
function fingerprint(e: OpsEvent): string {
  return createHash('sha256').update(JSON.stringify(e)).digest('hex');
}

/**
 * A redelivered event: nothing to persist, but re-start the workflow if the first try crashed
 * before starting it. The same event_id with DIFFERENT content is not a redelivery: a producer
 * bug or a forgery that would otherwise vanish silently, so it is dead-lettered (markers written
 * before fingerprints existed have none and count as redeliveries).
 */
async function duplicate(deps: IngestDeps, meta: RecordMeta, value: Buffer | string | null, e: OpsEvent, marker: Record<string, unknown>): Promise<IngestOutcome> {
  if (typeof marker.fingerprint === 'string' && marker.fingerprint !== fingerprint(e)) {
    await deadLetter(deps, meta, value, 'DUPLICATE_EVENT_ID_CONFLICT', 'event_id',
      `event_id ${JSON.stringify(e.eventId)} was already applied with different content`, e.eventId);
    return { outcome: 'dead-lettered', reason: 'DUPLICATE_EVENT_ID_CONFLICT' };
  }
  let started = marker.workflowStarted === true;
  if (marker.runWorkflow === true && !started) {
    started = await startWorkflow(deps, e.eventId, String(marker.flightId), String(marker.disruptionId));
  }
  deps.log?.info('duplicate ops event skipped', { eventId: e.eventId });
  return { outcome: 'duplicate', eventId: e.eventId, workflowStarted: started };
}

async function startWorkflow(deps: IngestDeps, eventId: string, flightId: string, disruptionId: string): Promise<boolean> {
  const input = { flightId, disruptionId, eventId };
  await deps.workflows.startDisruption(input, executionName(input));
  await deps.ctx.doc.send(
    new UpdateCommand({ TableName: deps.ctx.table, Key: keys.event(eventId), UpdateExpression: 'SET workflowStarted = :t', ExpressionAttributeValues: { ':t': true } }),
  );
  return true;
}

async function resolve(ctx: DataContext, e: OpsEvent): Promise<Flight | null> {
  // Jetway events name the instance; FlightPulse's `SW1234` is resolved to the nearest departure.
  if (e.flight.instanceId) return getFlight(ctx, e.flight.instanceId);
  return resolveFlightInstance(ctx, e.flight.carrier, e.flight.number, new Date(e.timestamp));
}

async function deadLetter(deps: IngestDeps, meta: RecordMeta, value: Buffer | string | null, reason: string, errorPath: string, error: string, eventId: string | null) {
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
