import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** One column of a table of records: its header, what it shows of a record, and its class (numeric, nowrap) for both. */
export interface Column<T> {
  head: ReactNode;
  cell(item: T): ReactNode;
  className?: string;
  /** The column that names each row, read out as the row's header. */
  rowHeader?: boolean;
}

/**
 * A table wider than the page (a list on a phone) scrolls sideways inside this box, never the page
 * itself. While it has something to scroll to, the box is a region named by the table's caption
 * (`labelledBy`) that a keyboard can reach and scroll; while the table fits, it is a plain box, no
 * tab stop and no landmark.
 */
export function TableScroll({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setOverflows(element.scrollWidth > element.clientWidth + 1);
    measure();
    // The box narrows with the window; the table widens as rows come.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    for (const child of element.children) observer.observe(child);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="table-scroll" {...(overflows ? { role: 'region', 'aria-labelledby': labelledBy, tabIndex: 0 } : {})}>
      {children}
    </div>
  );
}

/**
 * Records as a table, a row each, with a caption for screen readers; nothing at all while there
 * are no records (the count above says so). The page says only its columns. A table wider than
 * the page scrolls in its own box (`TableScroll`).
 */
export function ItemTable<T>({ caption, columns, items, rowKey, rowClassName, className = 'table' }: { caption: ReactNode; columns: ReadonlyArray<Column<T> | false>; items: readonly T[]; rowKey(item: T): string | number; rowClassName?(item: T): string | undefined; className?: string }) {
  const captionId = useId();
  if (items.length === 0) return null;
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <TableScroll labelledBy={captionId}>
      <table className={className}>
        <caption id={captionId} className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {shown.map((c, i) => (
              <th key={i} scope="col" className={c.className}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={rowKey(item)} className={rowClassName?.(item)}>
              {shown.map((c, i) =>
                c.rowHeader ? (
                  <th key={i} scope="row" className={c.className}>
                    {c.cell(item)}
                  </th>
                ) : (
                  <td key={i} className={c.className}>
                    {c.cell(item)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
