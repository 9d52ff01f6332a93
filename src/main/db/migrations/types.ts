import type { Database } from 'better-sqlite3-multiple-ciphers';

/**
 * One forward-only schema step. Files are numbered in steps of 10 (`0010-…`, `0020-…`) and
 * never edited once shipped; `version` is what PRAGMA user_version holds after `up` ran.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
