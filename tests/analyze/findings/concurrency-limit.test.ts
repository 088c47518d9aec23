// concurrency-limit on synthetic series: p95 at least doubling (and 50 ms or more) above the median
// number of active learners, while the target's CPU stays under 60 % of its cores and Server-Timing
// does not explain the latency, is the finding.
import { describe, expect, it } from 'vitest'
import { concurrencyLimit } from '../../../src/analyze/findings/concurrency-limit.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

/** 40 s: 10 active learners, then 40 from second 20, with latency `lowMs` then `highMs`. */
const run = (lowMs: number, highMs: number, cpu?: number) => signalsFor({
  seconds: 40,
  endpoints: [pageAt((t) => (t < 20 ? lowMs : highMs))],
  active: (t) => (t < 20 ? 10 : 40),
  ...(cpu !== undefined ? { resources: [{ source: 'target', kind: 'prometheus', metrics: () => ({ cpu_ratio: cpu }) }] } : {}),
})

describe('concurrency-limit', () => {
  it.each([
    ['40 → 200 ms, CPU unmeasured', 40, 200, undefined, 'warning-or-critical'],
    ['40 → 200 ms, CPU at 30 %', 40, 200, 0.3, 'warning-or-critical'],
    ['40 → 200 ms, CPU at 70 % (the CPU rule speaks)', 40, 200, 0.7, undefined],
    ['40 → 70 ms (less than double)', 40, 70, 0.3, undefined],
    ['10 → 40 ms (under 50 ms)', 10, 40, 0.3, undefined],
  ] as const)('%s', (_, lowMs, highMs, cpu, expected) => {
    const f = concurrencyLimit.detect(run(lowMs, highMs, cpu))
    if (expected === undefined) expect(f).toBeUndefined()
    else {
      expect(f?.evidence.values.activeSplit).toBe(25)
      expect(f?.evidence.chart).toBe('active')
    }
  })
})
