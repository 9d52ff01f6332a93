import type { BoardFlight, EntitlementView, Session } from '../../../shared/rpc/contract.js';
import { fuzzyFilter } from './fuzzy.js';
import { isSupervisor, issueKeyAction } from './money.js';
import type { View } from './queues.js';

export interface PaletteAction {
  id: string;
  label: string;
  /** Extra words it is found by. */
  keywords?: string;
  /** Group shown on the right. */
  group: string;
  /** Listed whatever the query (after the matches), not matched against it. */
  always?: boolean;
  run(): void;
}

/** What the palette reads and calls of the desk store (structural: this module stays DOM-free). */
export interface PaletteState {
  session: Pick<Session, 'role'> | null;
  view: View;
  caseData: { entitlements: Pick<EntitlementView, 'id' | 'type' | 'controls' | 'status' | 'syncState'>[] } | null;
  entitlementIndex: number;
  issuing: string[];
  board: { flights: BoardFlight[] } | null;
  boardFilter: string;
  setView(view: View): void;
  openDialog(d: { kind: 'issue' | 'request'; entitlementId: string }): void;
  search(query: string): Promise<void>;
  syncNow(): Promise<void>;
  toggleHelp(force?: boolean): void;
  signOut(): Promise<void>;
  setBoardFilter(filter: string): void;
  select(zone: 'board', index: number): void;
  openFlight(id: string): Promise<void>;
}

export interface PalettePrefs {
  themes: readonly string[];
  setTheme(theme: string): void;
  languages: readonly { code: string; name: string }[];
  setLanguage(code: string): void;
  /** Puts the passenger search box in focus (after the query is set). */
  focusSearch(): void;
}

type Translate = (key: string, opts?: Record<string, unknown>) => string;

/**
 * The palette's actions for the current state. Nothing here moves money: the case entry opens
 * the same confirmation (or approval-request) dialog the money path of the `i` key opens, even for
 * an entitlement `i` would issue directly; approve, deny and void are not palette actions.
 */
export function paletteActions(s: PaletteState, t: Translate, query: string, prefs: PalettePrefs): PaletteAction[] {
  const go = t('group.go');
  const out: PaletteAction[] = [
    { id: 'go-board', group: go, label: t('go.board'), keywords: 'flights station', run: () => s.setView('board') },
    { id: 'go-queues', group: go, label: t('go.queues'), keywords: 'cases mine unassigned', run: () => s.setView('queues') },
  ];
  if (isSupervisor(s.session))
    out.push({ id: 'go-approvals', group: go, label: t('go.approvals'), keywords: 'team load', run: () => s.setView('approvals') });
  if (s.session?.role === 'admin') {
    out.push({ id: 'go-policies', group: go, label: t('go.policies'), keywords: 'rules', run: () => s.setView('policies') });
    out.push({ id: 'go-users', group: go, label: t('go.users'), keywords: 'roles stations', run: () => s.setView('users') });
  }
  const e = s.caseData?.entitlements[s.entitlementIndex];
  if (e) {
    const how = issueKeyAction(e, s.issuing.includes(e.id));
    if (how === 'confirm' || how === 'issue')
      out.push({
        id: 'issue-dialog',
        group: t('group.case'),
        label: t('case.issue', { type: e.type }),
        keywords: 'issue money compensation',
        run: () => s.openDialog({ kind: 'issue', entitlementId: e.id }),
      });
    else if (how === 'request')
      out.push({
        id: 'request-dialog',
        group: t('group.case'),
        label: t('case.request', { type: e.type }),
        keywords: 'approval supervisor',
        run: () => s.openDialog({ kind: 'request', entitlementId: e.id }),
      });
  }
  const q = query.trim();
  if (q)
    out.push({
      id: 'search',
      group: t('group.search'),
      label: t('search.passenger', { query: q }),
      always: true,
      run: () => {
        void s.search(q);
        prefs.focusSearch();
      },
    });
  const desk = t('group.desk');
  out.push(
    { id: 'sync', group: desk, label: t('desk.sync'), keywords: 'refresh pull', run: () => void s.syncNow() },
    { id: 'help', group: desk, label: t('desk.help'), keywords: 'keyboard shortcuts ?', run: () => s.toggleHelp(true) },
  );
  for (const th of prefs.themes)
    out.push({
      id: `theme-${th}`,
      group: t('group.prefs'),
      label: t('prefs.theme', { theme: t(`theme.${th}`) }),
      keywords: 'theme colour color dark light',
      run: () => prefs.setTheme(th),
    });
  for (const l of prefs.languages)
    out.push({
      id: `lang-${l.code}`,
      group: t('group.prefs'),
      label: t('prefs.language', { language: l.name }),
      keywords: `language idioma ${l.code}`,
      run: () => prefs.setLanguage(l.code),
    });
  out.push({ id: 'signout', group: desk, label: t('desk.signOut'), keywords: 'log out logout exit', run: () => void s.signOut() });
  // Flights on the board: offered once something is typed (found by number, route or status).
  const flights = s.board?.flights ?? [];
  if (q)
    flights.forEach((f, i) =>
      out.push({
        id: `flight-${f.id}`,
        group: t('group.flight'),
        label: t('flight.open', { flight: `${f.carrier}${f.number}`, route: `${f.origin} → ${f.destination}` }),
        keywords: `${f.carrier} ${f.number} ${f.status.toLowerCase()}`,
        run: () => {
          if (s.view !== 'board') s.setView('board');
          if (s.boardFilter) s.setBoardFilter('');
          s.select('board', i);
          void s.openFlight(f.id);
        },
      }),
    );
  return out;
}

/** The list the palette shows: the fuzzy matches, best first, then the `always` entries (passenger search). */
export function rankPalette(actions: readonly PaletteAction[], query: string, limit: number): PaletteAction[] {
  const always = actions.filter((a) => a.always);
  const matched = fuzzyFilter(
    actions.filter((a) => !a.always),
    query,
    (a) => `${a.label} ${a.keywords ?? ''}`,
    limit - always.length,
  );
  return [...matched, ...always];
}
