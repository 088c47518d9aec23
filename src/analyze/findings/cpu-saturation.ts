import { missingCpu } from './missing.ts'
import { quantile } from 'simple-statistics'
import type { FindingRule } from './rule.ts'
import { clamp01, fmtMs, type Signals } from './signals.ts'

/** CPU share per second of the target, and the cores it can use (its processes, at most the host's). */
export function targetCpu(s: Signals): { cpu: Array<number | null>; capacity: number; source: string } | undefined {
  const proc = s.process
  if (proc?.has('cpu_ratio')) {
    const processes = Math.max(1, Math.round(proc.mean('processes') ?? 1))
    return { cpu: proc.series('cpu_ratio'), capacity: Math.min(s.hostCores, processes), source: `/proc of ${proc.source}` }
  }
  if (s.metrics?.has('cpu_ratio')) return { cpu: s.metrics.series('cpu_ratio'), capacity: 1, source: 'process_cpu_seconds_total' }
  return undefined
}

// The share of its usable cores from which the target counts as out of CPU.
const SATURATED = 0.85

/** Per second: whether the target used at least 85 % of the cores it can use (false where unsampled). */
export function cpuSaturatedSeconds(s: Signals): boolean[] {
  const t = targetCpu(s)
  return s.series.t.map((_, i) => t !== undefined && (t.cpu[i] ?? 0) >= SATURATED * t.capacity)
}

/** The target's CPU is at its limit and latency rises with it. */
export const cpuSaturation: FindingRule = {
  id: 'cpu-saturation',
  kind: 'cause',
  missing: missingCpu,
  detect(s) {
    const t = targetCpu(s)
    if (!t) return undefined
    const saturated: number[] = []
    const other: number[] = []
    t.cpu.forEach((v, i) => {
      if (v === null || s.series.p95[i] === null) return
      if (v >= SATURATED * t.capacity) saturated.push(i)
      else other.push(i)
    })
    if (saturated.length < 3) return undefined
    const p95 = (secs: number[]) => (secs.length ? quantile(secs.map((i) => s.series.p95[i]!), 0.5) : undefined)
    const hot = p95(saturated)!
    const cool = p95(other)
    if (cool !== undefined && hot < 1.5 * cool) return undefined
    const time = (secs: number[]) => secs.reduce((sum, i) => sum + (s.series.throughput[i] ?? 0) * (s.series.p50[i] ?? 0), 0)
    const all = time([...saturated, ...other])
    const impact = clamp01((time(saturated) / Math.max(1, all)) * (cool ? 1 - cool / hot : 0.5))
    return {
      id: 'cpu-saturation',
      severity: impact >= 0.25 ? 'critical' : 'warning',
      title: 'The target runs out of CPU',
      explanation: `The target used at least 85 % of the ${t.capacity} core${t.capacity > 1 ? 's' : ''} it can use in ${saturated.length} seconds (${t.source}); ` +
        `median p95 latency was ${fmtMs(hot)} then${cool ? `, against ${fmtMs(cool)} otherwise` : ''}. More load only queues.`,
      evidence: {
        chart: 'res-cpu',
        metric: 'cpu_ratio',
        values: { saturatedSeconds: saturated.length, capacityCores: t.capacity, p95SaturatedMs: Math.round(hot), ...(cool ? { p95OtherMs: Math.round(cool) } : {}) },
        window: { startSec: saturated[0]!, endSec: saturated[saturated.length - 1]! + 1 },
        endpoints: [],
      },
      recommendation: 'Profile the target under this load (clinic flame, --cpu-prof) to find the hot code; then make it cheaper, cache its result, or add instances (--workers) if it scales.',
      confidence: 0.7,
      impact,
    }
  },
}
