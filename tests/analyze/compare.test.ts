import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mannWhitney } from '../../src/analyze/compare/mann-whitney.ts'
import { compareDirs } from '../../src/app/compare.ts'
import { runScenario } from '../../src/app/run.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

describe('Mann–Whitney U', () => {
  it("matches R's wilcox.test on Hollander & Wolfe's depression data (W = 35; exact two-sided p = 0.2544)", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    const y = [1.15, 0.88, 0.9, 0.74, 1.21]
    const r = mannWhitney(x, y)
    expect(r.u).toBe(35)
    // The normal approximation (with continuity correction) is within 0.02 of the exact value.
    expect(Math.abs(r.p - 0.2544)).toBeLessThan(0.02)
  })

  it('gives p = 1 for identical samples and a tiny p for fully separated ones', () => {
    expect(mannWhitney([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).p).toBe(1)
    expect(mannWhitney([1, 2, 3, 4, 5, 6, 7, 8], [11, 12, 13, 14, 15, 16, 17, 18]).p).toBeLessThan(0.001)
  })
})

describe('lmsload compare', () => {
  let fast: TestTarget
  let slow: TestTarget
  const scenario = writeScenario(`
    import { defineScenario, arrival } from 'lmsload'
    export default defineScenario({
      name: 'compare', arrival: arrival.constant({ rate: 30, duration: '8s' }),
      journeys: { a: { weight: 1, run: async (l) => { await l.get('/items/:id', { params: { id: l.id % 7 }, query: { delay: 20 } }) } } },
    })`)
  const run = async (target: TestTarget, seed: number) => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-cmp-')), 'run')
    await runScenario({ scenarioFile: scenario, target: target.url, out, workers: 1, seed }, { signal: new AbortController().signal })
    return out
  }
  beforeAll(async () => {
    fast = await startTarget()
    slow = await startTarget({ extraDelayMs: 25 })
  })
  afterAll(async () => {
    await fast?.close()
    await slow?.close()
  })

  // A 20 ms base and a 30 % allowance: scheduling noise on a shared 2-core machine moves a run's
  // p95 by a few ms, which on a 3 ms base and a 10 % allowance flagged two runs of the same server.
  // The planted slowdown (+25 ms, +125 %) is far beyond both. One retry: on a saturated CI machine
  // (steal, other jobs) a run's per-second p95s can swing by more than the planted 25 ms.
  it('does not flag two runs of the same server, and flags a planted 25 ms slowdown', { retry: 1 }, async () => {
    const a = await run(fast, 1)
    const b = await run(fast, 2)
    const c = await run(slow, 1)
    const same = compareDirs(a, b, { maxRegression: 0.3 })
    expect(same.comparison.endpoints[0]!.verdict).not.toBe('regression')
    expect(same.exitCode).toBe(0)
    const worse = compareDirs(a, c, { maxRegression: 0.3 })
    expect(worse.comparison.endpoints[0]).toMatchObject({ name: 'GET /items/:id', verdict: 'regression' })
    // Significant at the tool's own level; per-second p95s of a busy machine overlap now and then.
    expect(worse.comparison.endpoints[0]!.test!.p).toBeLessThan(0.05)
    expect(worse.exitCode).toBe(99)
    // Different targets are called out loudly.
    expect(worse.comparison.warnings.some((w) => w.startsWith('target differs'))).toBe(true)
    expect(same.comparison.warnings.filter((w) => w.startsWith('option seed'))).toHaveLength(1)
  })
})
