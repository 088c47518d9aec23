// gc-pressure on synthetic series: the 90th percentile of the target's GC share of each second
// decides — below 10 % nothing, from 10 % a warning, from 25 % critical.
import { describe, expect, it } from 'vitest'
import { gcPressure } from '../../../src/analyze/findings/gc-pressure.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

const run = (gc: (t: number) => number) => signalsFor({
  seconds: 50, endpoints: [pageAt(() => 40)],
  resources: [{ source: 'target', kind: 'prometheus', metrics: (t) => ({ gc_ratio: gc(t) }) }],
})

describe('gc-pressure', () => {
  it.each([
    ['5 % throughout', () => 0.05, undefined],
    ['12 % throughout', () => 0.12, 'warning'],
    ['30 % throughout', () => 0.3, 'critical'],
    ['30 % in 4 seconds of 50 (below the 90th percentile)', (t: number) => (t < 4 ? 0.3 : 0.02), undefined],
    ['30 % in 10 seconds of 50', (t: number) => (t < 10 ? 0.3 : 0.02), 'critical'],
  ] as const)('%s', (_, gc, severity) => {
    const f = gcPressure.detect(run(gc))
    expect(f?.severity).toBe(severity)
    if (f) expect(f.evidence.chart).toBe('res-memory')
  })

  it('without the metric it says what it needs', () => {
    expect(gcPressure.missing!(signalsFor({ seconds: 20, endpoints: [pageAt(() => 40)] }))?.needs).toMatch(/nodejs_gc_duration_seconds/)
  })
})
