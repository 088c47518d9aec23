// Several traffic streams in one run, end to end against a real loopback server: each stream on
// its own executor and plan, one clock, learner ids unique across streams and independent of the
// number of workers, every request, step, check and arrival recorded under its stream.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { analyzeDir } from '../../src/app/analyze.ts'
import { readLatencyLog, readRun } from '../../src/record/reader.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

// Each learner asks for /ids/<stream>/<id>: the server's hits say which ids each stream used.
const SCENARIO = `
  import { defineScenario, arrival, concurrency } from 'lmsload'
  const visit = async (l) => {
    await l.step('visit', () => l.get('/ids/:stream/:id', { params: { stream: l.stream, id: l.id }, name: 'GET /ids' }))
    l.check(l.stream, (s) => s.length > 0, 'has a stream')
  }
  export default defineScenario({
    name: 'two-streams',
    streams: {
      background: { arrival: arrival.constant({ rate: 40, duration: '3s' }), journeys: { browse: { weight: 1, run: visit } }, budgets: { overall: ['errors < 1%'] } },
      spike: { arrival: arrival.constant({ rate: 120, duration: '1s' }), startAfter: '1s', journeys: { exam: { weight: 1, run: visit } } },
      steady: { concurrency: concurrency.constant({ learners: 2, duration: '2s' }), journeys: { loop: { weight: 1, run: async (l) => { await visit(l); await l.think('200ms') } } } },
    },
    budgets: { 'stream:spike GET /ids': ['p95 < 5s'] },
  })`

const runs = new Map<number, Awaited<ReturnType<typeof runOnce>>>()
/** One run per number of workers (the analysis test reads the 2-worker run again). */
async function run(workers: number) {
  if (!runs.has(workers)) runs.set(workers, await runOnce(workers))
  return runs.get(workers)!
}

async function runOnce(workers: number) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-streams-')), 'run')
  target.hits.clear()
  const outcome = await runScenario({ scenarioFile: writeScenario(SCENARIO), target: target.url, out, workers, seed: 9 }, { signal: new AbortController().signal })
  const ids = (stream: string) => [...target.hits.keys()].filter((p) => p.startsWith(`/ids/${stream}/`)).map((p) => Number(p.split('/')[3])).sort((a, b) => a - b)
  return { outcome, out, recorded: readRun(out), ids: { background: ids('background'), spike: ids('spike'), steady: ids('steady') } }
}

describe('a scenario with streams', () => {
  it('runs each stream on its own plan and start, with ids unique across streams and the same for 1 and 2 workers', async () => {
    const one = await run(1)
    const two = await run(2)
    for (const r of [one, two]) {
      expect(r.outcome.status).toBe('completed')
      const streams = r.recorded.run.scenario.streams!
      expect(streams.map((s) => [s.name, s.model, s.startAfterMs])).toEqual([['background', 'open', 0], ['spike', 'open', 1000], ['steady', 'closed', 0]])
      // Open streams take contiguous ranges in the order written; the closed stream the ids after them.
      const bg = r.ids.background
      const spike = r.ids.spike
      expect(bg).toEqual(bg.map((_, i) => i))
      expect(spike).toEqual(spike.map((_, i) => bg.length + i))
      expect(r.ids.steady.every((id) => id >= bg.length + spike.length)).toBe(true)
      expect(new Set(r.ids.steady).size).toBe(r.ids.steady.length)
      // Per stream per second: planned = started, and the spike's arrivals fall in its second only.
      const per = (name: string) => r.recorded.intervals.map((l) => l.streams![name]!)
      expect(per('spike').map((s) => s.arrivals.planned)).toEqual(r.recorded.intervals.map((l) => (l.t === 1 ? spike.length : 0)))
      for (const name of ['background', 'spike']) expect(per(name).reduce((n, s) => n + s.arrivals.started, 0)).toBe(r.ids[name as 'background'].length)
      expect(r.recorded.intervals.every((l) => l.arrivals.planned === l.streams!.background!.arrivals.planned + l.streams!.spike!.arrivals.planned + l.streams!.steady!.arrivals.planned)).toBe(true)
      // Endpoints and steps: one id per stream; requests per stream add up to the line's.
      expect(r.recorded.run.endpoints.map((e) => `${e.stream}:${e.name}`).sort()).toEqual(['background:GET /ids', 'spike:GET /ids', 'steady:GET /ids'])
      expect(r.recorded.run.steps.map((e) => `${e.stream}:${e.name}`).sort()).toEqual(['background:visit', 'spike:visit', 'steady:visit'])
      for (const l of r.recorded.intervals) expect(Object.values(l.streams!).reduce((n, s) => n + s.requests, 0)).toBe(l.requests)
      expect(per('steady').reduce((n, s) => n + (s.checks['has a stream']?.pass ?? 0), 0)).toBe(r.ids.steady.length)
      const warnings: string[] = []
      const tags = new Set([...readLatencyLog(r.out, warnings)].map((h) => h.tag))
      for (const e of r.recorded.run.endpoints) expect(tags.has(e.id)).toBe(true)
    }
    // The open plan does not depend on the number of workers.
    expect(two.ids.background).toEqual(one.ids.background)
    expect(two.ids.spike).toEqual(one.ids.spike)
  }, 60_000)

  it('analyses each stream: its counts, latency and budgets, next to the run as a whole', async () => {
    const { out, ids } = await run(2)
    const { analysis: a } = analyzeDir(out, { write: false })
    expect(a.streams!.map((s) => s.name)).toEqual(['background', 'spike', 'steady'])
    const spike = a.streams!.find((s) => s.name === 'spike')!
    expect(spike.overall.count).toBe(ids.spike.length)
    expect(spike.endpoints.map((e) => [e.name, e.count])).toEqual([['GET /ids', ids.spike.length]])
    expect(spike.steps[0]!.count).toBe(ids.spike.length)
    expect(spike.busy).toEqual({ startSec: expect.any(Number), endSec: expect.any(Number) })
    // The run's endpoint is the three streams' together.
    expect(a.endpoints.find((e) => e.name === 'GET /ids')!.count).toBe(ids.background.length + ids.spike.length + ids.steady.length)
    expect(a.streams!.reduce((n, s) => n + s.overall.count, 0)).toBe(a.overall.count)
    const budget = (target: string) => a.budgets.find((b) => b.target === target)!
    expect(budget('stream:background').verdict.kind).toBe('passed')
    expect(budget('stream:background').measured).toBe(0)
    expect(budget('stream:spike GET /ids').verdict.kind).toBe('passed')
    expect(budget('stream:spike GET /ids').measured).toBe(spike.endpoints[0]!.latencyMs!.p95)
  }, 60_000)
})
