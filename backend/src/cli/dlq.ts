/**
 * `jetway dlq list|show|replay`: the dead letters of `flight-operations.dlq`, for the operator who
 * fixed their cause (a flight loaded late, a producer bug fixed, a consumer that now accepts a
 * shape) and wants the events ingested: each dead letter is replayed at most once, and ingest
 * applies each event at most once (its `event_id`).
 */
import { Kafka, logLevel } from 'kafkajs';
import { readDeadLetters, replayDeadLetters, type DlqEntry } from '../ingest/dlq-tools.js';
import { OPS_DLQ_TOPIC, OPS_TOPIC } from '../ingest/topics.js';
import { resolveBrokers } from '../simulator/brokers.js';
import { TABLE_OPTIONS, parseCommandArgs, resolveAuditContext, type CliIo, type CliOpts } from './common.js';

export const DLQ_USAGE = `usage: jetway dlq list [--reason R] [--json]
       jetway dlq show <partition:offset>
       jetway dlq replay (<partition:offset>... | --all) [--reason R] [--again]

  list     every dead letter: id, when, reason, event id, the error
  show     one dead letter whole, with the original message
  replay   produce the original message again to ${OPS_TOPIC}, once per dead letter
           (--again re-drives one already replayed; ingest still applies an event once)

options: --reason R (only letters with this reason, e.g. FLIGHT_NOT_FOUND)
         --brokers host:port[,…] (else $KAFKA_BROKERS, else the running local cloud's)
         --dlq-topic T (default ${OPS_DLQ_TOPIC})   --topic T (default ${OPS_TOPIC})
         --endpoint URL --table NAME --table-prefix P --region R (replay records, as jetway audit)
Exit 0: done; 1: failed; 2: usage error.
`;

const OPTIONS = {
  reason: { type: 'string' },
  json: { type: 'boolean' },
  all: { type: 'boolean' },
  again: { type: 'boolean' },
  brokers: { type: 'string' },
  'dlq-topic': { type: 'string' },
  topic: { type: 'string' },
  ...TABLE_OPTIONS,
} as const;

const ID = /^\d{1,6}:\d{1,19}$/;

export async function runDlqCli(argv: string[], io: CliIo, opts: CliOpts = {}): Promise<number> {
  const parsed = parseCommandArgs('dlq', DLQ_USAGE, io, { args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const [sub, ...ids] = positionals;
  const usage = (msg: string): number => {
    io.stderr.write(`jetway dlq: ${msg}\n${DLQ_USAGE}`);
    return 2;
  };
  if (sub !== 'list' && sub !== 'show' && sub !== 'replay') return usage(sub ? `unknown subcommand '${sub}'` : 'a subcommand is required');
  const bad = ids.find((i) => !ID.test(i));
  if (bad) return usage(`'${bad}' is not a dead-letter id (partition:offset, as \`jetway dlq list\` prints)`);
  if (sub === 'list' && ids.length) return usage('list takes no ids');
  if (sub === 'show' && ids.length !== 1) return usage('show takes one id');
  if (sub === 'replay' && !v.all && ids.length === 0) return usage('replay needs ids or --all');
  if (sub === 'replay' && v.all && ids.length) return usage('pass ids or --all, not both');

  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let kafka: Kafka;
  try {
    const { brokers } = resolveBrokers({ flag: v.brokers, env, cwd });
    kafka = new Kafka({ clientId: 'jetway-dlq', brokers, logLevel: logLevel.NOTHING });
  } catch (err) {
    io.stderr.write(`jetway dlq: ${(err as Error).message}\n`);
    return 2;
  }
  const dlqTopic = v['dlq-topic'] ?? OPS_DLQ_TOPIC;
  try {
    let entries = await readDeadLetters(kafka, { topic: dlqTopic });
    if (v.reason) entries = entries.filter((e) => e.letter?.reason === v.reason);
    if (sub === 'list') {
      if (v.json) for (const e of entries) io.stdout.write(`${JSON.stringify(e)}\n`);
      else {
        if (entries.length === 0) io.stdout.write(`no dead letters in ${dlqTopic}${v.reason ? ` with reason ${v.reason}` : ''}\n`);
        for (const e of entries) io.stdout.write(`${line(e)}\n`);
      }
      return 0;
    }
    const wanted = v.all ? entries : ids.map((id) => entries.find((e) => e.id === id) ?? id);
    const missing = wanted.filter((w): w is string => typeof w === 'string');
    if (missing.length) {
      io.stderr.write(`jetway dlq: no dead letter ${missing.join(', ')} in ${dlqTopic}${v.reason ? ` with reason ${v.reason}` : ''}\n`);
      return 1;
    }
    const found = wanted as DlqEntry[];
    if (sub === 'show') {
      io.stdout.write(`${JSON.stringify(found[0], null, 2)}\n`);
      return 0;
    }
    const ctx = resolveAuditContext(v, env, cwd);
    const results = await replayDeadLetters(kafka, ctx, found, { topic: v.topic ?? OPS_TOPIC, dlqTopic, again: v.again ?? false, by: env.USER ?? 'cli' });
    for (const r of results) io.stdout.write(`${r.id}  ${r.outcome}${r.why ? `: ${r.why}` : ''}\n`);
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    io.stdout.write(`${count('replayed')} replayed, ${count('already-replayed')} already replayed (use --again), ${count('skipped')} skipped\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`jetway dlq: ${(err as Error).message}\n`);
    return 1;
  }
}

function line(e: DlqEntry): string {
  if (!e.letter) return `${e.id}  UNREADABLE  ${e.unreadable}`;
  const l = e.letter;
  return `${e.id}  ${l.deadLetteredAt}  ${l.reason}  event ${l.eventId ?? '-'}  from ${l.topic}/${l.partition}/${l.offset}  ${l.errorPath ? `${l.errorPath}: ` : ''}${l.error}`;
}
