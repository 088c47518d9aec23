// cpu-saturation on synthetic series: the target at ≥ 85 % of its usable cores for at least 3
// seconds, with median p95 then at least 1.5× the rest, is the finding; anything short of it is not.
import { describe, expect, it } from 'vitest'
import { cpuSaturation } from '../../../src/analyze/findings/cpu-saturation.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

/** CPU (share of one core) and latency (ms) by second: `hot` seconds at `cpu`, the rest at 0.3. */
const run = (hot: number, cpu: number, hotMs: number, coolMs = 40) => signalsFor({
  seconds: 60,
  endpoints: [pageAt((t) => (t < hot ? hotMs : coolMs))],
  resources: [{ source: 'target', kind: 'prometheus', metrics: (t) => ({ cpu_ratio: t < hot ? cpu : 0.3 }) }],
})

describe('cpu-saturation', () => {
  it.each([
    ['10 s at 95 % with p95 3× the rest', 10, 0.95, 120, 'critical-or-warning'],
    ['3 s at 85 % exactly, p95 just over 1.5×', 3, 0.85, 61, 'found'],
    ['2 s at 95 %: too short', 2, 0.95, 120, undefined],
    ['10 s at 84 %: not saturated', 10, 0.84, 120, undefined],
    ['10 s at 95 % but latency flat (1.4×)', 10, 0.95, 56, undefined],
  ] as const)('%s', (_, hot, cpu, hotMs, expected) => {
    const f = cpuSaturation.detect(run(hot, cpu, hotMs))
    if (expected === undefined) expect(f).toBeUndefined()
    else {
      expect(f?.id).toBe('cpu-saturation')
      expect(f!.evidence.chart).toBe('res-cpu')
      expect(f!.evidence.values.saturatedSeconds).toBe(hot)
      expect(f!.evidence.window).toEqual({ startSec: 0, endSec: hot })
    }
  })

  it('without CPU data it says what it needs instead of passing', () => {
    const s = signalsFor({ seconds: 20, endpoints: [pageAt(() => 40)] })
    expect(cpuSaturation.detect(s)).toBeUndefined()
    expect(cpuSaturation.missing!(s)?.reason).toBe('no CPU data for the target')
  })
})
