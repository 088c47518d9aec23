// A budget that stops the run: abortOnFail rules are judged live by a subscriber of the engine's
// seconds (app/budget-watch.ts), the same one that watches a capacity ladder's SLO.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { BudgetWatch } from '../../src/app/budget-watch.ts'
import { parseBudgetRule } from '../../src/core/budget-rule.ts'
import { latencyHistogram } from '../../src/metrics/histogram.ts'
import type { EndpointInterval, IntervalRecord } from '../../src/metrics/interval.ts'
import { defineScenario, arrival } from '../../src/scenario/index.ts'
import { readRun } from '../../src/record/reader.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

function second(t: number, latencyMs: number, count = 20, failed = 0, busy = false): IntervalRecord {
  const latency = latencyHistogram()
  for (let i = 0; i < count; i++) latency.recordValue(Math.round(latencyMs * 1000))
  const endpoint: EndpointInterval = { count, ok: count - failed, errors: failed ? { status_5xx: failed } : {}, statuses: {}, bytesIn: 0, bytesOut: 0, latency, timing: new Map(), timingDesc: {} }
  return {
    second: t, startMs: t * 1000, arrivals: { planned: 5, started: 5, dropped: 0 }, activeLearners: 5, peakActive: 5, journeys: {},
    endpoints: new Map([['GET /a', endpoint]]), steps: new Map(), checks: {}, startLag: latencyHistogram(), journeyErrors: [],
    generator: { workers: [{ elu: busy ? 0.99 : 0.2, lagP99Ms: 1, lagMaxMs: 1, cpuRatio: 0.2, heapUsedBytes: 0, poolQueued: 0, poolRunning: 0, poolConnected: 1 }] },
  }
}

describe('BudgetWatch', () => {
  const watch = (windowSec: number, delaySec: number, forSec = 1) => {
    const stops: string[] = []
    const w = new BudgetWatch([{ label: 'GET /a: p95 < 100ms', target: 'GET /a', rules: [parseBudgetRule('p95 < 100ms', 'test')], delaySec, windowSec, forSec }], (b) => stops.push(b.label))
    return { w, stops }
  }

  it('judges the rolling window after the delay, and stops once', () => {
    const { w, stops } = watch(3, 4)
    // Broken from second 0, but not judged before the delay's end (after second 3).
    for (let t = 0; t < 3; t++) w.interval(second(t, 500))
    expect(stops).toEqual([])
    w.interval(second(3, 500))
    expect(stops).toEqual(['GET /a: p95 < 100ms'])
    w.interval(second(4, 500))
    expect(stops).toHaveLength(1)
  })

  it('forgets what left the window: one slow second among fast ones breaks a 1-second window only', () => {
    const wide = watch(10, 0)
    const narrow = watch(1, 0)
    for (let t = 0; t < 9; t++) for (const x of [wide, narrow]) x.w.interval(second(t, 10))
    for (const x of [wide, narrow]) x.w.interval(second(9, 500, 1))
    expect(wide.stops).toEqual([])
    expect(narrow.stops).toHaveLength(1)
  })

  it('needs forSec judgements in a row, and seconds of a busy generator neither break nor mend', () => {
    const { w, stops } = watch(1, 0, 3)
    w.interval(second(0, 500))
    w.interval(second(1, 500))
    w.interval(second(2, 500, 20, 0, true))
    w.interval(second(3, 10))
    w.interval(second(4, 500))
    w.interval(second(5, 500))
    expect(stops).toEqual([])
    w.interval(second(6, 500))
    expect(stops).toHaveLength(1)
  })
})

describe('abortOnFail in a scenario', () => {
  it('refuses a rule it cannot judge live, in one line with the file', () => {
    expect(() => defineScenario({ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: { a: { weight: 1, run: async () => {} } }, budgets: { overall: [{ threshold: 'rps > 10', abortOnFail: true }] } }))
      .toThrow(/abort-on-fail\.test\.ts:\d+: defineScenario: budgets\['overall'\]\[0\]: 'rps > 10': a rule that stops the run is judged on a window of seconds: it takes latency, errors, failed, checks or dropped/)
    expect(() => defineScenario({ name: 'x', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: { a: { weight: 1, run: async () => {} } }, budgets: { overall: [{ threshold: 'p95 < 1s', abortOnFail: true, window: '10' }] } }))
      .toThrow(/budgets\['overall'\]\[0\]\.window' must be a duration like '60s', got '10'/)
  })

  let target: TestTarget
  beforeAll(async () => {
    target = await startTarget()
  })
  afterAll(async () => {
    await target?.close()
  })

  const scenario = (delayMs: number) => writeScenario(`
    import { defineScenario, arrival } from 'lmsload'
    export default defineScenario({
      name: 'aborting',
      streams: {
        main: {
          arrival: arrival.constant({ rate: 20, duration: '20s' }),
          journeys: { slow: { weight: 1, run: async (l) => { await l.get('/slow', { query: { delay: ${delayMs} } }) } } },
          budgets: { overall: [{ threshold: 'p95 < 1s', abortOnFail: true, window: '2s', delayAbortEval: '2s' }] },
        },
      },
    })`)

  it('stops a run that breaks it: arrivals end early, everything is written, exit 99 naming the rule', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-abort-')), 'run')
    // Every response takes 1.5 s against a 1 s ceiling; the healthy run's answer at once (margins for a busy machine).
    const outcome = await runScenario({ scenarioFile: scenario(1500), target: target.url, out, workers: 1 }, { signal: new AbortController().signal })
    expect(outcome.exitCode).toBe(99)
    expect(outcome.run.end).toEqual({ reason: 'stopped-by-budget', detail: 'stream:main: p95 < 1s' })
    expect(outcome.run.scenario.aborts).toEqual([{ target: 'stream:main', rule: 'p95 < 1s', delayMs: 2000, windowMs: 2000 }])
    const r = readRun(out)
    // Judged from the end of second 2 on, stopped well before the plan's 20 s.
    expect(r.run.result!.arrivals.planned).toBeLessThan(400)
    // No arrival after the stop: the last second's plan counts arrivals it never reached.
    expect(r.run.result!.arrivals.dropped).toBe(0)
    expect(r.run.result!.arrivals.started).toBeLessThanOrEqual(r.run.result!.arrivals.planned)
    expect(r.events.some((e) => e.type === 'abort')).toBe(true)
    expect(r.intervals.length).toBeLessThan(12)
    for (const f of ['analysis.json', 'report.html', 'summary.md', 'junit.xml']) expect(existsSync(path.join(out, f))).toBe(true)
    expect(outcome.analysis.verdict.passed).toBe(false)
    expect(outcome.analysis.budgets.find((b) => b.target === 'stream:main')!.verdict.kind).toBe('failed')
  }, 60_000)

  it('lets a run that keeps it complete', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-abort-')), 'run')
    const outcome = await runScenario({ scenarioFile: scenario(0), target: target.url, out, workers: 1, shape: { durationMs: 3000 } }, { signal: new AbortController().signal })
    expect(outcome.run.end).toEqual({ reason: 'completed' })
    expect(outcome.exitCode).toBe(0)
  }, 60_000)
})
