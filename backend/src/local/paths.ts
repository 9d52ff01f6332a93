import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the npm workspace root): `.cache/`, `.jetway/` live there. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
