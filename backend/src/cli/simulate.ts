/**
 * `jetway simulate …`: produces ops events to Kafka topic `flight-operations`, in FlightPulse's
 * format (null key, naive UTC timestamps, uuid4 ids) or Jetway's richer keyed format.
 * Builders live in backend/src/simulator; this file is argument parsing and output only.
 */
import { parseArgs } from 'node:util';
import {
  FlightPulseReasonSchema,
  buildCancelEvent,
  buildDelayEvent,
  buildGateChangeEvent,
  pythonJsonDumps,
  type FlightPulseEvent,
} from '../simulator/events.js';
import {
  DELAY_CODE_FOR_REASON,
  buildJetwayEvent,
  jetwayEventKey,
  type JetwayUpdate,
} from '../simulator/jetway-event.js';
import { FLIGHTPULSE_FLIGHTS, findDemoFlight, networkFlights, utcToday } from '../simulator/flights.js';
import { scenarioMessages } from '../simulator/scenarios.js';
import { jetwayScenarioEvents } from '../simulator/jetway-scenarios.js';
import { LOAD_LIMITS, loadEventGenerator, plannedTotal, runLoad } from '../simulator/load.js';
import { createEventProducer, type OutMessage } from '../simulator/produce.js';
import { resolveBrokers } from '../simulator/brokers.js';
import { kafkaClientConfigFromEnv, type KafkaClientConfig } from '../ingest/msk.js';
import { parseCommandArgs } from './common.js';

export interface SimulateIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export const SIMULATE_USAGE = `usage: jetway simulate <command> [options]

FlightPulse events (JSON value, no key, naive UTC timestamps, as FlightPulse's simulator):
  delay    --flight SW1234 --minutes 90 [--reason WEATHER|MECHANICAL|ATC|CREW]
  cancel   --flight SW9012 [--reason WEATHER]
  gate     --flight SW3456 --from A5 --to D15 [--terminal-change]
  scenario <1-5> [--verbatim] [--date YYYY-MM-DD]
           re-dated to --date (default today, UTC) with fresh event ids; --verbatim sends the
           shared sample file's events byte-for-byte
  load     --rate N (--duration SECONDS | --count N) [--flights SW1234,SW5678 | --flights network] [--seed N]
           mixed delays/cancellations/gate changes at N events/s (N ≤ ${LOAD_LIMITS.maxRate}); \`--rate N\` alone means load

Jetway events (JETWAY_FLIGHT_UPDATE, keyed by flight instance, door-open times, IATA delay codes):
  update   --flight SW1234|JE241 [--date YYYY-MM-DD]   (FlightPulse's flights or any demo-network flight)
           (--delay CODE:MIN[,CODE:MIN] | --arrived CODE:MIN[,...] [--taxi-in MIN]
            | --cancel CODE [--notice ISO] | --gate-from A5 --gate-to D15 [--terminal-change])
  scenario door-open [--flight JE241] [--date YYYY-MM-DD]
           delay, longer delay, arrival: wheels-on < 3 h late but doors open > 3 h late (EU261 due)

options: --brokers host:port[,…] (else $KAFKA_BROKERS, else .jetway/cloud/cloud.json)   --ssl (TLS listener)
         --iam [--region R] (MSK IAM auth over TLS, port 9098; credentials from the AWS default chain,
           region from --region, else $AWS_REGION)
         --topic NAME (default flight-operations)   --dry-run (print the values, send nothing)
`;

const OPTIONS = {
  flight: { type: 'string' },
  minutes: { type: 'string' },
  reason: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'terminal-change': { type: 'boolean' },
  verbatim: { type: 'boolean' },
  date: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  count: { type: 'string' },
  flights: { type: 'string' },
  seed: { type: 'string' },
  delay: { type: 'string' },
  arrived: { type: 'string' },
  'taxi-in': { type: 'string' },
  cancel: { type: 'string' },
  notice: { type: 'string' },
  'gate-from': { type: 'string' },
  'gate-to': { type: 'string' },
  brokers: { type: 'string' },
  ssl: { type: 'boolean' },
  iam: { type: 'boolean' },
  region: { type: 'string' },
  topic: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

/** TLS and SASL for the producer: `--iam` is MSK IAM, the ingest function's own client config. */
function clientAuth(v: { ssl?: boolean; iam?: boolean; region?: string }, brokers: string[]): Pick<KafkaClientConfig, 'ssl' | 'sasl'> {
  if (!v.iam) return { ssl: v.ssl ?? false };
  try {
    const region = v.region ?? process.env.AWS_REGION;
    const { ssl, sasl } = kafkaClientConfigFromEnv({ KAFKA_BROKERS: brokers.join(','), KAFKA_AUTH: 'iam', ...(region ? { KAFKA_IAM_REGION: region } : {}) });
    return { ssl, sasl };
  } catch (err) {
    throw new UsageError(`--iam: ${(err as Error).message}`);
  }
}

const required = (v: string | undefined, flag: string): string => {
  if (v === undefined || v === '') throw new UsageError(`missing --${flag}`);
  return v;
};

const int = (v: string, flag: string): number => {
  if (!/^\d+$/.test(v)) throw new UsageError(`--${flag} must be a non-negative integer, got '${v}'`);
  return Number(v);
};

const reasonOf = (v: string | undefined) => {
  const r = FlightPulseReasonSchema.safeParse(v ?? 'WEATHER');
  if (!r.success) throw new UsageError(`--reason must be one of ${FlightPulseReasonSchema.options.join(', ')}`);
  return r.data;
};

const dateOf = (v: string | undefined): string => {
  if (v === undefined) return utcToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new UsageError(`--date must be YYYY-MM-DD`);
  return v;
};

/** `41:120,93:30` → [{code:'41', minutes:120}, …]. */
const codesOf = (v: string, flag: string): { code: string; minutes: number }[] =>
  v.split(',').map((part) => {
    const m = /^(\d{2}[A-Z]?):(\d+)$/.exec(part.trim());
    if (!m?.[1] || !m[2]) throw new UsageError(`--${flag} expects CODE:MINUTES[,CODE:MINUTES], e.g. 41:120`);
    return { code: m[1], minutes: Number(m[2]) };
  });

const describe = (e: FlightPulseEvent): string => {
  switch (e.event_type) {
    case 'FLIGHT_DELAY':
      return `delay event for ${e.payload.flight_id}: ${e.payload.delay_minutes} min delay (${e.payload.reason})`;
    case 'FLIGHT_CANCELLED':
      return `cancellation event for ${e.payload.flight_id} (${e.payload.reason})`;
    case 'GATE_CHANGE':
      return `gate change event for ${e.payload.flight_id}: ${e.payload.old_gate} → ${e.payload.new_gate}`;
  }
};

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Builds the messages for every non-load command, with one human-readable line each. */
function buildMessages(command: string, positionals: string[], v: Values): { messages: OutMessage[]; lines: string[] } {
  const fp = (e: FlightPulseEvent) => ({
    messages: [{ key: null, value: pythonJsonDumps(e) }],
    lines: [`sent ${describe(e)} [${e.event_id}]`],
  });
  switch (command) {
    case 'delay':
      return fp(
        buildDelayEvent({
          flightId: required(v.flight, 'flight'),
          delayMinutes: int(required(v.minutes, 'minutes'), 'minutes'),
          reason: reasonOf(v.reason),
        }),
      );
    case 'cancel':
      return fp(buildCancelEvent({ flightId: required(v.flight, 'flight'), reason: reasonOf(v.reason) }));
    case 'gate':
      return fp(
        buildGateChangeEvent({
          flightId: required(v.flight, 'flight'),
          oldGate: required(v.from, 'from'),
          newGate: required(v.to, 'to'),
          terminalChange: v['terminal-change'] ?? false,
        }),
      );
    case 'scenario': {
      if (positionals[0] === 'door-open') {
        const flight = findDemoFlight(v.flight ?? 'JE241', dateOf(v.date));
        const events = jetwayScenarioEvents('door-open', flight);
        return {
          messages: events.map((e) => ({ key: jetwayEventKey(e), value: JSON.stringify(e) })),
          lines: events.map(
            (e) =>
              `sent scenario door-open ${e.flight.instance_id} ${e.status}${e.door_open_at ? ` door-open ${e.door_open_at}` : ''} [${e.event_id}]`,
          ),
        };
      }
      const n = Number(positionals[0]);
      if (![1, 2, 3, 4, 5].includes(n)) throw new UsageError('scenario needs a number 1-5 or door-open');
      const msgs = scenarioMessages(n, { verbatim: v.verbatim ?? false, date: dateOf(v.date) });
      return {
        messages: msgs.map((m) => ({ key: null, value: m.value })),
        lines: msgs.map(
          (m) => `sent scenario ${n}${v.verbatim ? ' (verbatim)' : ''} ${describe(m.event)} [${m.event.event_id}]`,
        ),
      };
    }
    case 'update': {
      const flight = findDemoFlight(required(v.flight, 'flight'), dateOf(v.date));
      let update: JetwayUpdate;
      if (v.delay) update = { kind: 'delay', codes: codesOf(v.delay, 'delay') };
      else if (v.arrived !== undefined) {
        update = { kind: 'arrival', codes: v.arrived === '' ? [] : codesOf(v.arrived, 'arrived') };
        if (v['taxi-in'] !== undefined) update.taxiInMinutes = int(v['taxi-in'], 'taxi-in');
      } else if (v.cancel) {
        const code = /^[A-Z]+$/.test(v.cancel) ? DELAY_CODE_FOR_REASON[reasonOf(v.cancel)] : v.cancel;
        update = { kind: 'cancel', reasonCode: code };
        if (v.notice) update.noticeGivenAt = new Date(required(v.notice, 'notice')).toISOString();
      } else if (v['gate-to']) {
        update = {
          kind: 'gate',
          oldGate: v['gate-from'] ?? flight.gate,
          newGate: v['gate-to'],
          terminalChange: v['terminal-change'] ?? false,
        };
      } else throw new UsageError('update needs one of --delay, --arrived, --cancel, --gate-to');
      const e = buildJetwayEvent(flight, update);
      return {
        messages: [{ key: jetwayEventKey(e), value: JSON.stringify(e) }],
        lines: [
          `sent ${e.event_type} ${e.flight.instance_id} ${e.status}${e.door_open_at ? ` door-open ${e.door_open_at}` : ''} [${e.event_id}]`,
        ],
      };
    }
    default:
      throw new UsageError(`unknown simulate command '${command}'`);
  }
}

/** The producer to --brokers (else $KAFKA_BROKERS, else the local cloud's) and --topic, with --ssl/--iam. */
async function openProducer(v: Values, io: SimulateIo) {
  const { brokers } = resolveBrokers({ flag: v.brokers });
  return createEventProducer({
    brokers,
    topic: v.topic,
    ...clientAuth(v, brokers),
    log: (l) => io.stderr.write(`${l}\n`),
  });
}

/** Entry point used by `jetway simulate …` (src/cli/index.ts). Returns the process exit code. */
export async function runSimulateCli(argv: string[], io: SimulateIo): Promise<number> {
  const parsed = parseCommandArgs('simulate', SIMULATE_USAGE, io, { args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const command = positionals[0] ?? (v.rate !== undefined ? 'load' : undefined);
  if (command === undefined) {
    io.stderr.write(SIMULATE_USAGE);
    return 2;
  }
  try {
    if (command === 'load') return await load(v, io);
    const { messages, lines } = buildMessages(command, positionals.slice(1), v);
    if (v['dry-run']) {
      for (const m of messages) io.stdout.write(`${m.value}\n`);
      return 0;
    }
    const producer = await openProducer(v, io);
    try {
      await producer.send(messages);
    } finally {
      await producer.disconnect();
    }
    for (const l of lines) io.stdout.write(`${l}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`jetway simulate: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

async function load(v: Values, io: SimulateIo): Promise<number> {
  const plan = {
    rate: int(required(v.rate, 'rate'), 'rate'),
    ...(v.duration !== undefined ? { durationSec: Number(v.duration) } : {}),
    ...(v.count !== undefined ? { count: int(v.count, 'count') } : {}),
  };
  let total: number;
  try {
    total = plannedTotal(plan);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let flights: string[] | undefined;
  if (v.flights !== undefined) {
    const today = utcToday();
    const known = [
      ...FLIGHTPULSE_FLIGHTS.map((f) => f.flightId),
      ...networkFlights(today).map((f) => `${f.carrier}${f.number}`),
    ];
    flights =
      v.flights === 'network'
        ? [...new Set(known)]
        : v.flights
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean);
    const unknown = flights.filter((f) => !known.includes(f));
    if (unknown.length || flights.length === 0)
      throw new UsageError(`--flights: unknown demo flight(s) ${unknown.join(', ')}`);
  }
  const next = loadEventGenerator({ flights, seed: v.seed === undefined ? Date.now() % 2 ** 31 : int(v.seed, 'seed') });
  if (v['dry-run']) {
    for (let i = 0; i < total; i++) io.stdout.write(`${next().value}\n`);
    return 0;
  }
  const producer = await openProducer(v, io);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = io.stdout.isTTY === true;
  try {
    const result = await runLoad(producer, next, plan, {
      signal: abort.signal,
      onProgress: (p) => {
        const line = `produced ${p.produced}/${p.total} events, ${((p.produced * 1000) / p.elapsedMs).toFixed(1)}/s`;
        io.stdout.write(tty ? `\r${line}` : `${line}\n`);
      },
    });
    if (tty) io.stdout.write('\n');
    io.stdout.write(
      `done: produced ${result.produced} events in ${(result.elapsedMs / 1000).toFixed(2)} s (${result.ratePerSec.toFixed(1)} events/s, target ${plan.rate}/s)\n`,
    );
    return result.produced === total ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await producer.disconnect();
  }
}
