// The analyzer's sparse histograms against hdr-histogram-js itself: decoding, merging and
// percentiles must give the library's answers bucket for bucket, on random latency mixes.
import { describe, expect, it } from 'vitest'
import { decodeHistogram, encodeHistogram, latencyHistogram, recordUs } from '../../src/metrics/histogram.ts'
import { addSparse, decodeSparse, mergeSparse, sparsePercentile, toSparse } from '../../src/metrics/sparse.ts'
import { Rng } from '../../src/core/rng.ts'

const sfc32 = (seed: number) => { const rng = new Rng(seed); return () => rng.next() }

function randomHistogram(rand: () => number, n: number) {
  const h = latencyHistogram()
  for (let i = 0; i < n; i++) {
    const r = rand()
    // A mix of fast answers, a slow tail and the odd timeout-sized value, as a real second holds.
    recordUs(h, r < 0.9 ? 200 + rand() * 20_000 : r < 0.995 ? 50_000 + rand() * 2e6 : 30e6 + rand() * 3e9)
  }
  return h
}

const PERCENTILES = [0, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]

describe('sparse interval histograms', () => {
  it('decode a log payload to exactly the buckets, total, min and max the library decodes', () => {
    const rand = sfc32(7)
    for (const n of [0, 1, 2, 17, 500, 20_000]) {
      const encoded = encodeHistogram(randomHistogram(rand, n))
      const full = decodeHistogram(encoded)
      const sparse = decodeSparse(encoded)
      expect(sparse).toEqual(toSparse(full))
      expect(sparse.totalCount).toBe(full.totalCount)
      expect(sparse.maxValue).toBe(full.maxValue)
      if (n > 0) expect(sparse.minNonZeroValue).toBe(full.minNonZeroValue)
      for (const p of PERCENTILES) expect(sparsePercentile(sparse, p), `n=${n} p${p}`).toBe(full.getValueAtPercentile(p))
    }
  })

  it('merge into the same histogram Histogram.add() builds', () => {
    const rand = sfc32(11)
    const parts = Array.from({ length: 40 }, (_, i) => encodeHistogram(randomHistogram(rand, 1 + ((i * 37) % 300))))
    const byLibrary = latencyHistogram()
    for (const e of parts) byLibrary.add(decodeHistogram(e))
    const bySparse = latencyHistogram()
    for (const e of parts) addSparse(bySparse, decodeSparse(e))
    expect(toSparse(bySparse)).toEqual(toSparse(byLibrary))
    expect([bySparse.totalCount, bySparse.maxValue, bySparse.minNonZeroValue, bySparse.mean]).toEqual([byLibrary.totalCount, byLibrary.maxValue, byLibrary.minNonZeroValue, byLibrary.mean])
    for (const p of PERCENTILES) expect(bySparse.getValueAtPercentile(p)).toBe(byLibrary.getValueAtPercentile(p))
    expect(mergeSparse(parts.map(decodeSparse)).getValueAtPercentile(99)).toBe(byLibrary.getValueAtPercentile(99))
  })

  it('refuse a payload that is not an HdrHistogram', () => {
    expect(() => decodeSparse('aGVsbG8gd29ybGQ=')).toThrow(/not a V2 compressed histogram/)
  })
})
