import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (…/main) and FlightPulse's sample data beside it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const flightpulseDir = path.resolve(repoRoot, '../shared/data/flightpulse');
export const flightpulseEventsDir = path.join(flightpulseDir, 'events');
