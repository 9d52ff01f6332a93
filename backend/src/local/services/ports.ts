/**
 * Port picking for the local cloud. Everything is free-picked by default so a test suite can
 * run while `npm run cloud` is up; an explicitly requested port that is taken is an error that
 * says so (never silently another port).
 */
import net from 'node:net';
import { ServiceError } from './process.js';

export const LOCAL_HOST = '127.0.0.1';

/** Asks the OS for a free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export function freePort(host = LOCAL_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** True if `port` can be bound on `host` right now. */
export function isPortFree(port: number, host = LOCAL_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Throws a ServiceError naming the service and what to do if an explicitly requested port is taken. */
export async function assertPortFree(port: number, service: string, host = LOCAL_HOST): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ServiceError(`${service}: port ${port} is not a valid TCP port (1–65535).`, service);
  }
  if (!(await isPortFree(port, host))) {
    throw new ServiceError(
      `${service}: port ${port} on ${host} is already in use. Free it (\`ss -ltnp 'sport = :${port}'\` shows the owner) ` +
        `or ask for another port (leave it unset to pick a free one).`,
      service,
    );
  }
}

/** The requested port (checked free) or a free-picked one. */
export async function resolvePort(requested: number | undefined, service: string): Promise<number> {
  if (requested !== undefined && requested !== 0) {
    await assertPortFree(requested, service);
    return requested;
  }
  return freePort();
}

/** Resolves once a TCP connection to host:port succeeds. */
export function canConnect(port: number, host = LOCAL_HOST, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
