import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useEffect, useRef, type CSSProperties, type ReactNode, type Ref } from 'react';
import './lists.css';

/** What a virtual row spreads onto its own root element (the `option`). */
export interface OptionProps {
  id: string;
  role: 'option';
  'aria-selected': boolean;
  'aria-setsize': number;
  'aria-posinset': number;
  'data-index': number;
  ref: Ref<HTMLElement>;
  style: CSSProperties;
}

interface Props<T> {
  items: readonly T[];
  /** Estimated row height in px; rows are measured after render, so it need not be exact. */
  rowHeight: number;
  /** The keyboard selection (-1: none). Kept scrolled into view. */
  selectedIndex: number;
  /** The row; spread `option` onto its root element (it carries role, ids, aria and position). */
  renderRow(item: T, index: number, selected: boolean, option: OptionProps): ReactNode;
  getKey(item: T): string;
  /** Accessible name of the listbox. */
  label: string;
  /** Prefix of the option ids (`<idPrefix>-<index>`), unique in the page. */
  idPrefix: string;
  /** data-testid of the scrolling element. */
  testId?: string;
  /** data-testid of the listbox element. */
  listTestId?: string;
  /** DOM id of the listbox element (to focus it, or for aria-controls). */
  listId?: string;
  className?: string;
  /** `ul` (rows are `li`) or `div`. */
  as?: 'ul' | 'div';
  /** The listbox took keyboard focus (e.g. make its list the active keyboard zone). */
  onFocus?(): void;
  /** Every row is exactly `rowHeight` tall (no measuring). */
  fixed?: boolean;
  overscan?: number;
}

const noRef = (): void => undefined;

/**
 * A virtualized listbox (TanStack Virtual): only the rows in view (plus overscan) are in the DOM,
 * so a 2,000-flight board or a 300-passenger flight renders as fast as a 10-row one. The listbox
 * is one tab stop and points at the selected row with aria-activedescendant; each rendered row is
 * an option with aria-setsize / aria-posinset, so assistive technology announces "12 of 2000"
 * although only ~30 rows exist. Keyboard movement (j/k, arrows, Enter) stays in useShortcuts:
 * this component only keeps the selection in view.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  selectedIndex,
  renderRow,
  getKey,
  label,
  idPrefix,
  testId,
  listTestId,
  listId,
  className,
  as = 'div',
  onFocus,
  fixed = false,
  overscan = 8,
}: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (i) => getKey(items[i]!),
    overscan,
    // Before the first measurement (and in tests without layout) render a screenful.
    initialRect: { width: 0, height: 800 },
  });

  useEffect(() => {
    if (selectedIndex >= 0 && selectedIndex < items.length) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, items.length, virtualizer]);

  const active = selectedIndex >= 0 && selectedIndex < items.length ? `${idPrefix}-${selectedIndex}` : undefined;
  const List = as;
  return (
    <div ref={scrollRef} className={`vlist ${className ?? ''}`} data-testid={testId} data-total={items.length}>
      <List
        role="listbox"
        aria-label={label}
        aria-activedescendant={active}
        tabIndex={0}
        id={listId}
        className="vlist-inner"
        data-testid={listTestId}
        onFocus={onFocus}
        style={{ height: virtualizer.getTotalSize(), position: 'relative', margin: 0, padding: 0, listStyle: 'none' }}
      >
        {virtualizer.getVirtualItems().map((v) => (
          <Fragment key={v.key}>
            {renderRow(items[v.index]!, v.index, v.index === selectedIndex, {
              id: `${idPrefix}-${v.index}`,
              role: 'option',
              'aria-selected': v.index === selectedIndex,
              'aria-setsize': items.length,
              'aria-posinset': v.index + 1,
              'data-index': v.index,
              ref: fixed ? noRef : virtualizer.measureElement,
              style: {
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${v.start}px)`,
                ...(fixed ? { height: rowHeight } : {}),
              },
            })}
          </Fragment>
        ))}
      </List>
    </div>
  );
}
