import type { Analysis, EndpointSummary } from '../analysis.ts'
import { mannWhitney } from './mann-whitney.ts'

export interface EndpointComparison {
  name: string
  baseline: { count: number; throughputPerSec: number; errorRate: number; p50: number | null; p95: number | null; p99: number | null }
  candidate: EndpointComparison['baseline']
  /** candidate / baseline − 1 */
  change: { p50: number | null; p95: number | null; p99: number | null; throughput: number | null; errorRatePoints: number }
  test: { method: 'mann-whitney on per-second p95'; p: number; seconds: [number, number] } | null
  verdict: 'regression' | 'improvement' | 'no change' | 'inconclusive'
  reason: string
}

export interface Comparison {
  schema: 'lmsload.comparison/1'
  baseline: { id: string; dir: string; scenario: string }
  candidate: { id: string; dir: string; scenario: string }
  maxRegression: number
  alpha: number
  endpoints: EndpointComparison[]
  onlyInBaseline: string[]
  onlyInCandidate: string[]
  regressions: number
  passed: boolean
  /** Loud differences between the runs that make the comparison doubtful. */
  warnings: string[]
}

const MIN_SECONDS = 5

function side(e: EndpointSummary) {
  return { count: e.count, throughputPerSec: e.throughputPerSec, errorRate: e.errorRate, p50: e.latencyMs?.p50 ?? null, p95: e.latencyMs?.p95 ?? null, p99: e.latencyMs?.p99 ?? null }
}

const ratio = (b: number | null, c: number | null) => (b === null || c === null || b === 0 ? null : c / b - 1)

/** Differences between runs that a fair comparison must not have (Moodle's tool refuses such pairs). */
function mismatches(b: Analysis, c: Analysis): string[] {
  const out: string[] = []
  const diff = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${what} differs: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`)
  }
  diff('scenario', b.run.scenario, c.run.scenario)
  diff('load profile', b.run.profile, c.run.profile)
  for (const k of ['scale', 'size', 'durationMs', 'workers', 'spacing', 'seed']) diff(`option ${k}`, b.run.options[k], c.run.options[k])
  // The bundled backend listens on a new port each run: compare its profile, not its address.
  if (!b.run.bundledBackend || !c.run.bundledBackend) diff('target', b.run.target, c.run.target)
  diff('backend profile', b.run.backendProfile, c.run.backendProfile)
  for (const k of ['cpuModel', 'cpus', 'hostname', 'node', 'lmsloadVersion']) diff(`machine ${k}`, b.run.environment[k], c.run.environment[k])
  if (!b.run.complete || !c.run.complete) out.push('a run is incomplete (killed before its end)')
  if (b.trust.generatorSaturated || c.trust.generatorSaturated) out.push('the load generator saturated in a run: its latencies include the generator\'s delays')
  return out
}

/**
 * Baseline vs candidate per endpoint: changes of p50/p95/p99, throughput and errors, and a
 * Mann–Whitney test on per-second p95 that tells noise from change. A regression is a significant
 * slowdown beyond `maxRegression`, or an error rate up by more than a percentage point.
 */
export function compareAnalyses(baseline: Analysis, candidate: Analysis, options: { maxRegression: number; alpha?: number }): Comparison {
  const alpha = options.alpha ?? 0.05
  const base = new Map(baseline.endpoints.map((e) => [e.name, e]))
  const cand = new Map(candidate.endpoints.map((e) => [e.name, e]))
  const endpoints: EndpointComparison[] = []
  for (const [name, b] of base) {
    const c = cand.get(name)
    if (!c) continue
    const bs = (baseline.series.endpoints[name]?.p95 ?? []).filter((v): v is number => v !== null)
    const cs = (candidate.series.endpoints[name]?.p95 ?? []).filter((v): v is number => v !== null)
    const test = bs.length >= MIN_SECONDS && cs.length >= MIN_SECONDS ? { method: 'mann-whitney on per-second p95' as const, p: mannWhitney(bs, cs).p, seconds: [bs.length, cs.length] as [number, number] } : null
    const change = {
      p50: ratio(b.latencyMs?.p50 ?? null, c.latencyMs?.p50 ?? null),
      p95: ratio(b.latencyMs?.p95 ?? null, c.latencyMs?.p95 ?? null),
      p99: ratio(b.latencyMs?.p99 ?? null, c.latencyMs?.p99 ?? null),
      throughput: ratio(b.throughputPerSec, c.throughputPerSec),
      errorRatePoints: 100 * (c.errorRate - b.errorRate),
    }
    let verdict: EndpointComparison['verdict']
    let reason: string
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`
    if (change.errorRatePoints > 1) {
      verdict = 'regression'
      reason = `error rate up ${change.errorRatePoints.toFixed(1)} percentage points`
    } else if (!test || change.p95 === null) {
      verdict = 'inconclusive'
      reason = `fewer than ${MIN_SECONDS} seconds with requests in a run`
    } else if (test.p < alpha && change.p95 > options.maxRegression) {
      verdict = 'regression'
      reason = `p95 ${pct(change.p95)} (p = ${test.p.toPrecision(2)})`
    } else if (test.p < alpha && change.p95 < -options.maxRegression) {
      verdict = 'improvement'
      reason = `p95 ${pct(change.p95)} (p = ${test.p.toPrecision(2)})`
    } else {
      verdict = 'no change'
      reason = test.p >= alpha ? `p95 ${pct(change.p95)}, within noise (p = ${test.p.toPrecision(2)})` : `p95 ${pct(change.p95)}, within the ${pct(options.maxRegression)} allowance`
    }
    endpoints.push({ name, baseline: side(b), candidate: side(c), change, test, verdict, reason })
  }
  const regressions = endpoints.filter((e) => e.verdict === 'regression').length
  return {
    schema: 'lmsload.comparison/1',
    baseline: { id: baseline.run.id, dir: baseline.run.dir, scenario: baseline.run.scenario },
    candidate: { id: candidate.run.id, dir: candidate.run.dir, scenario: candidate.run.scenario },
    maxRegression: options.maxRegression,
    alpha,
    endpoints: endpoints.sort((a, b) => (a.verdict === 'regression' ? -1 : 0) - (b.verdict === 'regression' ? -1 : 0) || b.candidate.count - a.candidate.count),
    onlyInBaseline: [...base.keys()].filter((k) => !cand.has(k)),
    onlyInCandidate: [...cand.keys()].filter((k) => !base.has(k)),
    regressions,
    passed: regressions === 0,
    warnings: mismatches(baseline, candidate),
  }
}
