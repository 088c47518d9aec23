import { describe, expect, it } from 'vitest'
import { analyzeRun } from '../../../src/analyze/analyze.ts'
import { spread, syntheticRun } from '../../helpers/synthetic-run.ts'

const analyze = (spec: Parameters<typeof syntheticRun>[0]) => {
  const { run, histograms } = syntheticRun(spec)
  return analyzeRun(run, histograms, { generatedAt: 'now' })
}

describe('statistics from merged histograms', () => {
  it('gives percentiles of 1..1000 ms as computed by hand (HdrHistogram, 3 significant digits)', () => {
    // One request per millisecond value, 1 ms to 1000 ms, spread over 10 seconds.
    const a = analyze({
      seconds: 10,
      endpoints: [{ name: 'GET /x', count: () => 100, latencies: (t) => Array.from({ length: 100 }, (_, i) => t * 100 + i + 1) }],
    })
    const l = a.endpoints[0]!.latencyMs!
    // The k-th smallest of 1..1000 is k: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999 (within 0.1 %).
    expect(l.min).toBeCloseTo(1, 1)
    expect(l.p50 / 500).toBeCloseTo(1, 2)
    expect(l.p90 / 900).toBeCloseTo(1, 2)
    expect(l.p99 / 990).toBeCloseTo(1, 2)
    expect(l.p999 / 999).toBeCloseTo(1, 2)
    expect(l.max / 1000).toBeCloseTo(1, 2)
    expect(l.mean / 500.5).toBeCloseTo(1, 2)
    expect(a.endpoints[0]!.count).toBe(1000)
    expect(a.endpoints[0]!.throughputPerSec).toBe(100)
  })

  it('merges endpoints exactly for the overall numbers and counts errors by kind and status', () => {
    const a = analyze({
      seconds: 4,
      endpoints: [
        { name: 'GET /fast', count: () => 90, latencies: (_t, n) => spread(n, 1, 2) },
        { name: 'POST /slow', count: () => 10, latencies: (_t, n) => spread(n, 100, 200), errors: (t): Record<string, number> => (t === 3 ? { http: 2, timeout: 1 } : {}) },
      ],
    })
    expect(a.overall.count).toBe(400)
    expect(a.overall.errors).toBe(3)
    expect(a.overall.errorsByKind).toEqual({ http: 2, timeout: 1 })
    expect(a.overall.statuses['500']).toBe(2)
    // 90 % of requests are fast: the overall p90 is a fast one, the p95 a slow one.
    expect(a.overall.latencyMs!.p90).toBeLessThan(3)
    expect(a.overall.latencyMs!.p95).toBeGreaterThan(100)
    expect(a.series.errors).toEqual([0, 0, 0, 3])
  })

  it('summarises each step of a ladder in its own steady window', () => {
    const rate = (t: number) => (t < 30 ? 20 : t < 60 ? 40 : 60)
    const a = analyze({
      seconds: 90,
      arrivals: (t) => ({ planned: rate(t), started: rate(t), dropped: 0 }),
      endpoints: [{ name: 'GET /x', count: rate, latencies: (t, n) => spread(n, rate(t) / 4, rate(t) / 2) }],
    })
    const steady = a.windows.filter((w) => w.kind === 'steady')
    expect(steady.map((w) => w.throughputPerSec)).toEqual([20, 40, 60])
    expect(steady.map((w) => w.latencyMs!.p50 > 0)).toEqual([true, true, true])
    expect(steady[2]!.latencyMs!.p50).toBeGreaterThan(steady[0]!.latencyMs!.p50)
    // Little's law: requests in flight = throughput × mean latency.
    expect(steady[0]!.concurrency).toBeCloseTo(20 * (steady[0]!.latencyMs!.mean / 1000), 6)
  })

  it('attributes latency to Server-Timing components', () => {
    const a = analyze({
      seconds: 5,
      endpoints: [{ name: 'GET /x', count: () => 10, latencies: (_t, n) => spread(n, 20, 20), timing: () => ({ db: 15, app: 2 }) }],
    })
    expect(a.endpoints[0]!.serverTiming.db!.meanMs).toBeCloseTo(15, 1)
    expect(a.endpoints[0]!.serverTiming.db!.share).toBeCloseTo(0.75, 2)
  })
})

describe('endpoint names', () => {
  it('warns when a run has more distinct endpoint names than route templates explain', () => {
    const endpoints = Array.from({ length: 101 }, (_, i) => ({ name: `GET /media/${i}x/master.m3u8`, count: () => 1, latencies: (_t: number, n: number) => spread(n, 1, 2) }))
    const a = analyze({ seconds: 2, endpoints })
    expect(a.warnings.join('\n')).toMatch(/^101 distinct endpoint names \(more than 100; e\.g\. .*\): requests are being named by their expanded paths/m)
    expect(analyze({ seconds: 2, endpoints: endpoints.slice(0, 100) }).warnings).toEqual([])
  })
})
