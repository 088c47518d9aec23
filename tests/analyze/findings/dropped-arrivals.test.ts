// dropped-arrivals on synthetic arrivals: any planned arrival not started is reported, critical
// from 5 % of the plan.
import { describe, expect, it } from 'vitest'
import { droppedArrivals } from '../../../src/analyze/findings/trust.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

const run = (dropped: number) => signalsFor({
  seconds: 20, endpoints: [pageAt(() => 40)],
  arrivals: () => ({ planned: 10, started: 10 - dropped, dropped }),
})

describe('dropped-arrivals', () => {
  it.each([
    [0, undefined, undefined],
    [0.4, 'warning', 0.04],
    [0.5, 'critical', 0.05],
    [3, 'critical', 0.3],
  ] as const)('%s dropped of 10 a second', (dropped, severity, share) => {
    const f = droppedArrivals.detect(run(dropped))
    expect(f?.severity).toBe(severity)
    if (f) {
      expect(f.evidence.values.share).toBeCloseTo(share!)
      expect(f.evidence.chart).toBe('load')
      expect(f.impact).toBeCloseTo(share!)
    }
  })
})
