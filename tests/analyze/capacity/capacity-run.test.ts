import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeDir } from '../../../src/app/analyze.ts'
import { capacityLadder, capacitySearch } from '../../../src/app/capacity.ts'
import { startLimitedTarget } from '../../helpers/limited-target.ts'
import { writeScenario } from '../../helpers/target.ts'

// Two requests at a time, 20 ms each: the target's capacity is exactly 100 requests per second.
let target: Awaited<ReturnType<typeof startLimitedTarget>>
beforeAll(async () => {
  target = await startLimitedTarget(2, 20)
})
afterAll(async () => {
  await target?.close()
})

const scenario = (rate: number) => writeScenario(`
  import { defineScenario, arrival } from 'lmsload'
  export default defineScenario({
    name: 'limited', arrival: arrival.constant({ rate: ${rate}, duration: '4s' }),
    journeys: { one: { weight: 1, run: async (l) => { await l.get('/') } } },
    options: { gracefulStop: '3s' },
  })`)
const hooks = () => ({ signal: new AbortController().signal })
const dir = (name: string) => path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-cap-')), name)

describe('capacity against a target with a known limit (100 req/s)', () => {
  it('ladder: the steps below the limit meet the SLO, the ones above break it', async () => {
    const o = await capacityLadder({
      scenarioFile: scenario(40), target: target.url, workers: 1, out: dir('ladder'),
      slo: 'p95<100ms', errorBudget: 0.01, from: 30, to: 150, steps: 5, holdMs: 6000, plan: { currentPeak: 1, growthPerYear: 0.2 },
    }, hooks())
    const steps = o.capacity.steps
    expect(steps.length).toBeGreaterThanOrEqual(3)
    for (const s of steps) {
      if (s.arrivalRatePerSec < 75) expect(s.meetsSlo, `step at ${s.arrivalRatePerSec}/s`).toBe(true)
      if (s.arrivalRatePerSec > 115) expect(s.meetsSlo, `step at ${s.arrivalRatePerSec}/s`).toBe(false)
    }
    expect(o.capacity.capacity!.throughputPerSec).toBeGreaterThan(55)
    expect(o.capacity.capacity!.throughputPerSec).toBeLessThan(105)
    // The unit is the rate of arriving learners, and the SLO broke above it: a limit, not a floor.
    expect(o.capacity.capacity!.bound).toBe('limit')
    expect(o.plan!.sentence).toMatch(/^The platform takes [\d.]+ learners arriving per second within the SLO \([\d.]+ requests\/s, [\d.]+ requests in flight, [\d.]+ learners in journeys at once\); /)
    expect(o.plan!.monthsUntilFull).not.toBeNull()
    expect(o.capacity.verdict).toEqual({ kind: 'limit' })
    // The capacity is in the run's analysis.json, and analysing the run again gives the same answer:
    // run.json records the ladder, and the analysis computes its capacity (no patch after the run).
    const analysis = JSON.parse(readFileSync(path.join(o.dir, 'analysis.json'), 'utf8'))
    expect(analysis.capacity.mode).toBe('ladder')
    expect(JSON.parse(readFileSync(path.join(o.dir, 'run.json'), 'utf8')).capacity).toMatchObject({ mode: 'ladder', slo: 'p95<100ms', errorBudget: 0.01, steps: 5, holdMs: 6000 })
    const again = analyzeDir(o.dir, { write: false }).analysis.capacity as typeof analysis.capacity
    expect(again).toEqual({ ...o.capacity, plan: o.plan })
  })

  it('ladder: four planned short steps give four points and a USL fit; an SLO that never broke gives a floor, not a limit', async () => {
    // Two streams: the ladder ramps `main` while `side` is held at its average (5/s); a step's rate is main's alone.
    const twoStreams = writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      const one = async (l) => { await l.get('/') }
      export default defineScenario({
        name: 'limited',
        streams: {
          main: { arrival: arrival.constant({ rate: 10, duration: '4s' }), journeys: { one: { weight: 1, run: one } } },
          side: { arrival: arrival.constant({ rate: 5, duration: '4s' }), journeys: { two: { weight: 1, run: one } } },
        },
        options: { gracefulStop: '3s' },
      })`)
    const o = await capacityLadder({
      scenarioFile: twoStreams, target: target.url, workers: 1, out: dir('floor'), spacing: 'uniform', stream: 'main',
      slo: 'p95<100ms', errorBudget: 0.01, from: 5, to: 20, steps: 4, holdMs: 6000, plan: { currentPeak: 4, growthPerYear: 0.3 },
    }, hooks())
    expect(o.capacity.steps.map((s) => s.stage)).toEqual([0, 1, 2, 3])
    expect(o.capacity.steps.map((s) => s.arrivalRatePerSec)).toEqual([5, 10, 15, 20])
    const run = JSON.parse(readFileSync(path.join(o.dir, 'run.json'), 'utf8'))
    expect(run.capacity.stream).toBe('main')
    expect(run.scenario.streams.map((x: { name: string; profile: { kind: string } }) => [x.name, x.profile.kind])).toEqual([['main', 'steps'], ['side', 'constant']])
    expect(o.capacity.steps.every((s) => s.meetsSlo)).toBe(true)
    expect(o.capacity.usl).not.toBeNull()
    expect(o.capacity.capacity).toMatchObject({ bound: 'at-least' })
    expect(o.capacity.verdict).toEqual({ kind: 'floor' })
    expect(o.capacity.capacity!.arrivalRatePerSec).toBeGreaterThan(15)
    expect(o.plan!.sentence).toMatch(/^The platform takes at least [\d.]+ learners of stream 'main' arriving per second within the SLO .*this is a floor, not the limit \(raise --to to find it\)/)
    expect(o.plan!.sentence).not.toMatch(/months|instance/)
    expect(o.plan!.monthsUntilFull).toBeNull()
    expect(o.exitCode).toBe(0)
  })

  it('search: stops at once, in one line, when a budget names an endpoint the chosen --duration never reaches', async () => {
    const late = writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'late', arrival: arrival.constant({ rate: 5, duration: '60s' }),
        journeys: { one: { weight: 1, run: async (l) => { await l.get('/'); await l.think('45s'); await l.get('/late') } } },
        budgets: { 'GET /late': ['p95 < 300ms'] },
        options: { gracefulStop: '1s' },
      })`)
    await expect(capacitySearch({
      scenarioFile: late, target: target.url, workers: 1, out: dir('late'), durationMs: 3000,
      slo: 'p95<200ms', errorBudget: 0.01, start: 1, precision: 1.15, maxTrials: 8, plan: {},
    }, hooks())).rejects.toThrow(/^capacity search: with --duration 3s the trial never exercised 'GET \/late', so its budget cannot be judged at any scale; run longer/)
  })

  it('search: the largest scale of a 50/s scenario that keeps p95 under 200 ms brackets the limit (scale ≈ 2)', async () => {
    const o = await capacitySearch({
      scenarioFile: scenario(50), target: target.url, workers: 1, out: dir('search'),
      slo: 'p95<200ms', errorBudget: 0.01, start: 1, precision: 1.15, maxTrials: 8, plan: {},
    }, hooks())
    expect(o.result.bestScale!).toBeGreaterThan(1.2)
    expect(o.result.bestScale!).toBeLessThan(2.4)
    expect(o.result.failedScale!).toBeGreaterThan(o.result.bestScale!)
    expect(o.result.trials.every((t) => t.evidence.dir !== '')).toBe(true)
    const saved = JSON.parse(readFileSync(path.join(o.dir, 'capacity.json'), 'utf8'))
    expect(saved).toMatchObject({ schema: 'lmsload.capacity/1', mode: 'search', bestLearners: o.bestLearners })
  })
})

describe('lmsload capacity against a foreign target', () => {
  it('samples the target process given by --pid, so the knee comes with its resource evidence', async () => {
    const { runCli } = await import('../../helpers/cli.ts')
    const out = dir('ladder-pid')
    // The limited target runs inside this test process: its pid is ours.
    const r = await runCli(['capacity', scenario(10), '--target', target.url, '--pid', String(process.pid), '--slo', 'p95<100ms',
      '--from', '5', '--to', '10', '--steps', '2', '--hold', '4s', '--workers', '1', '--out', out, '--quiet'])
    expect(r.code, r.stderr).toBe(0)
    const sources = new Set(readFileSync(path.join(out, 'resources.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).source as string))
    expect(sources).toContain(`process:${process.pid}`)
    const bad = await runCli(['capacity', scenario(10), '--target', target.url, '--pid', 'abc', '--slo', 'p95<100ms'])
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toBe("lmsload: --pid: expected a whole number above 0, got 'abc'")
  })
})
