import type { Analysis, EndpointSummary } from '../analysis.ts'
import { GENERATOR_SATURATED } from '../generator.ts'
import { mannWhitney } from './mann-whitney.ts'

export interface EndpointComparison {
  name: string
  baseline: { count: number; throughputPerSec: number; errorRate: number; p50: number | null; p95: number | null; p99: number | null }
  candidate: EndpointComparison['baseline']
  /** candidate / baseline − 1 */
  change: { p50: number | null; p95: number | null; p99: number | null; throughput: number | null; errorRatePoints: number }
  /**
   * Mann–Whitney on per-second p95: p-value, effect size (probability that a candidate second's p95
   * exceeds a baseline second's; 0.5 = no shift) and seconds used from each run.
   */
  test: { method: 'mann-whitney on per-second p95'; p: number; effect: number; seconds: [number, number] } | null
  /** The same test on per-second throughput (a drop at the same offered load is a regression). */
  throughputTest: { p: number; effect: number; seconds: [number, number] } | null
  verdict: 'regression' | 'improvement' | 'no change' | 'inconclusive'
  /** Why, as data: what moved, and whether the test could call it. */
  cause: 'errors' | 'slower' | 'faster' | 'throughput-drop' | 'missing' | 'within-allowance' | 'within-noise' | 'too-few-seconds' | 'large-but-not-significant'
  reason: string
}

export interface Comparison {
  schema: 'lmsload.comparison/1'
  baseline: { id: string; dir: string; scenario: string }
  candidate: { id: string; dir: string; scenario: string }
  maxRegression: number
  alpha: number
  endpoints: EndpointComparison[]
  /** Endpoints the baseline called and the candidate did not: each is a regression (listed in `endpoints` too). */
  onlyInBaseline: string[]
  onlyInCandidate: string[]
  regressions: number
  inconclusive: number
  passed: boolean
  /** Differences that make the runs incomparable (scenario, load profile, options, target, backend profile): refused unless allowed. */
  differences: string[]
  /** Loud differences between the runs that make the comparison doubtful (machine, versions, trust). */
  warnings: string[]
}

const MIN_SECONDS = 5

function side(e: EndpointSummary) {
  return { count: e.count, throughputPerSec: e.throughputPerSec, errorRate: e.errorRate, p50: e.latencyMs?.p50 ?? null, p95: e.latencyMs?.p95 ?? null, p99: e.latencyMs?.p99 ?? null }
}

const ratio = (b: number | null, c: number | null) => (b === null || c === null || b === 0 ? null : c / b - 1)

const diff = (out: string[], what: string, x: unknown, y: unknown) => {
  if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${what} differs: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`)
}

/**
 * Differences that make two runs answer different questions (Moodle's comparison tool refuses such
 * pairs): scenario, load, options that shape the load, target, backend profile. The seed is not one:
 * two seeds of one plan are the honest way to see noise.
 */
export function incomparabilities(b: Analysis, c: Analysis): string[] {
  const out: string[] = []
  diff(out, 'scenario', b.run.scenario, c.run.scenario)
  diff(out, 'load profile', b.run.profile, c.run.profile)
  for (const k of ['scale', 'size', 'durationMs', 'spacing']) diff(out, `option ${k}`, b.run.options[k], c.run.options[k])
  // The bundled backend listens on a new port each run: compare its profile, not its address.
  if (!b.run.bundledBackend || !c.run.bundledBackend) diff(out, 'target', b.run.target, c.run.target)
  diff(out, 'backend profile', b.run.backendProfile, c.run.backendProfile)
  return out
}

/** Differences that leave the runs comparable but the comparison doubtful: printed as warnings. */
function mismatches(b: Analysis, c: Analysis): string[] {
  const out: string[] = []
  for (const k of ['workers', 'seed']) diff(out, `option ${k}`, b.run.options[k], c.run.options[k])
  for (const k of ['cpuModel', 'cpus', 'hostname', 'node', 'lmsloadVersion']) diff(out, `machine ${k}`, b.run.environment[k], c.run.environment[k])
  if (b.trust.incomplete || c.trust.incomplete) out.push(`a run is incomplete (${[b, c].filter((a) => a.trust.incomplete).map((a) => `${a.run.id}: ${a.run.end?.reason ?? a.run.status}`).join('; ')})`)
  if (b.trust.generatorSaturated || c.trust.generatorSaturated) out.push(`${GENERATOR_SATURATED.short} (in ${[b, c].filter((a) => a.trust.generatorSaturated).map((a) => a.run.id).join(' and ')})`)
  return out
}

/**
 * Baseline vs candidate per endpoint: changes of p50/p95/p99, throughput and errors, and
 * Mann–Whitney tests on per-second p95 and throughput that tell noise from change. A regression is
 * a significant p95 slowdown beyond `maxRegression`, a significant throughput drop beyond it (the
 * same offered load: comparable runs have the same plan), an error rate up by more than a
 * percentage point, or an endpoint the candidate never called. A change beyond the allowance that
 * the test cannot call significant is `inconclusive` (run longer), never `no change`.
 */
export function compareAnalyses(baseline: Analysis, candidate: Analysis, options: { maxRegression: number; alpha?: number }): Comparison {
  const alpha = options.alpha ?? 0.05
  const allowance = options.maxRegression
  const base = new Map(baseline.endpoints.map((e) => [e.name, e]))
  const cand = new Map(candidate.endpoints.map((e) => [e.name, e]))
  const endpoints: EndpointComparison[] = []
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`
  const perSecond = (a: Analysis, name: string, key: 'p95' | 'throughput') => {
    const s = a.series.endpoints[name]
    if (!s) return []
    // Seconds in which the endpoint was called: its p95 where one was timed, its throughput there too.
    return s.p95.flatMap((p, i) => (p === null ? [] : [key === 'p95' ? p : s.throughput[i]!]))
  }
  const testOf = (b: number[], c: number[]) => {
    if (b.length < MIN_SECONDS || c.length < MIN_SECONDS) return null
    const r = mannWhitney(b, c)
    return { p: r.p, effect: Number(r.probabilityOfSuperiority.toFixed(3)), seconds: [b.length, c.length] as [number, number] }
  }
  for (const [name, b] of base) {
    const c = cand.get(name)
    if (!c) {
      const none = { count: 0, throughputPerSec: 0, errorRate: 0, p50: null, p95: null, p99: null }
      endpoints.push({
        name, baseline: side(b), candidate: none, change: { p50: null, p95: null, p99: null, throughput: -1, errorRatePoints: 0 }, test: null, throughputTest: null,
        verdict: 'regression', cause: 'missing', reason: `the candidate never called it (${b.count} calls in the baseline)`,
      })
      continue
    }
    const latencyTest = testOf(perSecond(baseline, name, 'p95'), perSecond(candidate, name, 'p95'))
    const test = latencyTest ? { method: 'mann-whitney on per-second p95' as const, ...latencyTest } : null
    const throughputTest = testOf(perSecond(baseline, name, 'throughput'), perSecond(candidate, name, 'throughput'))
    const change = {
      p50: ratio(b.latencyMs?.p50 ?? null, c.latencyMs?.p50 ?? null),
      p95: ratio(b.latencyMs?.p95 ?? null, c.latencyMs?.p95 ?? null),
      p99: ratio(b.latencyMs?.p99 ?? null, c.latencyMs?.p99 ?? null),
      throughput: ratio(b.throughputPerSec, c.throughputPerSec),
      errorRatePoints: 100 * (c.errorRate - b.errorRate),
    }
    const judged = (verdict: EndpointComparison['verdict'], cause: EndpointComparison['cause'], reason: string) =>
      endpoints.push({ name, baseline: side(b), candidate: side(c), change, test, throughputTest, verdict, cause, reason })
    const p = (t: { p: number; effect: number; seconds: [number, number] }) => `p = ${t.p.toPrecision(2)}, effect ${t.effect.toFixed(2)}, ${t.seconds[0]}+${t.seconds[1]} s`
    if (change.errorRatePoints > 1) {
      judged('regression', 'errors', `error rate up ${change.errorRatePoints.toFixed(1)} percentage points`)
    } else if (!test || change.p95 === null) {
      judged('inconclusive', 'too-few-seconds', `fewer than ${MIN_SECONDS} seconds with timed requests in a run: run longer`)
    } else if (test.p < alpha && change.p95 > allowance) {
      judged('regression', 'slower', `p95 ${pct(change.p95)} (${p(test)})`)
    } else if (throughputTest && throughputTest.p < alpha && change.throughput !== null && change.throughput < -allowance) {
      judged('regression', 'throughput-drop', `throughput ${pct(change.throughput)} at the same offered load (${p(throughputTest)})`)
    } else if (test.p < alpha && change.p95 < -allowance) {
      judged('improvement', 'faster', `p95 ${pct(change.p95)} (${p(test)})`)
    } else if (Math.abs(change.p95) > allowance || (change.throughput !== null && change.throughput < -allowance)) {
      const what = Math.abs(change.p95) > allowance ? `p95 ${pct(change.p95)}` : `throughput ${pct(change.throughput!)}`
      judged('inconclusive', 'large-but-not-significant', `${what} is beyond the ${pct(allowance)} allowance but not significant (${p(test)}): run longer`)
    } else if (test.p >= alpha) {
      judged('no change', 'within-noise', `p95 ${pct(change.p95)}, within noise (${p(test)})`)
    } else {
      judged('no change', 'within-allowance', `p95 ${pct(change.p95)}, within the ${pct(allowance)} allowance (${p(test)})`)
    }
  }
  const regressions = endpoints.filter((e) => e.verdict === 'regression').length
  return {
    schema: 'lmsload.comparison/1',
    baseline: { id: baseline.run.id, dir: baseline.run.dir, scenario: baseline.run.scenario },
    candidate: { id: candidate.run.id, dir: candidate.run.dir, scenario: candidate.run.scenario },
    maxRegression: allowance,
    alpha,
    endpoints: endpoints.sort((a, b) => (a.verdict === 'regression' ? -1 : 0) - (b.verdict === 'regression' ? -1 : 0) || b.candidate.count - a.candidate.count),
    onlyInBaseline: [...base.keys()].filter((k) => !cand.has(k)),
    onlyInCandidate: [...cand.keys()].filter((k) => !base.has(k)),
    regressions,
    inconclusive: endpoints.filter((e) => e.verdict === 'inconclusive').length,
    passed: regressions === 0,
    differences: incomparabilities(baseline, candidate),
    warnings: mismatches(baseline, candidate),
  }
}
