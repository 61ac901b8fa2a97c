import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import type { ReactNode, RefObject, UIEvent } from 'react'

/** One column: its header, width (CSS grid track) and how a row renders in it (as text or nodes). */
export interface Column<Row> {
  id: string
  header: string
  width?: string
  cell: (row: Row) => ReactNode
  align?: 'right'
}

const ROW_HEIGHT = 34

/**
 * A table whose rows are virtual: only the visible ones are in the DOM, so a feed of 100,000 rows
 * scrolls like one of 50. Rows are buttons for the keyboard (Enter opens); `selected` is kept in
 * view. `onEndReached` asks for the next page when the last rows scroll into view (cursor paging).
 */
export function DataTable<Row>({
  rows,
  columns,
  rowKey,
  onRowClick,
  selected,
  onEndReached,
  label,
  height = '100%',
  scrollerRef,
  onScroll,
}: {
  rows: readonly Row[]
  columns: readonly Column<Row>[]
  rowKey: (row: Row) => string
  onRowClick?: (row: Row, index: number) => void
  selected?: number
  onEndReached?: () => void
  label: string
  height?: string
  /** The scrolling element, for views that follow or set the scroll position (a live feed). */
  scrollerRef?: RefObject<HTMLDivElement | null>
  onScroll?: (e: UIEvent<HTMLDivElement>) => void
}) {
  const own = useRef<HTMLDivElement>(null)
  const scroller = scrollerRef ?? own
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  })
  const items = virtualizer.getVirtualItems()
  const last = items.at(-1)?.index ?? -1
  useEffect(() => {
    if (onEndReached && rows.length > 0 && last >= rows.length - 5) onEndReached()
  }, [last, rows.length, onEndReached])
  useEffect(() => {
    if (selected !== undefined && selected >= 0)
      virtualizer.scrollToIndex(selected, { align: 'auto' })
  }, [selected, virtualizer])
  const template = columns.map((c) => c.width ?? 'minmax(80px, 1fr)').join(' ')
  return (
    <div className="table" role="table" aria-label={label} aria-rowcount={rows.length}>
      <div className="table-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.id} role="columnheader" className={c.align === 'right' ? 'right' : undefined}>
            {c.header}
          </div>
        ))}
      </div>
      <div className="table-scroll" ref={scroller} style={{ height }} onScroll={onScroll}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]
            return (
              <div
                key={rowKey(row)}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={selected === item.index}
                tabIndex={onRowClick ? 0 : undefined}
                className={`table-row${selected === item.index ? ' selected' : ''}${onRowClick ? ' clickable' : ''}`}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT,
                }}
                onClick={onRowClick ? () => onRowClick(row, item.index) : undefined}
                onKeyDown={
                  onRowClick
                    ? (e) => {
                        if (e.key === 'Enter') onRowClick(row, item.index)
                      }
                    : undefined
                }
              >
                {columns.map((c) => (
                  <div key={c.id} role="cell" className={c.align === 'right' ? 'right' : undefined}>
                    {c.cell(row)}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
