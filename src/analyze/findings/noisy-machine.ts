import type { FindingRule } from './rule.ts'
import { clamp01, pct, type Signals } from './signals.ts'

// A second is disturbed when the machine, not the target, took CPU from the run:
// - the hypervisor gave at least 5 % of this machine's CPU time to other guests (steal), or
// - processes other than the target and the generator used at least a quarter of a core while CPU
//   was scarce: the host's CPUs at least 90 % busy, or (PSI) some task waited for a CPU in at least
//   10 % of the second. Idle neighbours do no harm: only use under contention counts.
const STEAL = 0.05
const OTHER_CORES = 0.25
const PRESSURE = 0.1
const HOST_BUSY = 0.9

export interface Disturbance {
  /** Per second: whether the machine took CPU from the run. */
  disturbed: boolean[]
  /** Per second: cores used by processes other than the target's and the generator's (null where unknown). */
  otherCores: Array<number | null>
}

/**
 * Which seconds the machine disturbed. "Other" CPU is the host's busy cores minus the target's
 * processes (every --pid and the bundled backend) and the generator's; without a target process it
 * cannot be told from the target's own, and only steal counts.
 */
export function disturbance(s: Signals): Disturbance | undefined {
  const host = s.host
  if (!host?.has('cpu_ratio')) return undefined
  const cores = s.hostCores
  const hostCpu = host.series('cpu_ratio')
  const steal = host.series('steal_ratio')
  const pressure = host.series('cpu_pressure_ratio')
  const targets = Object.entries(s.series.resources).filter(([source]) => source === 'target:process' || source.startsWith('process:')).map(([, m]) => m.cpu_ratio ?? [])
  const generator = s.series.resources.generator?.cpu_ratio ?? []
  const otherCores = s.series.t.map((_, i) => {
    const busy = hostCpu[i]
    if (busy === null || busy === undefined || targets.length === 0) return null
    const own = targets.reduce((t, cpu) => t + (cpu[i] ?? 0), 0) + (generator[i] ?? 0)
    return Math.max(0, busy * cores - own)
  })
  const disturbed = s.series.t.map((_, i) => {
    if ((steal[i] ?? 0) >= STEAL) return true
    const other = otherCores[i]
    if (other === null || other === undefined || other < OTHER_CORES) return false
    return (hostCpu[i] ?? 0) >= HOST_BUSY || (pressure[i] ?? 0) >= PRESSURE
  })
  return { disturbed, otherCores }
}

/** Contiguous runs of marked seconds, as [start, end) pairs. */
function stretches(marked: boolean[]): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let i = 0; i < marked.length; i++) {
    if (!marked[i]) continue
    const start = i
    while (i < marked.length && marked[i]) i++
    out.push([start, i])
  }
  return out
}

/** The machine, not the target, made some of the numbers: a neighbour's CPU or the hypervisor's steal. */
export const noisyMachine: FindingRule = {
  id: 'noisy-machine',
  kind: 'trust',
  missing: (s) => (s.host?.has('cpu_ratio') ? undefined : { reason: 'no host CPU samples', needs: 'a run on Linux, where lmsload samples /proc/stat' }),
  detect(s) {
    const d = disturbance(s)
    if (!d) return undefined
    const seconds = d.disturbed.flatMap((x, i) => (x ? [i] : []))
    if (seconds.length < 2) return undefined
    const busySeconds = s.series.throughput.filter((n) => n > 0).length
    const requests = s.series.throughput.reduce((t, n) => t + n, 0)
    const inside = seconds.reduce((t, i) => t + (s.series.throughput[i] ?? 0), 0)
    const share = requests > 0 ? inside / requests : 0
    const others = seconds.map((i) => d.otherCores[i]).filter((v): v is number => v !== null && v !== undefined)
    const otherMean = others.length ? others.reduce((a, b) => a + b, 0) / others.length : 0
    const stealMax = Math.max(0, ...seconds.map((i) => s.host!.series('steal_ratio')[i] ?? 0))
    const pressures = seconds.map((i) => s.host!.series('cpu_pressure_ratio')[i]).filter((v): v is number => v !== null && v !== undefined)
    const pressureMean = pressures.length ? pressures.reduce((a, b) => a + b, 0) / pressures.length : undefined
    const parts = stretches(d.disturbed)
    const where = parts.slice(0, 4).map(([a, b]) => (b - a === 1 ? `${a} s` : `${a}–${b} s`)).join(', ') + (parts.length > 4 ? ', …' : '')
    const by = [
      otherMean > 0 ? `other processes used ${otherMean.toFixed(2)} cores on average` : '',
      stealMax >= STEAL ? `the hypervisor stole up to ${pct(stealMax)} of CPU time` : '',
      pressureMean !== undefined ? `tasks waited for a CPU ${pct(pressureMean)} of the time` : '',
    ].filter(Boolean).join('; ')
    return {
      id: 'noisy-machine',
      severity: 'warning',
      title: `The machine was busy with other work in ${seconds.length} of ${busySeconds} seconds`,
      explanation: `In seconds ${where} (${pct(share)} of the requests) ${by}. Latency in those seconds may be the neighbour's, not the target's: ` +
        'the target and the generator waited for CPU that something else held.',
      evidence: {
        chart: 'res-cpu',
        metric: 'host cpu_ratio, steal_ratio, cpu_pressure_ratio',
        values: { disturbedSeconds: seconds.length, requestShare: Number(share.toFixed(3)), otherCoresMean: Number(otherMean.toFixed(2)), stealMax: Number(stealMax.toFixed(3)), ...(pressureMean !== undefined ? { cpuPressureMean: Number(pressureMean.toFixed(3)) } : {}) },
        window: { startSec: seconds[0]!, endSec: seconds[seconds.length - 1]! + 1 },
        endpoints: [],
      },
      recommendation: 'Re-run on a quiet machine or a dedicated runner before trusting the latency of those seconds; pass --pid for every process of the system under test (its database too), so their CPU is not counted as a neighbour\'s.',
      confidence: 0.8,
      impact: clamp01(0.5 * share),
    }
  },
}
