import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsCallFrameSchema } from '../../shared/rpc/contract.js';
import { webKeyProvider } from '../db/keys.js';
import { createDesk, type Desk, type DeskConfig } from '../services.js';

export interface DeskServerOptions extends Omit<DeskConfig, 'dataDir' | 'apiUrl' | 'cognito'> {
  dataDir: string;
  apiUrl: string;
  cognito: DeskConfig['cognito'];
  /** 0 or omitted = a free port. */
  port?: number;
  host?: string;
  /** Built renderer (index.html + assets). Defaults to `out/renderer` at the repo root. */
  rendererDir?: string;
}

export interface DeskServer {
  /** The URL to open: the page's origin with this launch's token (`http://127.0.0.1:PORT/?t=TOKEN`). */
  url: string;
  /** The exact Origin a WebSocket must present (`http://127.0.0.1:PORT`). */
  origin: string;
  /** The per-launch token (random, 32 bytes, base64url); required on the WebSocket URL. */
  token: string;
  /** The WebSocket RPC endpoint with the token (`ws://127.0.0.1:PORT/rpc?t=TOKEN`). */
  rpcUrl: string;
  desk: Desk;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RENDERER_DIR = path.resolve(here, '../../../out/renderer');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Constant-time comparison of a presented token with the launch token. */
function tokenMatches(presented: string | null, token: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Web mode: the desk's services in this Node process, the built renderer as static files and
 * the RPC contract over a WebSocket at `/rpc` (same dispatch as Electron IPC). Binds to
 * loopback. A WebSocket is accepted only with this launch's random token (`?t=`, from the
 * printed URL) AND the exact Origin of that URL; no Origin is refused too (a local process or
 * another page on the PC cannot drive the desk without the token, a page elsewhere not at all).
 * Static files stay open: they are the public renderer bundle and hold no data.
 */
export async function startDeskServer(opts: DeskServerOptions): Promise<DeskServer> {
  const host = opts.host ?? '127.0.0.1';
  const rendererDir = path.resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  // Web mode requires a key: without one given, JETWAY_DESK_SECRET or a secret file, else a
  // clear refusal (src/main/db/keys.ts). Never a plaintext database.
  const desk = createDesk({ ...opts, keyProvider: opts.keyProvider ?? webKeyProvider({ dataDir: opts.dataDir }) });
  const sockets = new Set<WebSocket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(rendererDir, `.${rel}`);
    // A bare prefix test would also admit siblings (`out/renderer-old/…` starts with `out/renderer`).
    if (file !== rendererDir && !file.startsWith(rendererDir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(rendererDir, 'index.html'); // SPA fallback
    if (!fs.existsSync(file)) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('renderer not built: run `npm run build:web`');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    fs.createReadStream(file).pipe(res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const token = crypto.randomBytes(32).toString('base64url');

  const wss = new WebSocketServer({
    server,
    path: '/rpc',
    maxPayload: 1024 * 1024,
    verifyClient: (
      info: { origin?: string; req: http.IncomingMessage },
      done: (ok: boolean, code?: number, message?: string) => void,
    ) => {
      const presented = new URL(info.req.url ?? '/', 'http://x').searchParams.get('t');
      if (!tokenMatches(presented, token)) return done(false, 401, 'Unauthorized');
      if (info.origin !== origin) return done(false, 403, 'Forbidden');
      done(true);
    },
  });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // ws reports a protocol violation (frame over maxPayload, invalid UTF-8 text, bad opcode) as
    // an 'error' event and then closes the socket with the right code; with no listener the
    // EventEmitter throws and one hostile frame takes the whole desk process down.
    ws.on('error', () => undefined);
    ws.on('message', (raw) => {
      let frame;
      try {
        frame = WsCallFrameSchema.parse(JSON.parse(String(raw)));
      } catch {
        ws.close(1003, 'malformed frame');
        return;
      }
      void desk.dispatch(frame.channel, frame.request).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id: frame.id, result }));
      });
    });
  });
  const offEvents = desk.onEvent((event, payload) => {
    const msg = JSON.stringify({ type: 'event', event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(msg);
  });

  return {
    url: `${origin}/?t=${token}`,
    origin,
    token,
    rpcUrl: `${origin.replace(/^http/, 'ws')}/rpc?t=${token}`,
    desk,
    async stop() {
      offEvents();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await desk.close();
    },
  };
}
