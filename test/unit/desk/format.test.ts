import { describe, expect, it } from 'vitest';
import { CommandTypeSchema } from '../../../src/shared/sync/protocol.js';
import { commandLabel, time } from '../../../src/renderer/src/format.js';

const COMMAND_TYPES = CommandTypeSchema.options;

// A date far from "today" in every zone, so the day prefix is always shown.
const SUMMER = '2025-07-01T15:30:00Z';

describe('time(): station-local times on the desk', () => {
  it.each([
    ['PHX (Arizona, no DST: UTC−7)', 'PHX', '07-01 08:30'],
    ['LHR (BST in July: UTC+1)', 'LHR', '07-01 16:30'],
    ['YYZ (EDT: UTC−4)', 'YYZ', '07-01 11:30'],
    ['DEL (UTC+5:30)', 'DEL', '07-01 21:00'],
    ['AKL (NZST: UTC+12, next day)', 'AKL', '07-02 03:30'],
  ])('%s', (_name, iata, expected) => {
    expect(time(SUMMER, iata)).toBe(expected);
  });

  it('falls back to UTC with Z for an unknown airport or none', () => {
    expect(time(SUMMER, 'ZZZ')).toBe('07-01 15:30Z');
    expect(time(SUMMER)).toBe('07-01 15:30Z');
  });

  it('shows only HH:MM for today at the station', () => {
    const now = new Date();
    now.setUTCSeconds(0, 0);
    expect(time(now.toISOString(), 'LHR')).toMatch(/^\d\d:\d\d$/);
  });

  it('never throws on missing or bad input', () => {
    expect(time(null, 'PHX')).toBe('—');
    expect(time('not a time', 'PHX')).toBe('—');
  });
});

describe('commandLabel', () => {
  it('names every command type in plain words and keeps an unknown type as is', () => {
    for (const t of COMMAND_TYPES) expect(commandLabel(t)).not.toBe(t);
    expect(commandLabel('somethingNew')).toBe('somethingNew');
  });
});
