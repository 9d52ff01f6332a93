import { describe, expect, it, vi } from 'vitest';
import { filterFlights, matchesFlight } from '../../../src/renderer/src/logic/board-filter.js';
import { fuzzyFilter, fuzzyScore } from '../../../src/renderer/src/logic/fuzzy.js';
import { paletteActions, rankPalette } from '../../../src/renderer/src/logic/palette.js';
import type { BoardFlight } from '../../../src/shared/rpc/contract.js';

const f = (over: Partial<BoardFlight>): BoardFlight =>
  ({ id: 'x', carrier: 'SW', number: '9012', origin: 'PHX', destination: 'OAK', status: 'CANCELLED', gate: 'C4', ...over }) as BoardFlight;

describe('board filter', () => {
  it('matches flight number with or without carrier, airports, status words and gate', () => {
    const x = f({});
    for (const q of ['SW9012', 'sw 9012', '9012', 'oak', 'phx oak', 'cancel', 'c4', '  ']) expect(matchesFlight(x, q), q).toBe(true);
    for (const q of ['SW9013', 'lax', 'delayed', 'oak lax']) expect(matchesFlight(x, q), q).toBe(false);
  });
  it('an empty filter returns the same array (no copy, stable for selectors)', () => {
    const list = [f({ id: 'a' }), f({ id: 'b', destination: 'LAX' })];
    expect(filterFlights(list, '')).toBe(list);
    expect(filterFlights(list, 'lax').map((x) => x.id)).toEqual(['b']);
  });
});

describe('palette fuzzy matching', () => {
  it('needs the characters in order', () => {
    expect(fuzzyScore('gtq', 'Go to the queues')).not.toBeNull();
    expect(fuzzyScore('qtg', 'Go to the queues')).toBeNull();
  });
  it('ranks substrings at word starts first, then tighter matches', () => {
    const items = ['Sign out', 'Sync now', 'Go to the board', 'Search passengers'];
    expect(fuzzyFilter(items, 'sync', (s) => s)[0]).toBe('Sync now');
    expect(fuzzyFilter(items, 'board', (s) => s)).toEqual(['Go to the board']);
    expect(fuzzyFilter(items, 'so', (s) => s)[0]).toBe('Sign out');
  });
  it('keeps the order for an empty query and honours the limit', () => {
    expect(fuzzyFilter(['b', 'a', 'c'], '', (s) => s, 2)).toEqual(['b', 'a']);
  });
});

describe('palette actions never move money', () => {
  const prefs = { themes: ['light', 'dark'], setTheme: vi.fn(), languages: [{ code: 'en', name: 'English' }], setLanguage: vi.fn(), focusSearch: vi.fn() };
  const t = (k: string) => k;
  const state = (entitlement: Record<string, unknown>, role = 'agent') => ({
    session: { role },
    view: 'board',
    caseData: { entitlements: [{ id: 'E1', status: 'OFFERED', syncState: 'none', ...entitlement }] },
    entitlementIndex: 0,
    issuing: [],
    board: { flights: [{ id: 'F1', carrier: 'SW', number: '9012', origin: 'PHX', destination: 'OAK', status: 'CANCELLED' }] },
    boardFilter: '',
    issue: vi.fn(),
    setView: vi.fn(),
    openDialog: vi.fn(),
    search: vi.fn(async () => undefined),
    syncNow: vi.fn(async () => undefined),
    toggleHelp: vi.fn(),
    signOut: vi.fn(async () => undefined),
    setBoardFilter: vi.fn(),
    select: vi.fn(),
    openFlight: vi.fn(async () => undefined),
  });

  it.each([
    ['cash (confirmation)', { type: 'cash', controls: null }, 'issue'],
    ['meal that `i` would issue directly', { type: 'meal', controls: null }, 'issue'],
    [
      'cash above the limit',
      { type: 'cash', controls: { value: { amountMinor: 1, currency: 'EUR' }, isCash: true, needsConfirmation: true, voucherNeedsAgreement: true, blockedBy: { code: 'LIMIT_EXCEEDED', message: 'm' }, canRequestApproval: true } },
      'request',
    ],
  ])('%s: the entry opens the %s dialog and issues nothing', (_name, ent, kind) => {
    const s = state(ent);
    const actions = paletteActions(s as never, t, 'x', prefs);
    const entry = actions.find((a) => a.id === `${kind}-dialog`);
    expect(entry).toBeDefined();
    entry!.run();
    expect(s.openDialog).toHaveBeenCalledWith({ kind, entitlementId: 'E1' });
    expect(s.issue).not.toHaveBeenCalled();
  });

  it('offers views by role, flights once something is typed, and search with the query', () => {
    const agent = paletteActions(state({ type: 'cash', controls: null }) as never, t, '', prefs).map((a) => a.id);
    expect(agent).toContain('go-queues');
    expect(agent).not.toContain('go-approvals');
    expect(agent).not.toContain('go-policies');
    expect(agent.some((id) => id.startsWith('flight-'))).toBe(false);
    const admin = paletteActions(state({ type: 'cash', controls: null }, 'admin') as never, t, '9012', prefs);
    expect(admin.map((a) => a.id)).toEqual(expect.arrayContaining(['go-approvals', 'go-policies', 'go-users', 'search', 'flight-F1']));
    const s = state({ type: 'cash', controls: null });
    paletteActions(s as never, t, '9012', prefs).find((a) => a.id === 'flight-F1')!.run();
    expect(s.openFlight).toHaveBeenCalledWith('F1');
    expect(s.select).toHaveBeenCalledWith('board', 0);
  });

  it('ranks matches first; passenger search is always offered last, never outranking a command', () => {
    const s = state({ type: 'cash', controls: null }, 'supervisor');
    const ranked = rankPalette(paletteActions(s as never, (k: string) => k, 'gtq', prefs), 'gtq', 50);
    const labelled = paletteActions(s as never, (k: string, o?: Record<string, unknown>) => (k === 'go.queues' ? 'Go to the queues' : `${k} ${JSON.stringify(o ?? {})}`), 'gtq', prefs);
    expect(rankPalette(labelled, 'gtq', 50)[0]!.id).toBe('go-queues');
    expect(ranked[ranked.length - 1]!.id).toBe('search');
    expect(rankPalette(labelled, 'zzzz', 50).map((a) => a.id)).toEqual(['search']);
  });
});
