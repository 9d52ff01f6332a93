import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The backend package root (manifest entries are relative to it). */
export const BACKEND_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (npm workspace root, holds package-lock.json). */
export const REPO_ROOT = path.resolve(BACKEND_ROOT, '..');
export const STATE_MACHINES_DIR = path.join(BACKEND_ROOT, 'src', 'workflows', 'statemachines');
