import type { Desk } from '../../../src/main/services.js';
import type { Channel, RpcResult } from '../../../src/shared/rpc/contract.js';

/** Polls `fn` (awaited) every 50 ms until it is truthy; after `timeoutMs` throws `timed out waiting for <what>`. */
export async function until(fn: () => unknown, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One RPC to the desk's main process: its value, or an error `<channel>: <code> <message>`. */
export async function callDesk<T>(desk: Desk, channel: Channel, request: unknown = {}): Promise<T> {
  const r = (await desk.dispatch(channel, request)) as RpcResult<T>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
