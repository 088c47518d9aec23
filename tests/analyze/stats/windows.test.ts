import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng.ts'
import { findWindows } from '../../../src/analyze/stats/windows.ts'

/** Poisson counts with mean `rate` (Knuth's method: fine for the small rates used here). */
function poisson(rng: Rng, rate: number): number {
  if (rate > 50) return Math.max(0, Math.round(rate + Math.sqrt(rate) * rng.normal()))
  const limit = Math.exp(-rate)
  let k = 0
  let p = 1
  do {
    k++
    p *= rng.next()
  } while (p > limit)
  return k - 1
}

function series(rng: Rng, rates: number[]): number[] {
  return rates.map((r) => poisson(rng, r))
}

const repeat = (value: number, times: number) => Array<number>(times).fill(value)

describe('steady windows are found in noisy load series', () => {
  it('separates each step of a ladder', () => {
    const rng = new Rng(1)
    const load = series(rng, [...repeat(20, 30), ...repeat(40, 30), ...repeat(60, 30), ...repeat(80, 30)])
    const windows = findWindows(load)
    const steady = windows.filter((w) => w.kind === 'steady')
    expect(steady.map((w) => Math.round(w.mean / 10) * 10)).toEqual([20, 40, 60, 80])
    for (const [i, w] of steady.entries()) {
      expect(Math.abs(w.startSec - 30 * i)).toBeLessThanOrEqual(2)
      expect(Math.abs(w.endSec - 30 * (i + 1))).toBeLessThanOrEqual(2)
    }
  })

  it('tells a ramp-up, a plateau, a ramp-down and the idle tail apart', () => {
    const rng = new Rng(2)
    const rates = [...Array.from({ length: 30 }, (_, i) => 5 + i * 3), ...repeat(95, 40), ...Array.from({ length: 20 }, (_, i) => 95 - i * 4.5), ...repeat(0, 10)]
    const kinds = findWindows(series(rng, rates)).map((w) => w.kind)
    expect(kinds).toEqual(['ramp-up', 'steady', 'ramp-down', 'idle'])
  })

  it('calls a constant run one steady window', () => {
    const rng = new Rng(3)
    const windows = findWindows(series(rng, repeat(100, 60)))
    expect(windows).toHaveLength(1)
    expect(windows[0]).toMatchObject({ kind: 'steady', startSec: 0, endSec: 60 })
  })

  it('marks a short spike as a burst', () => {
    const rng = new Rng(4)
    const windows = findWindows(series(rng, [...repeat(2, 20), ...repeat(150, 3), ...repeat(2, 20)]))
    expect(windows.map((w) => w.kind)).toContain('burst')
    const burst = windows.find((w) => w.kind === 'burst')!
    expect(burst.startSec).toBe(20)
    expect(burst.endSec).toBe(23)
  })
})
