// One chart of the report: a vega-lite spec, its caption, and the data table behind it.

export interface StaticTable {
  kind: 'static'
  head: string[]
  rows: Array<Array<string | number>>
}

/** A table the browser builds from an inlined dataset when the reader opens it (long series). */
export interface DatasetTable {
  kind: 'dataset'
  dataset: string
  columns: Array<{ key: string; label: string }>
}

export interface ChartDef {
  id: string
  title: string
  /** One line: how to read this chart. */
  howToRead: string
  /** A vega-lite spec whose data are named datasets (`{ name: 'ts' }`) filled in the browser. */
  spec: Record<string, unknown>
  /** Names of the datasets the spec uses. */
  uses: string[]
  table: StaticTable | DatasetTable
}

export const WIDTH = 760
export const HEIGHT = 190

/** Shared encoding of the time axis: every time chart lines up on the same seconds. */
export function timeX(durationSec: number): Record<string, unknown> {
  return { field: 't', type: 'quantitative', title: 'seconds since start', scale: { domain: [0, Math.max(1, durationSec)], nice: false }, axis: { grid: true } }
}

/** A shaded band per highlighted time window (a finding's evidence), labelled with its id. */
export function windowLayers(windows: Array<{ startSec: number; endSec: number; label: string }>): Array<Record<string, unknown>> {
  if (windows.length === 0) return []
  const values = windows.map((w) => ({ start: w.startSec, end: Math.max(w.endSec, w.startSec + 1), label: w.label }))
  return [
    { data: { values }, mark: { type: 'rect', color: '#f59e0b', opacity: 0.16 }, encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } } },
    { data: { values }, mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 10, color: '#92400e' }, encoding: { x: { field: 'start', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } } },
  ]
}

/** A multi-series line chart over time from columns of the `ts` dataset. */
export function timeLines(options: {
  id: string
  title: string
  howToRead: string
  durationSec: number
  series: Array<{ key: string; label: string }>
  yTitle: string
  yFormat?: string
  yScale?: Record<string, unknown>
  windows: Array<{ startSec: number; endSec: number; label: string }>
  extraLayers?: Array<Record<string, unknown>>
  mark?: 'line' | 'area' | 'bar'
  height?: number
}): ChartDef {
  const labels = Object.fromEntries(options.series.map((s) => [s.key, s.label]))
  const main = {
    transform: [
      { fold: options.series.map((s) => s.key), as: ['key', 'value'] },
      { calculate: `${JSON.stringify(labels)}[datum.key]`, as: 'series' },
    ],
    mark: options.mark === 'bar'
      ? { type: 'bar', tooltip: true }
      : { type: options.mark ?? 'line', interpolate: 'linear', strokeWidth: 1.5, tooltip: true, ...(options.mark === 'area' ? { opacity: 0.5, line: true } : {}) },
    encoding: {
      x: timeX(options.durationSec),
      y: { field: 'value', type: 'quantitative', title: options.yTitle, ...(options.mark === 'bar' ? { stack: 'zero' } : {}), ...(options.yScale ? { scale: options.yScale } : {}), ...(options.yFormat ? { axis: { format: options.yFormat } } : {}) },
      color: { field: 'series', type: 'nominal', title: null, sort: options.series.map((s) => s.label), legend: { orient: 'top' } },
    },
  }
  return {
    id: options.id,
    title: options.title,
    howToRead: options.howToRead,
    uses: ['ts'],
    spec: {
      width: WIDTH, height: options.height ?? HEIGHT,
      data: { name: 'ts' },
      layer: [...windowLayers(options.windows), main, ...(options.extraLayers ?? [])],
    },
    table: { kind: 'dataset', dataset: 'ts', columns: [{ key: 't', label: 'second' }, ...options.series] },
  }
}
