import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { readLatencyLog, readRun } from '../../src/record/reader.ts'
import { mergeSparse } from '../../src/metrics/sparse.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

const outDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-run-')), 'run')

async function run(source: string, extra: Partial<Parameters<typeof runScenario>[0]> = {}, signal = new AbortController().signal) {
  const out = outDir()
  const outcome = await runScenario({ scenarioFile: writeScenario(source), target: target.url, out, ...extra }, { signal })
  return { outcome, recorded: readRun(out), out }
}

describe('the engine against a real loopback server', () => {
  it('starts every planned arrival across two workers and records one endpoint per route template', async () => {
    const { outcome, recorded, out } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'items',
        arrival: arrival.constant({ rate: 150, duration: '3s' }),
        journeys: { item: { weight: 1, run: async (l) => { await l.get('/items/:id', { params: { id: l.id } }) } } },
      })`, { workers: 2, seed: 5 })
    expect(outcome.status).toBe('completed')
    const r = recorded.run.result!
    expect(r.arrivals.started).toBe(r.arrivals.planned)
    expect(r.arrivals.dropped).toBe(0)
    expect(r.requests).toBe(r.arrivals.planned)
    expect(target.hits.get('/items/0')).toBe(1)
    expect([...recorded.endpoints.values()]).toEqual(['GET /items/:id'])
    // The plan's count per second is what the intervals say was planned.
    expect(recorded.intervals.reduce((n, i) => n + i.arrivals.planned, 0)).toBe(r.arrivals.planned)
    const warnings: string[] = []
    const logged = [...readLatencyLog(out, warnings)]
    expect(warnings).toEqual([])
    const latency = mergeSparse(logged.filter((h) => h.tag === 'e1').map((h) => h.histogram))
    expect(latency.totalCount).toBe(r.requests)
    // Server-Timing components become histograms per endpoint; descriptions become counts.
    expect(logged.some((h) => h.tag === 'e1.st.db')).toBe(true)
    expect(recorded.intervals.reduce((n, i) => n + (i.endpoints.e1?.timingDesc['cache=hit'] ?? 0), 0)).toBe(r.requests)
  })

  it('ends when the last journey ends, not when the grace period would: its workers exit by themselves', async () => {
    // Journeys still run at the plan's end; the grace period (60 s) is only an upper bound. A
    // timer left pending in a worker kept its thread alive until the coordinator terminated it
    // (5 s late, every run); that now shows as a warning event.
    const { outcome, recorded } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'tail',
        arrival: arrival.constant({ rate: 20, duration: '1s' }),
        journeys: { slow: { weight: 1, run: async (l) => { await l.get('/slow', { query: { delay: 700 } }) } } },
        options: { gracefulStop: '60s' },
      })`, { workers: 2 })
    expect(outcome.status).toBe('completed')
    expect(recorded.run.result!.requests).toBe(recorded.run.result!.arrivals.planned)
    expect(recorded.events.filter((e) => e.type === 'warning')).toEqual([])
    expect(recorded.events.find((e) => e.type === 'phase' && e.phase === 'end')!.t).toBeLessThan(30)
  })

  it('sends the token and cookies a learner holds, lets the headers of a request win, and keeps or drops bodies as asked', async () => {
    // Each learner's headers are built once and reused until its token or cookies change: this
    // checks that a change is never missed and that per-request headers are never kept.
    const { outcome, recorded } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      const same = (l, label, got, want) => l.check(got, (g) => JSON.stringify(g) === JSON.stringify(want), label + ': ' + JSON.stringify(got))
      export default defineScenario({
        name: 'headers',
        arrival: arrival.constant({ rate: 5, duration: '1s' }),
        journeys: { h: { weight: 1, run: async (l) => {
          let r = (await l.get('/echo')).json()
          same(l, 'bare', [r.authorization, r.cookie], [null, null])
          await l.get('/echo', { query: { set: 'a=1; Path=/' } })
          l.bearer('t1')
          r = (await l.get('/echo')).json()
          same(l, 'first cookie', [r.authorization, r.cookie], ['Bearer t1', 'a=1'])
          await l.get('/echo', { query: { set: 'b=2' } })
          r = (await l.get('/echo')).json()
          same(l, 'token+cookies', [r.authorization, r.cookie], ['Bearer t1', 'a=1; b=2'])
          r = (await l.get('/echo', { headers: { Authorization: 'Basic x', 'X-One': '1' } })).json()
          same(l, 'own header wins', r.authorization, 'Basic x')
          l.bearer('t2')
          r = (await l.get('/echo')).json()
          same(l, 'new token', r.authorization, 'Bearer t2')
          await l.get('/echo', { query: { set: 'a=; Max-Age=0' } })
          r = (await l.get('/echo')).json()
          same(l, 'changed', [r.authorization, r.cookie], ['Bearer t2', 'b=2'])
          r = (await l.post('/echo', { json: { n: 1 } })).json()
          same(l, 'json', [r.contentType, r.body, r.authorization], ['application/json', '{"n":1}', 'Bearer t2'])
          const big = await l.get('/echo', { query: { pad: 300000 } })
          same(l, 'big body kept whole', big.json().pad.length, 300000)
          const dropped = await l.get('/echo', { query: { pad: 300000 }, discardBody: true })
          same(l, 'dropped body counted', [dropped.body, dropped.bytes === big.bytes], ['', true])
        } } },
      })`, { workers: 1 })
    expect(outcome.status).toBe('completed')
    const checks: Record<string, { pass: number; fail: number }> = {}
    for (const i of recorded.intervals) for (const [label, c] of Object.entries(i.checks)) checks[label] = { pass: (checks[label]?.pass ?? 0) + c.pass, fail: (checks[label]?.fail ?? 0) + c.fail }
    expect(Object.entries(checks).filter(([, c]) => c.fail > 0)).toEqual([])
    expect(Object.keys(checks)).toHaveLength(9)
    expect(recorded.run.result!.requests).toBe(12 * recorded.run.result!.arrivals.started)
  })

  it('drops and counts arrivals beyond maxLearners instead of delaying them', async () => {
    const { recorded } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'capped',
        arrival: arrival.constant({ rate: 100, duration: '2s' }),
        journeys: { slow: { weight: 1, run: async (l) => { await l.get('/slow', { query: { delay: 600 } }) } } },
      })`, { workers: 1, maxLearners: 5 })
    const r = recorded.run.result!
    expect(r.arrivals.dropped).toBeGreaterThan(100)
    expect(r.arrivals.started + r.arrivals.dropped).toBe(r.arrivals.planned)
    expect(recorded.intervals.some((i) => i.arrivals.dropped > 0)).toBe(true)
  })

  it('keeps the arrival schedule when the target hangs, and records the timeouts', async () => {
    const { recorded } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'stalled',
        arrival: arrival.constant({ rate: 40, duration: '3s' }),
        journeys: { hang: { weight: 1, run: async (l) => { await l.get('/hang') } } },
        options: { requestTimeout: '1s', gracefulStop: '3s' },
      })`, { workers: 1 })
    const r = recorded.run.result!
    expect(r.arrivals.started).toBe(r.arrivals.planned)
    expect(target.hits.get('/hang')).toBe(r.arrivals.planned)
    const timeouts = recorded.intervals.reduce((n, i) => n + (i.endpoints.e1?.errors.timeout ?? 0), 0)
    expect(timeouts).toBe(r.arrivals.planned)
  })

  it('measures latency from the intended send time: a request the generator sends late still counts its wait', async () => {
    // The journey blocks its worker's event loop for 300 ms after each arrival: the next learners'
    // requests go out late, and that lateness must appear in their latency (no coordinated omission).
    const { recorded, out } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'late',
        arrival: arrival.constant({ rate: 20, duration: '2s' }),
        journeys: { block: { weight: 1, run: async (l) => {
          if (l.id % 10 === 0) { const until = Date.now() + 300; while (Date.now() < until) {} }
          await l.get('/fast')
        } } },
      })`, { workers: 1, spacing: 'uniform' })
    expect(recorded.run.result!.requests).toBe(40)
    const logged = [...readLatencyLog(out, [])].filter((h) => h.tag === 'e1').map((h) => h.histogram)
    const latency = mergeSparse(logged)
    // Arrivals every 50 ms behind a 300 ms block wait up to ~250 ms: the slowest are counted as such.
    expect(latency.getValueAtPercentile(90) / 1000).toBeGreaterThan(100)
    const lag = mergeSparse([...readLatencyLog(out, [])].filter((h) => h.tag === 'start-lag').map((h) => h.histogram))
    expect(lag.getValueAtPercentile(90) / 1000).toBeGreaterThan(100)
  })

  it('runs a closed model: a fixed number of learners, each starting again when done', async () => {
    const { recorded } = await run(`
      import { defineScenario, concurrency } from 'lmsload'
      export default defineScenario({
        name: 'closed',
        concurrency: concurrency.constant({ learners: 4, duration: '2s' }),
        journeys: { loop: { weight: 1, run: async (l) => { await l.get('/c', { query: { delay: 50 } }); await l.think('50ms') } } },
      })`, { workers: 2 })
    expect(recorded.run.scenario.model).toBe('closed')
    const peak = Math.max(...recorded.intervals.map((i) => i.active))
    expect(peak).toBe(4)
    expect(recorded.run.result!.requests).toBeGreaterThan(40)
  })

  it('counts checks, times steps, and reports journeys that throw with their message', async () => {
    const { recorded, outcome } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'checks',
        arrival: arrival.constant({ rate: 20, duration: '1s' }),
        journeys: {
          fine: { weight: 1, run: async (l) => {
            const r = await l.step('fetch twice', async () => { await l.get('/a'); return l.get('/b') })
            l.check(r, (x) => x.status === 200, 'status 200')
            l.check(r, (x) => x.status === 500, 'never true')
          } },
          broken: { weight: 1, run: async () => { throw new Error('journey bug 42') } },
        },
      })`, { workers: 1, seed: 3 })
    const sum = (f: (i: (typeof recorded.intervals)[number]) => number) => recorded.intervals.reduce((n, i) => n + f(i), 0)
    const fine = sum((i) => i.journeys.fine?.completed ?? 0)
    expect(fine).toBeGreaterThan(0)
    expect(sum((i) => i.checks['status 200']?.pass ?? 0)).toBe(fine)
    expect(sum((i) => i.checks['never true']?.fail ?? 0)).toBe(fine)
    expect(sum((i) => i.journeys.broken?.failed ?? 0)).toBeGreaterThan(0)
    expect(recorded.events.some((e) => e.type === 'journey-error' && e.message === 'journey bug 42')).toBe(true)
    expect([...recorded.steps.values()]).toEqual(['fetch twice'])
    // Every journey that threw is counted, with the line of the scenario that threw.
    const errors = recorded.intervals.flatMap((i) => i.journeyErrors ?? [])
    expect(errors.reduce((n, e) => n + e.count, 0)).toBe(sum((i) => i.journeys.broken?.failed ?? 0))
    const [file, line] = errors[0]!.location!.split(/:(?=\d+$)/)
    expect(readFileSync(path.resolve(file!), 'utf8').split('\n')[Number(line) - 1]).toContain("throw new Error('journey bug 42')")
    expect(outcome.analysis.journeyErrors).toEqual([{ journey: 'broken', message: 'journey bug 42', location: errors[0]!.location, count: sum((i) => i.journeys.broken?.failed ?? 0), firstSec: 0 }])
    // Half the journeys threw: the run fails its default journey budget (exit 99) and is never a pass.
    expect(outcome.exitCode).toBe(99)
    expect(outcome.analysis.verdict.outcome).toBe('failed')
  })

  it('names a path passed without a template by its route shape, accepts an absolute URL of the target, and refuses another origin', async () => {
    const { outcome, recorded } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'paths',
        arrival: arrival.constant({ rate: 20, duration: '1s' }),
        journeys: { j: { weight: 1, run: async (l) => {
          await l.get('/media/lessons/' + (l.id % 5) + '/master.m3u8?sig=' + 'a1b2c3'.repeat(5) + l.id)
          await l.get('${target.url}/abs/' + l.id + '?x=1')
          if (l.id === 0) await l.get('http://127.0.0.2:9/elsewhere')
        } } },
      })`, { workers: 1, seed: 4 })
    expect([...recorded.endpoints.values()].sort()).toEqual(['GET /abs/:id', 'GET /media/lessons/:id/master.m3u8'])
    expect(target.hits.get('/abs/1')).toBe(1)
    expect(outcome.analysis.journeyErrors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^route 'http:\/\/127\.0\.0\.2:9\/elsewhere' is not on the target http:\/\/127\.0\.0\.1:\d+: a journey's requests go to its target only$/), count: 1 })])
  })

  it('times a step from its intended start, like the request inside it', async () => {
    const { outcome } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'late-step',
        arrival: arrival.constant({ rate: 10, duration: '1s' }),
        journeys: { j: { weight: 1, run: async (l) => {
          await l.think('20ms')
          // The journey's own synchronous work makes the step start 60 ms after it was due.
          const t = Date.now()
          while (Date.now() - t < 60) {}
          await l.step('late', () => l.get('/a'))
        } } },
      })`, { workers: 1, seed: 2 })
    const step = outcome.analysis.steps.find((s) => s.name === 'late')!
    const request = outcome.analysis.endpoints.find((e) => e.name === 'GET /a')!
    expect(step.durationMs!.p50).toBeGreaterThanOrEqual(request.latencyMs!.p50 - 0.1)
    expect(step.durationMs!.min).toBeGreaterThanOrEqual(55)
  })

  it('stops gracefully on abort: arrivals end, the run is marked aborted, data up to then is kept', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort('SIGINT'), 2500)
    const { outcome, recorded, out } = await run(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'long',
        arrival: arrival.constant({ rate: 30, duration: '60s' }),
        journeys: { t: { weight: 1, run: async (l) => { await l.get('/x'); await l.think('20s'); await l.get('/y') } } },
      })`, { workers: 1 }, controller.signal)
    expect(outcome.status).toBe('aborted')
    expect(outcome.exitCode).toBe(130)
    expect(recorded.run.end).toEqual({ reason: 'interrupted', detail: 'SIGINT' })
    expect(outcome.analysis.trust.incomplete).toBe(true)
    expect(outcome.analysis.verdict.outcome).toBe('incomplete')
    expect(outcome.analysis.verdict.sentence).toMatch(/^The run was interrupted \(SIGINT\) after \d+ of 60 s/)
    expect(recorded.run.status).toBe('aborted')
    expect(recorded.complete).toBe(true)
    expect(recorded.intervals.length).toBeGreaterThanOrEqual(2)
    expect(recorded.run.result!.arrivals.started).toBeLessThan(200)
    expect(recorded.events.some((e) => e.type === 'abort')).toBe(true)
    expect(existsSync(path.join(out, 'latency.hlog'))).toBe(true)
    expect(readFileSync(path.join(out, 'resources.ndjson'), 'utf8')).toContain('"source":"generator"')
  })
})
