import { linearRegression, mean, quantile, rSquared, sampleCorrelation } from 'simple-statistics'
import type { EndpointSummary, Series, Window } from '../analysis.ts'

/** One resource source's metrics, as series per second with the statistics rules ask for. */
export class ResourceView {
  readonly source: string
  private readonly metrics: Record<string, Array<number | null>>

  constructor(source: string, metrics: Record<string, Array<number | null>>) {
    this.source = source
    this.metrics = metrics
  }

  has(metric: string): boolean {
    return this.values(metric).length > 0
  }

  series(metric: string): Array<number | null> {
    return this.metrics[metric] ?? []
  }

  values(metric: string, from = 0, to = Infinity): number[] {
    const out: number[] = []
    const s = this.metrics[metric] ?? []
    for (let i = Math.max(0, from); i < Math.min(s.length, to); i++) if (s[i] !== null && s[i] !== undefined) out.push(s[i]!)
    return out
  }

  mean(metric: string, from?: number, to?: number): number | undefined {
    const v = this.values(metric, from, to)
    return v.length ? mean(v) : undefined
  }

  max(metric: string): number | undefined {
    const v = this.values(metric)
    return v.length ? Math.max(...v) : undefined
  }

  quantile(metric: string, q: number): number | undefined {
    const v = this.values(metric)
    return v.length ? quantile(v, q) : undefined
  }

  /** Least-squares trend per second, with R², over [from, to). */
  trend(metric: string, from = 0, to = Infinity): { slope: number; r2: number; first: number; last: number } | undefined {
    const s = this.metrics[metric] ?? []
    const points: Array<[number, number]> = []
    for (let i = Math.max(0, from); i < Math.min(s.length, to); i++) if (s[i] !== null && s[i] !== undefined) points.push([i, s[i]!])
    if (points.length < 5) return undefined
    const line = linearRegression(points)
    const f = (x: number) => line.m * x + line.b
    return { slope: line.m, r2: rSquared(points, f), first: f(points[0]![0]), last: f(points[points.length - 1]![0]) }
  }
}

/** What every finding rule receives: the run's analysed signals, computed once. */
export interface Signals {
  model: 'open' | 'closed'
  durationSec: number
  series: Series
  windows: Window[]
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  /** The target's own /metrics (normalised), when scraped. */
  metrics: ResourceView | undefined
  /** The target process tree from /proc, when sampled. */
  process: ResourceView | undefined
  host: ResourceView | undefined
  /** Per route template from the target's /metrics: run means of requests_per_s, mean_ms, db_queries_per_request, db_time_mean_ms. */
  routes: Record<string, Record<string, number>>
  arrivals: { planned: number; started: number; dropped: number }
  /** Per second, whether the generator was busy (null: no worker reported); see analyze/generator.ts. */
  generatorBusy: Array<boolean | null>
  generatorSaturated: boolean
  /** Total client-side request time (count × mean latency) in ms: the denominator of impacts. */
  totalRequestMs: number
  hostCores: number
}

/** Time an endpoint spent in a Server-Timing component over the run (ms). */
export function componentMs(e: EndpointSummary, component: string): number {
  const c = e.serverTiming[component]
  return c ? c.meanMs * e.count : 0
}

/** An endpoint's total client-side time over the run (ms). */
export function endpointMs(e: EndpointSummary): number {
  return e.latencyMs ? e.latencyMs.mean * e.count : 0
}

/** The route template of an endpoint name ('GET /api/x/:id' → '/api/x/:id'). */
export function routeOf(endpoint: string): string {
  const space = endpoint.indexOf(' ')
  return space < 0 ? endpoint : endpoint.slice(space + 1)
}

/** Seconds where both series have values, and their correlation (undefined when too few). */
export function correlation(a: Array<number | null>, b: Array<number | null>): number | undefined {
  const x: number[] = []
  const y: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== null && b[i] !== null && a[i] !== undefined && b[i] !== undefined) {
      x.push(a[i]!)
      y.push(b[i]!)
    }
  }
  if (x.length < 5) return undefined
  const r = sampleCorrelation(x, y)
  return Number.isFinite(r) ? r : undefined
}

export const clamp01 = (x: number) => Math.max(0, Math.min(1, x))

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`
}
