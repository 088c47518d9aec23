// A neighbour that holds the CPU holds the target's event loop too: in the seconds the machine was
// disturbed, the loop's lag is the neighbour's by the share of the time the loop's thread wanted a
// CPU that it spent in the run queue (rank.ts, noisy-machine → event-loop-blocking). A loop that
// runs its own synchronous work keeps its finding, on a quiet machine or a noisy one.
import { describe, expect, it } from 'vitest'
import { findBottlenecks } from '../../../src/analyze/findings/index.ts'
import { signalsFor } from '../../helpers/signals.ts'

/** 30 s on a 2-core host; from second 5 on, a lag of 120 ms each second and the given machine and main thread. */
const run = (o: { hostCpu: number; otherCores: number; wait: number; runs: number }) => signalsFor({
  seconds: 30,
  endpoints: [
    { name: 'POST /api/auth/login', count: () => 5, latencies: (_, n) => Array(n).fill(150), timing: () => ({ app: 30 }) },
    { name: 'GET /api/courses/:id', count: () => 20, latencies: (_, n) => Array(n).fill(60), timing: () => ({ app: 1, db: 2 }) },
  ],
  resources: [
    { source: 'target', kind: 'prometheus', metrics: (t) => ({ event_loop_lag_p99_ms: t >= 5 ? 120 : 5 }) },
    // The target's process uses 0.4 core; the host's busy cores beyond it and the generator's 0.1 are a neighbour's.
    { source: 'host', kind: 'host', metrics: () => ({ cores: 2, cpu_ratio: o.hostCpu, steal_ratio: 0, cpu_pressure_ratio: 0 }) },
    { source: 'process:4242', kind: 'process', metrics: () => ({ cpu_ratio: 0.4, main_thread_wait_ratio: o.wait, main_thread_cpu_ratio: o.runs }) },
    { source: 'generator', kind: 'process', metrics: () => ({ cpu_ratio: 2 * o.hostCpu - 0.4 - o.otherCores }) },
  ],
})

const impactOf = (o: Parameters<typeof run>[0]) => findBottlenecks(run(o)).findings.find((f) => f.id === 'event-loop-blocking')?.impact

describe('event-loop lag on a noisy machine', () => {
  const quiet = impactOf({ hostCpu: 0.3, otherCores: 0, wait: 0.6, runs: 0.2 })!
  it('keeps the whole finding on a quiet machine, however long the thread waited', () => {
    expect(quiet).toBeGreaterThan(0.3)
  })
  it.each([
    ['a starved loop (waited 3× what it ran) beside a neighbour on 1.5 cores', { hostCpu: 1, otherCores: 1.5, wait: 0.6, runs: 0.2 }, 0.25],
    ['a loop that ran its own work and seldom waited, beside the same neighbour', { hostCpu: 1, otherCores: 1.5, wait: 0.02, runs: 0.9 }, 0.98],
    ['half and half', { hostCpu: 1, otherCores: 1.5, wait: 0.3, runs: 0.3 }, 0.5],
  ] as const)('%s', (_, o, kept) => {
    // The noisy seconds are 5–29 of 30; the lagged seconds all lie in them.
    expect(impactOf(o)! / quiet).toBeCloseTo(kept, 1)
  })
  it('keeps the whole finding without schedstat samples', () => {
    const noSchedstat = signalsFor({
      seconds: 30,
      endpoints: [{ name: 'POST /api/auth/login', count: () => 5, latencies: (_, n) => Array(n).fill(150), timing: () => ({ app: 30 }) }],
      resources: [
        { source: 'target', kind: 'prometheus', metrics: (t) => ({ event_loop_lag_p99_ms: t >= 5 ? 120 : 5 }) },
        { source: 'host', kind: 'host', metrics: () => ({ cores: 2, cpu_ratio: 1, steal_ratio: 0, cpu_pressure_ratio: 0 }) },
        { source: 'process:4242', kind: 'process', metrics: () => ({ cpu_ratio: 0.4 }) },
      ],
    })
    const f = findBottlenecks(noSchedstat).findings
    expect(f.some((x) => x.id === 'noisy-machine')).toBe(true)
    expect(f.find((x) => x.id === 'event-loop-blocking')!.impact).toBeGreaterThan(0.3)
  })
})
