import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DataContext } from '../data/client.js';
import { applyFeedBatch, type FeedDeps, type FeedRecord } from './apply.js';
import type { FeedKind } from './schemas.js';

/**
 * The initial load: the schedule and the reservations as NDJSON objects (one feed message a line,
 * optionally gzip `.ndjson.gz`), applied with applyFeedBatch, the feed consumers' own code. So the
 * load is idempotent and versioned like the topics: run it again (after a crash, or with a newer
 * export) and only newer versions change anything; a bad line is dead-lettered with its reason
 * and the load goes on.
 *
 *   <location>/schedule/…  one FLIGHT_SCHEDULE message a line (loaded first: bookings name flights)
 *   <location>/manifests/… one PNR message a line
 *
 * The store is S3-shaped: the AWS SDK's S3 client in AWS (and against any S3-compatible server,
 * e.g. s3rver in the test), or a folder on disk with the same layout (`file://`).
 */
export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** `s3://bucket` or `file:///dir`: where dead letters say a line came from. */
  readonly base: string;
  /** Objects under `prefix`, in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  open(key: string): Promise<Readable>;
}

export function s3Store(client: S3Client, bucket: string): ObjectStore {
  return {
    base: `s3://${bucket}`,
    async *list(prefix) {
      let token: string | undefined;
      do {
        const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of res.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    },
    async open(key) {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(res.Body instanceof Readable)) throw new Error(`s3://${bucket}/${key}: no body`);
      return res.Body;
    },
  };
}

/** A folder laid out like the bucket (`<root>/<prefix>/schedule/…`): the local stand-in for S3. */
export function fileStore(root: string): ObjectStore {
  const abs = path.resolve(root);
  return {
    base: `file://${abs}`,
    async *list(prefix) {
      const walk = async function* (dir: string): AsyncGenerator<StoredObject> {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw e;
        }
        for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
          const full = path.join(dir, e.name);
          if (e.isDirectory()) yield* walk(full);
          else if (e.isFile()) {
            const key = path.relative(abs, full).split(path.sep).join('/');
            if (key.startsWith(prefix)) yield { key, size: (await stat(full)).size };
          }
        }
      };
      yield* walk(abs);
    },
    async open(key) {
      return createReadStream(path.join(abs, ...key.split('/')));
    },
  };
}

/** `s3://bucket/prefix` or `file:///dir/prefix` (or a plain path) → bucket/root and prefix. */
export function parseLocation(location: string): { scheme: 's3'; bucket: string; prefix: string } | { scheme: 'file'; root: string; prefix: string } {
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location);
  if (s3) return { scheme: 's3', bucket: s3[1]!, prefix: trimSlash(s3[2] ?? '') };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) throw new Error(`not an s3:// or file:// location: ${location}`);
  const p = location.startsWith('file://') ? new URL(location).pathname : location;
  return { scheme: 'file', root: path.resolve(p), prefix: '' };
}

const trimSlash = (p: string) => p.replace(/^\/+|\/+$/g, '');

export interface ImportOptions {
  /** Messages per applyFeedBatch call. Default 500. */
  batchSize?: number;
  onProgress?: (p: { key: string; lines: number; written: number }) => void;
}

export interface ImportSummary {
  objects: { key: string; kind: FeedKind; lines: number; written: number; unchanged: number; deadLettered: number }[];
  /** Objects under the location outside schedule/ and manifests/ (not read). */
  ignored: string[];
  lines: number;
  written: number;
  unchanged: number;
  deadLettered: number;
}

/**
 * Loads `<prefix>/schedule/` then `<prefix>/manifests/` from the store into the table. Dead letters
 * go to `deps.deadLetters` (the feed's DLQ topic, or a file), with `topic` = the object's URI and
 * `offset` = its line number.
 */
export async function importFeeds(deps: Omit<FeedDeps, 'ctx'> & { ctx: DataContext }, store: ObjectStore, prefix: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const base = trimSlash(prefix);
  const dir = (name: string) => (base ? `${base}/${name}/` : `${name}/`);
  const summary: ImportSummary = { objects: [], ignored: [], lines: 0, written: 0, unchanged: 0, deadLettered: 0 };
  for await (const o of store.list(base ? `${base}/` : '')) {
    if (!o.key.startsWith(dir('schedule')) && !o.key.startsWith(dir('manifests'))) summary.ignored.push(o.key);
  }
  const size = opts.batchSize ?? 500;
  for (const kind of ['schedule', 'manifest'] as const) {
    for await (const o of store.list(dir(kind === 'schedule' ? 'schedule' : 'manifests'))) {
      if (o.key.endsWith('/')) continue;
      const row = { key: o.key, kind, lines: 0, written: 0, unchanged: 0, deadLettered: 0 };
      summary.objects.push(row);
      let stream: Readable = await store.open(o.key);
      if (o.key.endsWith('.gz')) stream = stream.pipe(createGunzip());
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      let batch: FeedRecord[] = [];
      const flush = async () => {
        if (!batch.length) return;
        const r = await applyFeedBatch(deps, batch, { expect: kind });
        row.written += r.written;
        row.unchanged += r.unchanged;
        row.deadLettered += r.deadLettered;
        batch = [];
        opts.onProgress?.({ key: o.key, lines: row.lines, written: row.written });
      };
      let n = 0;
      for await (const line of lines) {
        n++;
        if (line.trim() === '') continue;
        row.lines++;
        batch.push({ value: line, meta: { topic: `${store.base}/${o.key}`, partition: 0, offset: String(n) } });
        if (batch.length >= size) await flush();
      }
      await flush();
      summary.lines += row.lines;
      summary.written += row.written;
      summary.unchanged += row.unchanged;
      summary.deadLettered += row.deadLettered;
    }
  }
  return summary;
}
