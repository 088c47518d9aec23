// memory-growth on synthetic series: the heap climbing steadily (R² ≥ 0.7) by at least 64 MiB and
// 30 % of where it started, and still climbing in the second half, is a leak; warm-up that levels
// off is not. External memory growth points at the memory chart too.
import { describe, expect, it } from 'vitest'
import { memoryGrowth } from '../../../src/analyze/findings/memory-growth.ts'
import { pageAt, signalsFor } from '../../helpers/signals.ts'

const MiB = 2 ** 20
const run = (heap: (t: number) => number, external: (t: number) => number = () => 20 * MiB) => signalsFor({
  seconds: 120, endpoints: [pageAt(() => 40)],
  resources: [{ source: 'target', kind: 'prometheus', metrics: (t) => ({ heap_used_bytes: heap(t), external_memory_bytes: external(t) }) }],
})

describe('memory-growth', () => {
  it.each([
    ['flat at 100 MiB', () => 100 * MiB, undefined],
    ['+2 MiB a second from 100 MiB (a leak)', (t: number) => (100 + 2 * t) * MiB, 'critical'],
    ['+1 MiB a second from 300 MiB (grows 40 %)', (t: number) => (300 + t) * MiB, 'warning'],
    ['+0.4 MiB a second (under 64 MiB in the run)', (t: number) => (100 + 0.4 * t) * MiB, undefined],
    ['warm-up: +150 MiB in the first 30 s, then flat', (t: number) => (100 + 5 * Math.min(t, 30)) * MiB, undefined],
  ] as const)('%s', (_, heap, severity) => {
    const f = memoryGrowth.detect(run(heap))
    expect(f?.severity).toBe(severity)
    if (f) expect(f.evidence.chart).toBe('res-memory')
  })

  it('external memory that leaks is shown on the memory chart', () => {
    const f = memoryGrowth.detect(run(() => 100 * MiB, (t) => (20 + 2 * t) * MiB))
    expect(f?.evidence.metric).toBe('external_memory_bytes')
    expect(f?.evidence.chart).toBe('res-memory')
  })
})
