import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/** One line or bar series: its label, values aligned with `x`, and a CSS colour variable. */
export interface ChartSeries {
  label: string
  values: (number | null)[]
  color: string
  bars?: boolean
  format?: (v: number) => string
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
}

/**
 * A time-series chart on uPlot (22 KB gzipped, canvas, fast at thousands of points). `x` is in
 * epoch seconds. It follows its container's width and the page's light or dark colours.
 */
export function Chart({
  x,
  series,
  height = 220,
  label,
}: {
  x: number[]
  series: ChartSeries[]
  height?: number
  label: string
}) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const axis = {
      stroke: cssVar('--muted'),
      grid: { stroke: cssVar('--grid') },
      ticks: { stroke: cssVar('--grid') },
    }
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        axis,
        {
          ...axis,
          size: 60,
          values: (_u, vals) =>
            vals.map((v) => (series[0]?.format ? series[0].format(v) : String(v))),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.color),
          fill: s.bars ? cssVar(s.color) : undefined,
          width: s.bars ? 0 : 2,
          paths: s.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined,
          value: (_u: uPlot, v: number | null) =>
            v === null ? '—' : s.format ? s.format(v) : String(v),
        })),
      ],
    }
    const plot = new uPlot(options, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el)
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 200), height }),
    )
    observer.observe(el)
    return () => {
      observer.disconnect()
      plot.destroy()
    }
  }, [x, series, height])
  return <div className="chart" ref={box} role="img" aria-label={label} />
}
