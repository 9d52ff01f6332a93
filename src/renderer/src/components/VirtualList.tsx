import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  selectedIndex: number;
  renderRow(item: T, index: number, selected: boolean): ReactNode;
  getKey(item: T): string;
  testId?: string;
  overscan?: number;
}

/**
 * A fixed-row-height virtualized list: only the rows in view (plus overscan) are in the DOM,
 * so a 300-passenger flight renders as fast as a 10-passenger one. Keeps the selected row
 * scrolled into view for keyboard navigation.
 */
export function VirtualList<T>({ items, rowHeight, selectedIndex, renderRow, getKey, testId, overscan = 8 }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [selectedIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i += 1) {
    const item = items[i]!;
    rows.push(
      <div key={getKey(item)} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(item, i, i === selectedIndex)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="vlist"
      data-testid={testId}
      data-total={items.length}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
