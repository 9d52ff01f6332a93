import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BackendClient, BadResponseError } from '../../../src/main/sync/backend.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { flight } from './helpers/factories.js';

// The desk's side of packed snapshot pages (encoding=gzip, backend data/snapshot-pack.ts): chunks
// are base64 gzip NDJSON, decoded by BackendClient.snapshot with every line checked.

const chunk = (lines: string[]) => gzipSync(lines.join('\n')).toString('base64');
const line = (c: Change) => JSON.stringify(c);

function client(body: unknown, urls: string[] = []) {
  const fetchStub: typeof fetch = async (input) => {
    urls.push(String(input));
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return new BackendClient({ apiUrl: 'http://backend.test', tokens: { idToken: async () => 'x.e30.y', refresh: async () => undefined }, fetch: fetchStub });
}
const page = (packed: string[], changes: Change[] = []) => ({ station: 'PHX', epoch: 'E1', asOf: 7, changes, packed, nextPage: null, total: 3 });

describe('packed snapshot pages on the desk', () => {
  it('asks for gzip and decodes the chunks in order, then any plain changes', async () => {
    const [a, b, c] = [flight({ id: 'F1', version: 1 }), flight({ id: 'F2', version: 2 }), flight({ id: 'F3', version: 1 })];
    const urls: string[] = [];
    const res = await client(page([chunk([line(a), line(b)]), chunk([line(c), ''])]), urls).snapshot({ station: 'PHX', page: null, limit: 10 });
    expect(urls[0]).toContain('encoding=gzip');
    expect(res.changes).toEqual([a, b, c]);
    expect(res).not.toHaveProperty('packed');
    expect(res).toMatchObject({ asOf: 7, nextPage: null, total: 3 });
  });

  it.each([
    ['not gzip', Buffer.from('not gzip').toString('base64')],
    ['a line that is not JSON', chunk(['{"kind":'])],
    ['a line that fails the change schema', chunk([JSON.stringify({ kind: 'spaceship', id: 'x', version: 1, op: 'put', data: {} })])],
    ['a negative version', chunk([JSON.stringify({ kind: 'flight', id: 'x', version: -1, op: 'put', data: {} })])],
  ])('a chunk with %s is a bad response, never data', async (_name, bad) => {
    const ok = chunk([line(flight({ id: 'F1', version: 1 }))]);
    await expect(client(page([ok, bad])).snapshot({ station: 'PHX', page: null, limit: 10 })).rejects.toBeInstanceOf(BadResponseError);
  });

  it('packed: false asks for decoded pages', async () => {
    const urls: string[] = [];
    await client(page([], [flight({ id: 'F1', version: 1 })]), urls).snapshot({ station: 'PHX', page: null, limit: 10, packed: false });
    expect(urls[0]).not.toContain('encoding');
  });
});
