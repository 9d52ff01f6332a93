import {
  WsServerFrameSchema,
  type Channel,
  type DeskClient,
  type EventName,
  type EventPayload,
  type RpcRequest,
  type RpcResponse,
  type RpcResult,
} from '../../../shared/rpc/contract.js';
import { launchToken } from './launch-token.js';

type Pending = { resolve: (r: RpcResult<unknown>) => void; timer: number };

/** `ws(s)://<page host>/rpc?t=<token>`. */
export const defaultRpcUrl = (): string =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?t=${encodeURIComponent(launchToken(location.search, sessionStorage))}`;

/**
 * The contract over a WebSocket (web mode): one socket to `/rpc?t=<token>` on the page's host,
 * reconnecting with backoff. A call made while disconnected waits for the socket (up to its
 * timeout) and answers `OFFLINE` rather than hanging.
 */
export function createWsClient(url = defaultRpcUrl(), timeoutMs = 30_000): DeskClient & { connected(): boolean } {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let retry = 250;
  let open = false;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();

  const connect = (): void => {
    ws = new WebSocket(url);
    ws.onopen = () => {
      open = true;
      retry = 250;
      for (const m of queue.splice(0)) ws?.send(m);
      // Resubscribe semantics are implicit (server broadcasts); tell the UI to refresh.
      for (const l of listeners.get('data:changed') ?? []) l({ kinds: ['*'], stations: [] });
    };
    ws.onmessage = (ev) => {
      const parsed = WsServerFrameSchema.safeParse(JSON.parse(String(ev.data)));
      if (!parsed.success) return;
      const f = parsed.data;
      if (f.type === 'reply') {
        const p = pending.get(f.id);
        if (!p) return;
        pending.delete(f.id);
        clearTimeout(p.timer);
        p.resolve(f.result as RpcResult<unknown>);
      } else {
        for (const l of listeners.get(f.event) ?? []) l(f.payload);
      }
    };
    ws.onclose = () => {
      open = false;
      ws = null;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  };
  connect();

  return {
    connected: () => open,
    invoke<C extends Channel>(channel: C, request: RpcRequest<C>): Promise<RpcResult<RpcResponse<C>>> {
      const id = nextId++;
      const msg = JSON.stringify({ type: 'call', id, channel, request });
      return new Promise((resolve) => {
        const timer = window.setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'OFFLINE', message: 'the desk service did not answer' } });
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (r: RpcResult<unknown>) => void, timer });
        if (open && ws) ws.send(msg);
        else queue.push(msg);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}
