import { json } from '@codemirror/lang-json';
import { forceLinting, linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { locateJsonPaths, rangeForIssue } from '../logic/json-locate.js';
import { useDeskStore } from '../store/index.js';

const DEBOUNCE_MS = 300;

/**
 * The JSON view of a version's content (CodeMirror 6): the whole document list, editable for a
 * draft. Syntax errors and every validation issue (local and the backend's) are lint marks at
 * their JSON path, on the field's key when it has one.
 */
export function PolicyJsonEditor({ content, readOnly }: { content: readonly unknown[]; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const issues = useDeskStore((s) => s.draftIssues);
  const draftError = useDeskStore((s) => s.draftError);
  const jsonText = useDeskStore((s) => s.draftJsonText);

  useEffect(() => {
    if (!host.current) return;
    let timer: number | null = null;
    const diagnostics = (v: EditorView): Diagnostic[] => {
      const s = useDeskStore.getState();
      const text = v.state.doc.toString();
      const out: Diagnostic[] = [];
      const jsonErr = s.draftJsonError;
      if (jsonErr) {
        const at = Math.min(jsonErr.at ?? 0, text.length);
        out.push({ from: at, to: Math.min(at + 1, text.length), severity: 'error', message: jsonErr.message, source: 'JSON' });
        return out;
      }
      const map = locateJsonPaths(text);
      const all = [...s.draftIssues];
      if (s.draftError?.path) all.push({ severity: 'error', code: 'schema', path: s.draftError.path, document: null, message: s.draftError.message });
      for (const i of all) {
        const r = rangeForIssue(map, i.path);
        if (!r) continue;
        const from = r.keyFrom ?? r.from;
        out.push({ from, to: Math.max(r.to, from + 1), severity: i.severity, message: `${i.message} (${i.code}, ${i.path})`, source: i.code });
      }
      return out;
    };
    // CodeMirror injects its styles; the page's CSP (style-src 'self') refuses <style> tags, so the
    // editor lives in a shadow root where style-mod uses constructable stylesheets instead.
    const shadow = host.current.shadowRoot ?? host.current.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    shadow.replaceChildren(parent);
    const v = new EditorView({
      parent,
      root: shadow,
      state: EditorState.create({
        doc: useDeskStore.getState().draftJsonText ?? JSON.stringify(content, null, 2),
        extensions: [
          basicSetup,
          json(),
          EditorView.theme({
            '&': { height: '60vh', fontSize: '13px', border: '1px solid #d7dbe2', borderRadius: '6px' },
            '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
          }),
          lintGutter(),
          linter(diagnostics, { delay: DEBOUNCE_MS + 100 }),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ 'aria-label': 'Policy content as JSON', 'data-testid': 'policy-json' }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged || readOnly) return;
            if (timer !== null) window.clearTimeout(timer);
            timer = window.setTimeout(() => {
              timer = null;
              useDeskStore.getState().setDraftJson(u.state.doc.toString());
            }, DEBOUNCE_MS);
          }),
        ],
      }),
    });
    view.current = v;
    /** Moves the cursor to an issue's path and scrolls it to the middle. */
    const goTo = (path: string): void => {
      const r = rangeForIssue(locateJsonPaths(v.state.doc.toString()), path);
      if (!r) return;
      const at = r.keyFrom ?? r.from;
      v.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    };
    const onGoTo = (e: Event) => goTo(String((e as CustomEvent).detail));
    window.addEventListener('jetway:policy-goto', onGoTo);
    // Opened with errors: show the first one.
    const first = useDeskStore.getState().draftIssues.find((i) => i.severity === 'error') ?? (useDeskStore.getState().draftError?.path ? { path: useDeskStore.getState().draftError!.path! } : null);
    if (first) goTo(first.path);
    return () => {
      window.removeEventListener('jetway:policy-goto', onGoTo);
      if (timer !== null) window.clearTimeout(timer);
      v.destroy();
      parent.remove();
      view.current = null;
    };
    // The editor is created once per version/mode; later content comes from the form or a reload (below).
  }, [readOnly]);

  // Content replaced from outside (reset, reload): show it, unless this editor produced it.
  useEffect(() => {
    const v = view.current;
    if (!v || jsonText !== null) return;
    const next = JSON.stringify(content, null, 2);
    if (v.state.doc.toString() !== next) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: next } });
  }, [content, jsonText]);

  // New issues (a backend check) re-run the lint.
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [issues, draftError]);

  return <div className="json-editor" ref={host} data-testid="policy-json-editor" />;
}
