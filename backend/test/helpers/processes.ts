import { isPidAlive } from '../../src/local/services/process.js';

/** Waits until every pid has exited (or the timeout passes); returns the ones still alive. */
export async function waitForDeath(pids: number[], timeoutMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isPidAlive);
  while (alive.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter(isPidAlive);
  }
  return alive;
}
