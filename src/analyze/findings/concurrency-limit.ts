import { quantile } from 'simple-statistics'
import { targetCpu } from './cpu-saturation.ts'
import type { FindingRule } from './rule.ts'
import { clamp01, fmtMs } from './signals.ts'

/**
 * Latency grows with load while CPU stays low and no measured server component explains it:
 * something caps concurrency (a worker pool, a semaphore, a connection limit). Works from
 * client-side data plus /proc alone.
 */
export const concurrencyLimit: FindingRule = {
  id: 'concurrency-limit',
  kind: 'cause',
  detect(s) {
    const secs = s.series.t.filter((i) => s.series.p95[i] !== null && s.series.active[i]! > 0)
    if (secs.length < 10) return undefined
    const load = secs.map((i) => s.series.active[i]!)
    const cut = quantile(load, 0.5)
    const low = secs.filter((i) => s.series.active[i]! <= cut)
    const high = secs.filter((i) => s.series.active[i]! > cut)
    if (low.length < 3 || high.length < 3) return undefined
    const p95 = (xs: number[]) => quantile(xs.map((i) => s.series.p95[i]!), 0.5)
    const lowP95 = p95(low)
    const highP95 = p95(high)
    if (highP95 < 2 * lowP95 || highP95 < 50) return undefined
    const t = targetCpu(s)
    const hotCpu = t ? quantile(high.map((i) => t.cpu[i]).filter((v): v is number => v !== null), 0.5) : undefined
    if (t && hotCpu !== undefined && hotCpu >= 0.6 * t.capacity) return undefined
    // When Server-Timing covers most of the latency, a server-side rule names the cause instead.
    const explained = s.endpoints.reduce((sum, e) => sum + ['db', 'lock', 'pool', 'upstream', 'app'].reduce((x, c) => x + (e.serverTiming[c]?.meanMs ?? 0), 0) * e.count, 0)
    if (explained > 0.5 * s.totalRequestMs) return undefined
    const impact = clamp01(0.5 * (1 - lowP95 / highP95))
    return {
      id: 'concurrency-limit',
      severity: impact >= 0.25 ? 'critical' : 'warning',
      title: 'Latency grows with load while the CPU stays low',
      explanation: `Median p95 latency is ${fmtMs(lowP95)} with up to ${Math.round(cut)} active learners and ${fmtMs(highP95)} above that, ` +
        `while the target's CPU stays ${hotCpu !== undefined ? `at ${Math.round((100 * hotCpu) / (t?.capacity ?? 1))} % of its capacity` : 'unmeasured'}: requests wait for something that is not CPU — a worker pool, a semaphore, a connection limit.`,
      evidence: { chart: 'active', metric: 'p95 vs active learners', values: { p95LowMs: Math.round(lowP95), p95HighMs: Math.round(highP95), activeSplit: Math.round(cut), ...(hotCpu !== undefined ? { cpuRatioHigh: Number(hotCpu.toFixed(2)) } : {}) }, endpoints: [] },
      recommendation: 'Look for fixed-size pools on the request path (web server workers, DB or HTTP client pools, thread pools, rate limiters) and raise the one that is full; expose Server-Timing or /metrics to see which.',
      confidence: 0.5,
      impact,
    }
  },
}
