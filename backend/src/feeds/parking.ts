import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { DataContext } from '../data/client.js';
import { keys, parkedDeadlinePartition, parkedPartition } from '../data/keys.js';
import { queryAll } from '../data/query-all.js';
import type { Log } from '../data/log.js';
import type { OpsEvent } from '../ingest/events.js';
import { ingestRecord, type IngestDeps, type ParkingSink, type RecordMeta } from '../ingest/processor.js';
import { contentHash } from './schemas.js';

/**
 * Parking: an ops event for a flight the schedule has not delivered yet waits in DynamoDB
 * (`PARKED#<SW1234>`), instead of being dead-lettered FLIGHT_NOT_FOUND at once. When the schedule
 * feed creates an instance of that flight number, `redrive` runs the parked events through normal
 * ingest, oldest first (ingest's event-id dedupe makes that exactly once, even when two re-drives
 * race). An event still unresolved at its deadline — its own time (or its flight's scheduled
 * departure, if later) plus the horizon — is dead-lettered FLIGHT_NOT_FOUND by `sweep` (or at
 * once, when it arrives already past it: FlightPulse's 2025 sample, a replayed old letter).
 *
 * Nothing is lost in between: a parked item is deleted only after ingest has applied, skipped or
 * dead-lettered its event; a crash before the delete re-drives it again (a duplicate, no effect).
 * The one race left is benign: a flight created while the sweeper dead-letters the same event
 * gives an applied event plus a dead letter, whose replay is a duplicate.
 */

export const DEFAULT_PARKING_HORIZON_MS = 48 * 3_600_000;

export interface ParkingOptions {
  /** How long after its time an event may wait for its flight. Default 48 h ($JETWAY_PARKING_HORIZON_HOURS locally). */
  horizonMs?: number;
  /** The clock (tests). */
  now?: () => number;
  log?: Log;
}

export interface RedriveSummary {
  redriven: number;
  applied: number;
  stillParked: number;
  deadLettered: number;
}

export interface SweepSummary extends RedriveSummary {
  /** Flight numbers with parked events looked at. */
  flights: number;
}

const emptyRedrive = (): RedriveSummary => ({ redriven: 0, applied: 0, stillParked: 0, deadLettered: 0 });

export interface Parking extends ParkingSink {
  readonly horizonMs: number;
  /** Re-drive the events parked for these flight numbers (the schedule feed just created instances of them). */
  redrive(deps: IngestDeps, flights: { carrier: string; number: string }[]): Promise<RedriveSummary>;
  /**
   * Re-drives every parked event (the scheduled catch-all: a flight created by the S3 import, or a
   * feed batch whose re-drive a crash cut short): applied if its flight is there now, dead-lettered
   * FLIGHT_NOT_FOUND if past its deadline, else left parked.
   */
  sweep(deps: IngestDeps): Promise<SweepSummary>;
  /** Events parked for a flight number, oldest first (tools, tests). */
  list(carrier: string, number: string): Promise<ParkedEvent[]>;
}

export interface ParkedEvent {
  PK: string;
  SK: string;
  eventId: string;
  value: string;
  topic: string;
  partition: number;
  offset: string;
  parkedAt: string;
  parkSeq: string;
  deadline: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const startOfDay = (ms: number): number => Math.floor(ms / DAY) * DAY;
/** How far back a sweeper with no cursor yet looks (it runs from the first deployment on, every few minutes). */
const FIRST_SWEEP_LOOKBACK_MS = 7 * DAY;
/** Deadlines further ahead than the horizon: an event names a departure up to this far out. */
const LOOKAHEAD_MS = 14 * DAY;
/** A day bucket is left behind once it ended this long ago (GSI1 is eventually consistent). */
const GSI_SETTLE_MS = 5 * 60_000;

export function createParking(ctx: DataContext, opts: ParkingOptions = {}): Parking {
  const horizonMs = opts.horizonMs ?? DEFAULT_PARKING_HORIZON_MS;
  const now = opts.now ?? Date.now;
  const nextSeq = monotonicFactory();

  const deadlineOf = (e: OpsEvent): number => {
    const at = Date.parse(e.timestamp);
    const dep = e.flight.scheduledDeparture ? Date.parse(e.flight.scheduledDeparture) : Number.NEGATIVE_INFINITY;
    return Math.max(at, dep) + horizonMs;
  };

  const parking: Parking = {
    horizonMs,
    async park(e: OpsEvent, value: Buffer | string | null, meta: RecordMeta): Promise<boolean> {
      const deadlineMs = deadlineOf(e);
      if (value === null || deadlineMs <= now()) return false;
      const deadline = new Date(deadlineMs).toISOString();
      // Keyed by the normalised content too: the same event id with other content is parked beside
      // it, and ingest dead-letters it DUPLICATE_EVENT_ID_CONFLICT when both are re-driven.
      const key = keys.parked(e.flight.carrier, e.flight.number, e.eventId, contentHash(e));
      try {
        await ctx.doc.send(
          new PutCommand({
            TableName: ctx.table,
            Item: {
              ...key,
              ...keys.parkedGsi1(deadline, e.eventId),
              entityType: 'parked_event',
              eventId: e.eventId,
              flight: `${e.flight.carrier}${e.flight.number}`,
              value: typeof value === 'string' ? value : value.toString('utf8'),
              topic: meta.topic,
              partition: meta.partition,
              offset: meta.offset,
              parkedAt: new Date(now()).toISOString(),
              parkSeq: nextSeq(now()),
              deadline,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (err) {
        // Parked already (a redelivery, or a re-drive that still finds no flight): keep the first.
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
      return true;
    },

    async list(carrier, number) {
      const out = (await queryAll(ctx, {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': parkedPartition(carrier, number) },
        ConsistentRead: true,
      })) as ParkedEvent[];
      return out.sort((a, b) => a.parkSeq.localeCompare(b.parkSeq));
    },

    async redrive(deps, flights) {
      const summary = emptyRedrive();
      const numbers = [...new Map(flights.map((f) => [`${f.carrier}${f.number}`, f])).values()];
      for (const f of numbers) {
        for (const item of await parking.list(f.carrier, f.number)) {
          const res = await ingestRecord({ ...deps, parking }, item.value, { topic: item.topic, partition: Number(item.partition), offset: String(item.offset) });
          summary.redriven++;
          if (res.outcome === 'parked') {
            summary.stillParked++;
            continue;
          }
          if (res.outcome === 'dead-lettered') summary.deadLettered++;
          else summary.applied++;
          await ctx.doc.send(new DeleteCommand({ TableName: ctx.table, Key: { PK: item.PK, SK: item.SK } }));
        }
      }
      if (summary.redriven) opts.log?.info('parked ops events re-driven', { ...summary });
      return summary;
    },

    async sweep(deps) {
      const summary: SweepSummary = { flights: 0, ...emptyRedrive() };
      const nowMs = now();
      const cursorRow = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.parkSweepCursor(), ConsistentRead: true }));
      const firstDay = typeof cursorRow.Item?.day === 'string' ? Date.parse(`${cursorRow.Item.day}T00:00:00Z`) : startOfDay(nowMs - Math.max(FIRST_SWEEP_LOOKBACK_MS, horizonMs + DAY));
      const lastDay = startOfDay(nowMs + horizonMs + LOOKAHEAD_MS);
      let cursor = firstDay;
      let advancing = true;
      for (let day = firstDay; day <= lastDay; day += DAY) {
        // Flight numbers with events parked until that day (GSI1 lags; the re-drive reads the table).
        const flights = new Map<string, { carrier: string; number: string }>();
        const rows = await queryAll(ctx, {
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': parkedDeadlinePartition(new Date(day).toISOString()) },
        });
        for (const row of rows) {
          const fn = String(row.flight ?? '');
          flights.set(fn, { carrier: fn.slice(0, 2), number: fn.slice(2) });
        }
        const r = await parking.redrive(deps, [...flights.values()]);
        summary.flights += flights.size;
        summary.redriven += r.redriven;
        summary.applied += r.applied;
        summary.stillParked += r.stillParked;
        summary.deadLettered += r.deadLettered;
        // A day whose every deadline has passed (and settled in GSI1) holds nothing any more: every
        // event in it was applied or dead-lettered by the re-drive above.
        if (advancing && day + DAY + GSI_SETTLE_MS <= nowMs) cursor = day + DAY;
        else advancing = false;
      }
      if (cursor > firstDay) {
        await ctx.doc.send(
          new PutCommand({ TableName: ctx.table, Item: { ...keys.parkSweepCursor(), entityType: 'park_sweep', day: new Date(cursor).toISOString().slice(0, 10), at: new Date(nowMs).toISOString() } }),
        );
      }
      if (summary.redriven) opts.log?.info('parked ops events swept', { ...summary });
      return summary;
    },
  };
  return parking;
}

/** The parking horizon from the environment (`JETWAY_PARKING_HORIZON_HOURS`), else the default. */
export function parkingHorizonFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const h = Number(env.JETWAY_PARKING_HORIZON_HOURS);
  return Number.isFinite(h) && h > 0 ? h * HOUR : DEFAULT_PARKING_HORIZON_MS;
}
