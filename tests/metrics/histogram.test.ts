import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/core/rng.ts'
import { decodeHistogram, encodeHistogram, latencyHistogram, mergeEncoded, mergeHistograms, recordUs } from '../../src/metrics/histogram.ts'

const PERCENTILES = [0, 50, 75, 90, 95, 99, 99.9, 100]

describe('histograms merge exactly across workers', () => {
  it('gives the same counts and percentiles as one histogram of every value, after encoding', () => {
    const rng = new Rng(99)
    const whole = latencyHistogram()
    const parts = [latencyHistogram(), latencyHistogram(), latencyHistogram()]
    for (let i = 0; i < 30_000; i++) {
      // A long-tailed latency: lognormal around 5 ms with stalls up to seconds.
      const us = Math.exp(Math.log(5000) + 1.2 * rng.normal())
      recordUs(whole, us)
      recordUs(parts[i % 3]!, us)
    }
    const merged = parts.reduce<ReturnType<typeof latencyHistogram> | undefined>((into, p) => mergeEncoded(into, encodeHistogram(p)), undefined)!
    expect(merged.totalCount).toBe(whole.totalCount)
    for (const p of PERCENTILES) expect(merged.getValueAtPercentile(p)).toBe(whole.getValueAtPercentile(p))
    expect(mergeHistograms(parts).getValueAtPercentile(99)).toBe(whole.getValueAtPercentile(99))
  })

  it('differs from averaging per-worker percentiles, which is why it is done this way', () => {
    const fast = latencyHistogram()
    const slow = latencyHistogram()
    for (let i = 0; i < 990; i++) recordUs(fast, 1000)
    for (let i = 0; i < 10; i++) recordUs(slow, 2_000_000)
    const mergedP99 = mergeHistograms([fast, slow]).getValueAtPercentile(99)
    const averaged = (fast.getValueAtPercentile(99) + slow.getValueAtPercentile(99)) / 2
    expect(mergedP99).toBeLessThan(1100)
    expect(averaged).toBeGreaterThan(900_000)
  })

  it('round-trips through the compressed encoding and clamps values outside the range', () => {
    const h = latencyHistogram()
    recordUs(h, 0.2)
    recordUs(h, 1e12)
    const back = decodeHistogram(encodeHistogram(h))
    expect(back.totalCount).toBe(2)
    expect(back.minNonZeroValue).toBe(1)
    expect(back.maxValue).toBeGreaterThanOrEqual(3_599_000_000)
  })
})
