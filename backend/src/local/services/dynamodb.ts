/**
 * DynamoDB Local (the real AWS emulator, Java) for the local cloud and integration tests.
 * In memory unless a `dbPath` is given (the persistent local cloud keeps its data on disk).
 */
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDynamoDbLocal, requireJava } from './setup.js';
import { TABLES, tableName, type TableDefinition } from '../../data/tables.js';
import { LOCAL_HOST, freePort, resolvePort } from './ports.js';
import { ServiceError, fetchLog, spawnManaged, waitUntilReady, type ManagedProcess } from './process.js';

export interface DynamoDbLocalOptions {
  port?: number;
  /** Folder for the database file (`-dbPath`); omitted → `-inMemory`. */
  dbPath?: string;
  /** Where the log file goes; defaults to `dbPath` or a temp folder. */
  logDir?: string;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** A DynamoDB client for a local endpoint (fixed dummy credentials: DynamoDB Local accepts any). */
export function localDynamoClient(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
}

/** Starts DynamoDB Local and resolves once it answers ListTables. */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const service = 'dynamodb-local';
  try {
    requireJava();
  } catch (e) {
    throw new ServiceError(`${service}: ${(e as Error).message}`, service);
  }
  const emulator = ensureDynamoDbLocal({ log: fetchLog });
  const logDir = opts.logDir ?? opts.dbPath ?? mkdtempSync(path.join(os.tmpdir(), 'jetway-dynamodb-'));
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });

  // A free-picked port can be taken between picking and binding: retry with a new one.
  const attempts = opts.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = attempt === 0 ? await resolvePort(opts.port, service) : await freePort();
    const proc = spawnManaged({
      name: service,
      command: 'java',
      args: [
        // Small initial heap, fast start-up; a high ceiling: under a write storm requests waiting for the
        // emulator's lock hold their parsed items, and at 768 MB the 100-flight fan-out bench spent 202 s
        // in full GCs before failing with InternalFailure. The heap only grows when it is used.
        '-Xms64m',
        `-Xmx${process.env.JETWAY_DYNAMODB_HEAP?.trim() || '3g'}`,
        // Parallel young collections with room to grow (adaptive, from a small start): under a write storm
        // the emulator's request objects otherwise outlive a small eden, fill the old generation and end
        // in back-to-back full GCs (docs/decisions.md). JETWAY_DYNAMODB_JVM_OPTS replaces these flags.
        ...(process.env.JETWAY_DYNAMODB_JVM_OPTS?.trim() ? process.env.JETWAY_DYNAMODB_JVM_OPTS.trim().split(/\s+/) : ['-XX:+UseParallelGC', '-XX:MaxNewSize=1g']),
        `-Djava.library.path=${emulator.libDir}`,
        '-jar',
        emulator.jar,
        ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory']),
        // One database whatever the credentials/region of the caller (desk, tools, tests).
        '-sharedDb',
        '-port',
        String(port),
        '-disableTelemetry',
      ],
      cwd: emulator.dir,
      logFile: path.join(logDir, 'dynamodb-local.log'),
    });
    const endpoint = `http://${LOCAL_HOST}:${port}`;
    const client = localDynamoClient(endpoint, 1);
    try {
      await waitUntilReady(
        proc,
        async () => {
          await client.send(new ListTablesCommand({ Limit: 1 }));
          return true;
        },
        {
          timeoutMs: 60_000,
          hint: 'Is Java 17 installed and `npm run setup` done? Delete .cache/dynamodb-local to refetch.',
        },
      );
      client.destroy();
      return handle(proc, endpoint, port);
    } catch (e) {
      client.destroy();
      await proc.stop(1000);
      lastError = e;
      if (!/Address already in use|BindException/.test(proc.logTail(50))) break;
    }
  }
  throw lastError;
}

function handle(proc: ManagedProcess, endpoint: string, port: number): DynamoDbLocal {
  return { endpoint, port, pid: proc.pid, logFile: proc.logFile, stop: () => proc.stop(5000) };
}

function createTableInput(def: TableDefinition, name: string): CreateTableCommandInput {
  const attrs = new Map<string, 'S' | 'N'>();
  const add = (a: { name: string; type: 'S' | 'N' }) => attrs.set(a.name, a.type);
  add(def.partitionKey);
  add(def.sortKey);
  for (const g of def.globalSecondaryIndexes) {
    add(g.partitionKey);
    add(g.sortKey);
  }
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(def.globalSecondaryIndexes.length
      ? {
          GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
            IndexName: g.indexName,
            KeySchema: [
              { AttributeName: g.partitionKey.name, KeyType: 'HASH' as const },
              { AttributeName: g.sortKey.name, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(def.stream && localStreams()
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } }
      : {}),
  };
}

/**
 * Whether local tables get the definition's stream. Not by default: nothing consumes it locally
 * (in AWS it is the table's change feed for operators and a future "please pull" hint), and
 * DynamoDB Local stores every stream record in its SQLite and re-reads them in its shard-rollover
 * job under its global lock, so every local write gets slower as the stream grows (measured: a
 * 2,000-flight ingest bench crawled at ~4 events/s with DynamoDB Local's CPU in that job).
 * JETWAY_LOCAL_STREAMS=1 turns it on (e.g. to try a stream consumer locally).
 */
function localStreams(): boolean {
  return process.env.JETWAY_LOCAL_STREAMS === '1';
}

/**
 * Creates every table of backend/src/data/tables.ts (GSIs, TTL; the stream only with JETWAY_LOCAL_STREAMS=1) under `prefix`.
 * Idempotent: existing tables (a persistent local cloud) are left as they are.
 * Returns the physical table names.
 */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for (const def of TABLES) {
    const name = tableName(def, prefix);
    try {
      await client.send(new CreateTableCommand(createTableInput(def, name)));
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e;
    }
    if (def.ttlAttribute) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
      if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
          }),
        );
      }
    }
    names.push(name);
  }
  return names;
}
