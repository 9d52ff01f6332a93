/**
 * Child processes of the local cloud (Java services, cognito-local). Each child runs in its own
 * process group (detached) so stopping it also stops anything it forked, its output goes to a log
 * file in the data dir, and every live child is killed when this process exits or receives
 * SIGINT/SIGTERM — the local cloud never leaves orphans behind. Even a SIGKILLed owner (a test
 * runner killing a worker on timeout) is covered: a tiny detached "reaper" process holds a pipe
 * from the owner and kills the registered process groups when that pipe closes.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Writable } from 'node:stream';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A service failed to start or crashed; the message says what to do and where the log is. */
export class ServiceError extends Error {
  constructor(
    message: string,
    readonly service: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Last lines of the log file, for error messages. */
  logTail(lines?: number): string;
}

const live = new Set<ManagedProcess>();
let handlersInstalled = false;
/** Set once this process is going down: child exits are then expected, not crashes. */
let ownerExiting = false;

type CrashListener = (p: ManagedProcess, exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
const crashListeners = new Set<CrashListener>();

/**
 * Called when a managed child exits without stop() having been asked for it (and this process is
 * not itself exiting): a service crashed. Returns an unsubscribe function.
 */
export function onUnexpectedExit(listener: CrashListener): () => void {
  crashListeners.add(listener);
  return () => crashListeners.delete(listener);
}

/** Pids of every child this process started and has not yet seen exit (tests assert none leak). */
export const livePids = (): number[] => [...live].map((p) => p.pid);

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * The reaper: `+pid` / `-pid` lines on stdin register process groups; when stdin ends (the owner
 * is gone, however it died) it sends SIGTERM to every registered group, SIGKILL 3 s later, and
 * exits. It polls nothing and costs one idle Node process per owner.
 */
const REAPER_SOURCE = `
const groups = new Set();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const pid = Number(line.slice(1));
    if (line[0] === '+') groups.add(pid); else groups.delete(pid);
  }
});
const kill = (sig) => { for (const g of groups) { try { process.kill(-g, sig); } catch {} } };
process.stdin.on('end', () => { kill('SIGTERM'); setTimeout(() => { kill('SIGKILL'); process.exit(0); }, 3000); });
process.on('SIGINT', () => {}); process.on('SIGHUP', () => {});
`;

let reaper: ChildProcessByStdio<Writable, null, null> | null = null;

function reaperSend(line: string): void {
  try {
    if (!reaper) {
      // ELECTRON_RUN_AS_NODE: inside the desk's Electron main, execPath is Electron itself.
      reaper = spawn(process.execPath, ['-e', REAPER_SOURCE], {
        stdio: ['pipe', 'ignore', 'ignore'],
        detached: true,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      reaper.on('error', () => (reaper = null));
      reaper.stdin.on('error', () => {});
      reaper.unref();
      (reaper.stdin as Writable & { unref?: () => void }).unref?.();
    }
    reaper.stdin.write(`${line}\n`);
  } catch {
    // Best effort: the exit handlers below still cover every exit but SIGKILL.
  }
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing that reliably works there.
  process.on('exit', () => {
    ownerExiting = true;
    for (const p of live) killGroup(p.pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A graceful shutdown of the owner (the CLI's, start-web's) handles the signal too: it stops
      // the app before the services, so nothing in flight meets a database already gone. The
      // services are its to stop; whatever is left when the owner exits gets the 'exit' handler's
      // SIGKILL, and an owner that dies the hard way, the reaper.
      if (process.listenerCount(signal) > 1) return;
      // Nobody else handles it: behave like the default handler and exit, after the children
      // were told to stop.
      ownerExiting = true;
      for (const p of live) killGroup(p.pid, 'SIGTERM');
      setTimeout(() => process.exit(signal === 'SIGINT' ? 130 : 143), 200).unref();
    });
  }
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}

/** Starts a child in its own process group with stdout/stderr appended to `logFile`. */
export function spawnManaged(opts: SpawnOptions): ManagedProcess {
  installExitHandlers();
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  let running = true;
  let resolveExit!: (v: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (resolveExit = r));
  const spawnError = new Promise<Error>((r) => child.once('error', r));
  void spawnError.then(() => {
    running = false;
    live.delete(managed);
    resolveExit({ code: -1, signal: null });
  });
  child.once('exit', (code, signal) => {
    running = false;
    live.delete(managed);
    if (child.pid) reaperSend(`-${child.pid}`);
    // Anything the child forked in its group goes too.
    if (child.pid) killGroup(child.pid, 'SIGKILL');
    resolveExit({ code, signal });
    if (!stopping && !ownerExiting) for (const l of crashListeners) l(managed, { code, signal });
  });
  let stopping: Promise<void> | null = null;
  const managed: ManagedProcess = {
    name: opts.name,
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    child,
    exited,
    isRunning: () => running,
    stop(graceMs = 5000) {
      if (stopping) return stopping;
      stopping = (async () => {
        if (!running || !child.pid) return;
        killGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
    logTail(lines = 25) {
      try {
        return readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
  if (child.pid) {
    live.add(managed);
    reaperSend(`+${child.pid}`);
  }
  return managed;
}

/** True if a process with this pid exists (signal 0 probes without signalling). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Polls `probe` until it returns true, failing fast (with the log tail) if the process exits
 * first, or after `timeoutMs`.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 200, hint = '' }: { timeoutMs?: number; intervalMs?: number; hint?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.isRunning()) {
      const { code, signal } = await proc.exited;
      throw new ServiceError(
        `${proc.name} exited during start-up (code ${code}, signal ${signal}). Log ${proc.logFile}:\n${proc.logTail()}${hint ? `\n${hint}` : ''}`,
        proc.name,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      await proc.stop(1000);
      throw new ServiceError(
        `${proc.name} did not become ready within ${Math.round(timeoutMs / 1000)} s. Log ${proc.logFile}:\n${proc.logTail()}${hint ? `\n${hint}` : ''}`,
        proc.name,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Logs a first-use fetch of a service (setup-services), quiet when the cache is already there. */
export const fetchLog = (line: string): void => {
  if (!line.includes(': cached')) console.error(`[setup] ${line}`);
};
