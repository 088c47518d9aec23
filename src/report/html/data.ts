import type { Analysis } from '../../analyze/analysis.ts'

/** Columnar data (one array per field): rows are rebuilt in the browser, which keeps the file lean. */
export type Columns = Record<string, Array<number | null>>

/** Three significant digits are plenty for a chart and cut the inlined data by half. */
export function round3(v: number | null | undefined): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null
  if (v === 0) return 0
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))))
  return Number(v.toFixed(Math.min(digits, 6)))
}

export interface ResourceColumn {
  key: string
  label: string
  source: string
  metric: string
}

/** The first source (in the order given) that recorded a metric. */
export function findResource(a: Analysis, metric: string, sources: Array<string | ((s: string) => boolean)>): { source: string; values: Array<number | null> } | undefined {
  const names = Object.keys(a.series.resources)
  for (const want of sources) {
    const source = typeof want === 'string' ? (names.includes(want) ? want : undefined) : names.find(want)
    const values = source ? a.series.resources[source]?.[metric] : undefined
    if (source && values && values.some((v) => v !== null)) return { source, values }
  }
  return undefined
}

export const TARGET_METRICS = ['target', (s: string) => s.startsWith('metrics:')]
export const TARGET_PROCESS = ['target:process', (s: string) => s.startsWith('process:'), 'target']

/** The per-second time series every time chart draws from, keyed by column. */
export function timeColumns(a: Analysis): Columns {
  const s = a.series
  const cols: Columns = {
    t: s.t,
    planned: s.arrivalsPlanned,
    started: s.arrivalsStarted,
    dropped: s.arrivalsDropped,
    throughput: s.throughput,
    errors: s.errors,
    active: s.active,
    p50: s.p50.map(round3),
    p95: s.p95.map(round3),
    p99: s.p99.map(round3),
    bytesIn: s.bytesIn.map(round3),
    generatorElu: s.generator.eluMax.map(round3),
    generatorLagP99: s.generator.lagP99MaxMs.map(round3),
  }
  for (const [kind, values] of Object.entries(s.errorsByKind ?? {})) cols[`err:${kind}`] = values
  return cols
}
