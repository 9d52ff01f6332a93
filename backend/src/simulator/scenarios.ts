/**
 * FlightPulse's scenarios 1–5, read from the shared sample files (events/scenario<N>-*.json).
 * `verbatim` returns each array element as `JSON.stringify` prints it (the bytes sent);
 * otherwise events are re-dated to `date` with fresh ids (events.ts `redateEvent`) and serialized
 * as FlightPulse's Python producer does (`pythonJsonDumps`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlightPulseEventSchema, pythonJsonDumps, redateEvent, type FlightPulseEvent } from './events.js';

export const SCENARIO_NUMBERS = [1, 2, 3, 4, 5] as const;

/** repoRoot/../shared/data/flightpulse, or $JETWAY_FLIGHTPULSE_DIR. */
export function flightPulseDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JETWAY_FLIGHTPULSE_DIR) return env.JETWAY_FLIGHTPULSE_DIR;
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.resolve(repoRoot, '../shared/data/flightpulse');
}

export function scenarioFile(n: number, dataDir = flightPulseDataDir()): string {
  const dir = path.join(dataDir, 'events');
  const name = readdirSync(dir).find((f) => f.startsWith(`scenario${n}-`) && f.endsWith('.json'));
  if (!name) throw new Error(`no scenario ${n} in ${dir}`);
  return path.join(dir, name);
}

/** The scenario file's array elements, unparsed (for byte-for-byte sending). */
export function readScenarioRaw(n: number, dataDir?: string): unknown[] {
  const raw: unknown = JSON.parse(readFileSync(scenarioFile(n, dataDir), 'utf8'));
  if (!Array.isArray(raw)) throw new Error(`scenario ${n}: expected a JSON array`);
  return raw;
}

export interface ScenarioMessage {
  value: string;
  event: FlightPulseEvent;
}

export function scenarioMessages(
  n: number,
  opts: { verbatim: boolean; date: string; dataDir?: string },
): ScenarioMessage[] {
  return readScenarioRaw(n, opts.dataDir).map((raw, i) => {
    const parsed = FlightPulseEventSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`scenario ${n} event ${i}: ${parsed.error.message}`);
    if (opts.verbatim) return { value: JSON.stringify(raw), event: parsed.data };
    const event = redateEvent(parsed.data, opts.date);
    return { value: pythonJsonDumps(event), event };
  });
}
