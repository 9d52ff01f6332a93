/**
 * Commits of one process to a station's change log take turns. Every commit to a station bumps
 * its counter conditionally (data/changelog.ts), so two writers of this process racing for it
 * means one transaction of up to 100 items is sent only to be cancelled and sent again; with
 * the concurrent iterations of an inline Map that wasted most of a fan-out's time. Waiting for
 * the turn costs nothing the counter would not have cost anyway. Writers in other processes
 * (another Lambda, ingest) still race, and the change log's retry handles them.
 *
 * Turns are taken station by station in sorted order, so two writers never wait on each other.
 */
const tails = new Map<string, Promise<void>>();

async function take(station: string): Promise<() => void> {
  const prev = tails.get(station) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = prev.then(() => mine);
  tails.set(station, tail);
  await prev;
  return () => {
    release();
    if (tails.get(station) === tail) tails.delete(station);
  };
}

/** Runs `fn` once this process holds the turn of every station in `stations`. */
export async function inStationTurn<T>(stations: readonly string[], fn: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const st of [...new Set(stations)].sort()) releases.push(await take(st));
    return await fn();
  } finally {
    for (const r of releases.reverse()) r();
  }
}
