// lmsload export k6: the emitted stages follow the engine's own arrival plan for every built-in
// profile and scenario, the script type-checks against @types/k6 and holds no Node module,
// budgets become thresholds, what k6 cannot run is refused at file:line, and the bundled adapter
// drives the real reference backend through (a stand-in for) k6's API.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { exportScenarioToK6 } from '../../../src/app/export-k6.ts'
import { importScenario } from '../../../src/engine/load-scenario.ts'
import { arrivalPlan, plannedPerSecond } from '../../../src/engine/schedule/arrival-plan.ts'
import { k6Options, k6Thresholds } from '../../../src/integrations/k6/options.ts'
import { arrivalStages, expectedPerSecond, stagesPerSecond } from '../../../src/integrations/k6/stages.ts'
import { typecheckK6 } from '../../../src/integrations/k6/export.ts'
import { Rng } from '../../../src/core/rng.ts'
import { arrival, concurrency } from '../../../src/scenario/index.ts'
import { JourneyPicker } from '../../../src/scenario/journey-picker.ts'
import type { ArrivalProfile } from '../../../src/scenario/arrival/profile.ts'
import { backendForSuite } from '../../helpers/backend.ts'
import { runCli } from '../../helpers/cli.ts'
import { loadK6Script } from '../../helpers/fake-k6.ts'
import { writeScenario } from '../../helpers/target.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-k6-export-'))
const out = (name: string) => path.join(scratch, name)

/** k6's stages against the profile's expected arrivals and against a plan the engine drew. */
function compareWithEngine(profile: ArrivalProfile) {
  const plan = arrivalStages(profile)
  const expected = expectedPerSecond(profile)
  const k6 = stagesPerSecond(plan, expected.length)
  const drawn = plannedPerSecond(arrivalPlan(profile, { seed: 7 }))
  const peak = Math.max(...expected)
  let worstSecond = 0 // in units of that second's tolerance
  let worstCumulative = 0
  let cumK6 = 0
  let cumDrawn = 0
  for (let s = 0; s < expected.length; s++) {
    // The fitting tolerance (3 % of the second, ≥ 0.3 % of the peak, ≥ 0.05; none where nobody arrives) plus k6's per-minute rounding.
    const tolerance = expected[s]! > 1e-9 ? Math.max(0.05, 0.003 * peak, 0.03 * expected[s]!) + 1 / 60 : 1 / 60
    worstSecond = Math.max(worstSecond, Math.abs(k6[s]! - expected[s]!) / tolerance)
    cumK6 += k6[s]!
    cumDrawn += drawn[s] ?? 0
    worstCumulative = Math.max(worstCumulative, Math.abs(cumK6 - cumDrawn))
  }
  const total = expected.reduce((a, b) => a + b, 0)
  return { plan, peak, worstSecond, worstCumulative, total, k6Total: cumK6, drawnTotal: cumDrawn }
}

const PROFILES: Array<[string, ArrivalProfile]> = [
  ['constant', arrival.constant({ rate: 12.5, duration: '60s' })],
  ['ramp', arrival.ramp({ from: 1, to: 40, duration: '90s' })],
  ['steps', arrival.steps({ stages: [{ rate: 5, duration: '20s' }, { rate: 30, duration: '20s' }, { rate: 2, duration: '20s' }] })],
  ['ladder', arrival.ladder({ from: 10, to: 50, steps: 5, hold: '15s' })],
  ['examSpike', arrival.examSpike({ learners: 3000, leadIn: '30s', jitter: '20s', stragglers: 0.05, stragglerWindow: '60s', after: '30s' })],
  ['videoWave', arrival.videoWave({ learners: 1500, halfLife: '60s', duration: '4m' })],
  ['enrollmentDay', arrival.enrollmentDay({ learners: 2000 })],
  ['deadlineRush', arrival.deadlineRush({ learners: 1200 })],
  ['diurnal', arrival.diurnal({ peakRate: 20, day: '10m' })],
]

describe('k6 stages follow the engine’s arrival plan', () => {
  it.each(PROFILES)('%s', (_name, profile) => {
    const c = compareWithEngine(profile)
    expect(c.worstSecond).toBeLessThanOrEqual(1 + 1e-9)
    // The same number of learners over the run (k6 rounds rates to whole learners per minute).
    expect(Math.abs(c.k6Total - c.total)).toBeLessThanOrEqual(Math.max(1, 0.005 * c.total))
    // And the same shape as the arrivals the engine actually drew (Poisson noise: 4σ of the total).
    expect(c.worstCumulative).toBeLessThanOrEqual(4 * Math.sqrt(c.total) + 2)
    // Stages are few enough to read and for k6 to handle.
    expect(c.plan.stages.length).toBeLessThan(60)
  })

  it.each(['smoke', 'exam-spike', 'video-start', 'enrollment-day', 'deadline-rush', 'daily-cycle', 'dr-drill', 'profile-check'])('scenario %s', async (name) => {
    const scenario = await importScenario(`scenarios/${name}.ts`)
    const options = k6Options(scenario, {})
    const executor = options.scenarios.learners!
    expect(executor.executor).toBe('ramping-arrival-rate')
    if (executor.executor !== 'ramping-arrival-rate') return
    const c = compareWithEngine(scenario.streams[0]!.arrival!)
    expect(executor.stages).toEqual(c.plan.stages)
    expect(executor.startRate).toBe(c.plan.startRate)
    expect(Math.abs(c.k6Total - c.total)).toBeLessThanOrEqual(Math.max(1, 0.005 * c.total))
    expect(c.worstSecond).toBeLessThanOrEqual(1 + 1e-9)
    expect(c.worstCumulative).toBeLessThanOrEqual(4 * Math.sqrt(c.total) + 2)
    expect(executor.maxVUs).toBeLessThanOrEqual(scenario.options.maxLearners)
    expect(executor.gracefulStop).toBe(scenario.options.gracefulStop)
  })

  it('--scale and --duration reshape the stages as they reshape a run', async () => {
    const scenario = await importScenario('scenarios/exam-spike.ts')
    const shaped = k6Options(scenario, { scale: 0.1, durationMs: 40_000 }).scenarios.learners!
    if (shaped.executor !== 'ramping-arrival-rate') throw new Error('expected an open model')
    const seconds = shaped.stages.reduce((t, s) => t + Number(s.duration.slice(0, -1)), 0)
    expect(seconds).toBe(40)
    const total = stagesPerSecond({ timeUnit: '1m', startRate: shaped.startRate, stages: shaped.stages }, 40).reduce((a, b) => a + b, 0)
    expect(total).toBeGreaterThan(195)
    expect(total).toBeLessThan(205)
  })

  it('the closed model becomes ramping-vus with the profile’s own stages', async () => {
    const file = writeScenario(`
      import { concurrency, defineScenario } from 'lmsload'
      export default defineScenario({
        name: 'closed', concurrency: concurrency.ramp({ start: 5, stages: [{ target: 50, duration: '30s' }, { target: 50, duration: '1m' }, { target: 0, duration: '10s' }], gracefulRampDown: '5s' }),
        journeys: { a: { weight: 1, run: async (l) => { await l.get('/x') } } },
      })`)
    const scenario = await importScenario(file)
    const executor = k6Options(scenario, {}).scenarios.learners!
    expect(executor).toMatchObject({
      executor: 'ramping-vus', startVUs: 5, gracefulRampDown: '5s',
      stages: [{ target: 50, duration: '30s' }, { target: 50, duration: '60s' }, { target: 0, duration: '10s' }],
    })
    expect(concurrency.constant({ learners: 3, duration: '5s' }).maxTarget).toBe(3)
  })
})

describe('budgets become k6 thresholds', () => {
  it('endpoints, steps, checks, overall and dropped map to tagged sub-metrics', async () => {
    const file = writeScenario(`
      import { arrival, defineScenario } from 'lmsload'
      export default defineScenario({
        name: 'budgets', arrival: arrival.constant({ rate: 10, duration: '100s' }),
        journeys: { a: { weight: 1, run: async (l) => { await l.get('/x') } } },
        budgets: {
          overall: ['errors < 1%', 'p99 <= 2s', 'checks > 99%', 'dropped < 0.5%'],
          'POST /api/quizzes/:id/attempts': ['p95 < 1s', 'p(99.9) < 3s', 'mean < 200ms', 'rps > 5', 'count >= 100'],
          'step:start attempt': ['p90 < 1500ms', 'errors < 2%'],
          'check:answer saved': ['checks >= 99.5%'],
        },
      })`)
    const scenario = await importScenario(file)
    expect(k6Thresholds(scenario, 1000)).toEqual({
      'http_req_failed{lmsload:learner}': ['rate<0.01'],
      'http_req_duration{lmsload:learner}': ['p(99)<=2000'],
      checks: ['rate>0.99'],
      dropped_iterations: ['count<5'],
      'http_req_duration{name:POST /api/quizzes/:id/attempts}': ['p(95)<1000', 'p(99.9)<3000', 'avg<200'],
      'http_reqs{name:POST /api/quizzes/:id/attempts}': ['rate>5', 'count>=100'],
      'lmsload_step_duration{step:start attempt}': ['p(90)<1500'],
      'lmsload_step_failed{step:start attempt}': ['rate<0.02'],
      'checks{check:answer saved}': ['rate>=0.995'],
    })
  })

  it('a name k6 cannot put in a threshold is refused, naming the scenario line', async () => {
    const file = writeScenario(`
      import { arrival, defineScenario } from 'lmsload'
      export default defineScenario({
        name: 'comma', arrival: arrival.constant({ rate: 1, duration: '5s' }),
        journeys: { a: { weight: 1, run: async (l) => { await l.get('/x') } } },
        budgets: { 'check:saved, really': ['checks > 99%'] },
      })`)
    const result = await runCli(['export', 'k6', file, '--out', out('comma')])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/scenario\.ts:\d+: budgets\['check:saved, really'\]: 'saved, really' cannot be a k6 threshold tag/)
    expect(existsSync(out('comma'))).toBe(false)
  })
})

describe('the exported script', () => {
  let exam: Awaited<ReturnType<typeof exportScenarioToK6>>
  beforeAll(async () => {
    exam = await exportScenarioToK6({ scenarioFile: 'scenarios/exam-spike.ts', outDir: out('exam'), parallelism: 4, target: 'http://lms.internal:8080' })
  })

  it('type-checks against @types/k6 alone and imports nothing but k6 modules', () => {
    expect(typecheckK6(exam.entry).map((d) => d.messageText)).toEqual([])
    const script = readFileSync(exam.script, 'utf8')
    const imports = [...script.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1])
    expect(new Set(imports)).toEqual(new Set(['k6', 'k6/execution', 'k6/http', 'k6/metrics']))
    expect(script).not.toMatch(/\brequire\(|from "node:|import\.meta/)
    expect(exam.faker).toBe(false)
  })

  it('carries the options k6Options computes and the TestRun splits it over N runners', async () => {
    const fake = loadK6Script(exam.script)
    const scenario = await importScenario('scenarios/exam-spike.ts')
    expect(fake.options).toEqual(JSON.parse(JSON.stringify(k6Options(scenario, {}))))
    const docs = YAML.parseAllDocuments(readFileSync(exam.manifest, 'utf8')).map((d) => d.toJS())
    const testRun = docs.find((d) => d.kind === 'TestRun')
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', spec: { parallelism: 4, script: { configMap: { name: 'exam-spike-script', file: 'exam-spike.k6.js' } } } })
    expect(testRun.spec.runner.env).toContainEqual({ name: 'K6_OUT', value: 'json=/results/$(POD_NAME).json.gz' })
    expect(docs.find((d) => d.kind === 'PersistentVolumeClaim')?.metadata.name).toBe(testRun.spec.runner.volumes[0].persistentVolumeClaim.claimName)
    expect(readFileSync(exam.readme, 'utf8')).toContain('lmsload import k6 results/*.json.gz')
  })

  it('bundles faker only when the scenario mentions it', async () => {
    const daily = await exportScenarioToK6({ scenarioFile: 'scenarios/daily-cycle.ts', outDir: out('daily'), typecheck: false })
    expect(daily.faker).toBe(true)
    expect(daily.bytes).toBeGreaterThan(exam.bytes + 200_000)
  })
})

describe.concurrent('what k6 cannot run is refused at its line', () => {
  it.each([
    ['a Node module', `import { readFileSync } from 'node:fs'`, `readFileSync('/etc/hostname')`, /scenario\.ts:2: imports 'node:fs', a Node module: k6 has no Node API/],
    ['a Node global', ``, `process.env.HOME`, /scenario\.ts:7: Cannot find name 'process'.*k6 scripts are checked against k6's API alone/],
    ['a browser API', ``, `await fetch('http://x')`, /scenario\.ts:7: Cannot find name 'fetch'/],
  ])('%s', async (_what, importLine, use, message) => {
    const file = writeScenario(`import { arrival, defineScenario } from 'lmsload'
${importLine}
export default defineScenario({
  name: 'nodey',
  arrival: arrival.constant({ rate: 1, duration: '5s' }),
  journeys: { a: { weight: 1, run: async (l) => {
    ${use}
    await l.get('/x')
  } } },
})
`)
    const dir = out(`refused-${Math.random().toString(36).slice(2)}`)
    const result = await runCli(['export', 'k6', file, '--out', dir])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(dir)).toBe(false)
  })

  it.each([
    [['export', 'jmeter', 'scenarios/smoke.ts'], /unknown tool 'jmeter'/],
    [['export', 'k6', 'scenarios/smoke.ts', '--parallelism', '0'], /--parallelism: expected a whole number above 0/],
    [['export', 'k6', 'scenarios/smoke.ts', '--target', 'ftp://x'], /--target: expected an http/],
    [['export', 'k6', 'scenarios/nope.ts'], /nope\.ts: no such scenario file/],
  ])('%j is one line', async (args, message) => {
    const dir = out(`flags-${args.length}-${String(message).length}`)
    const result = await runCli([...args, '--out', dir])
    expect(result.code, args.join(' ')).toBe(1)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(dir)).toBe(false)
  })
})

describe('the adapter drives the reference backend through k6’s API', () => {
  const suite = backendForSuite()

  it('smoke: setup, every journey, route templates as names, checks passing', async () => {
    const backend = suite.backend
    const result = await runCli(['export', 'k6', 'scenarios/smoke.ts', '--out', out('smoke'), '--target', 'http://127.0.0.1:1'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/k6 script: .*smoke\.k6\.js \(\d+ KiB, with faker; ramping-arrival-rate, 1 stages, up to \d+ VUs; 3 thresholds\)/)
    expect(readdirSync(out('smoke')).sort()).toEqual(['README.md', 'entry.ts', 'smoke.k6.js', 'testrun.yaml'])
    const k6 = loadK6Script(path.join(out('smoke'), 'smoke.k6.js'), { LMSLOAD_TARGET: backend.url })
    const data = (await k6.setup()) as { courses: unknown[] }
    expect(data.courses.length).toBeGreaterThan(0)
    expect(k6.requests.every((r) => r.url.startsWith(backend.url))).toBe(true)
    const setupRequests = k6.requests.length
    const outcomes = await k6.learners(data, 40)
    expect(outcomes.filter((o) => o.error)).toEqual([])
    const learnerRequests = k6.requests.slice(setupRequests)
    const journeys = new Set(learnerRequests.map((r) => r.tags.journey))
    expect(journeys).toEqual(new Set(['study', 'exam', 'forum', 'assignment', 'enrol', 'gradebook']))
    for (const r of learnerRequests) {
      expect(r.tags.lmsload).toBe('learner')
      expect(r.tags.name).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/[^?]*$/)
      expect(r.tags.name).not.toMatch(/\/\d+(\/|$)/)
      expect(r.redirects).toBe(0)
      expect(r.status, `${r.method} ${r.url}`).toBeGreaterThanOrEqual(200)
      expect(r.status, `${r.method} ${r.url}`).toBeLessThan(500)
    }
    expect(learnerRequests.some((r) => r.responseType === 'none')).toBe(true)
    expect(k6.checks.length).toBeGreaterThan(40)
    expect(k6.checks.filter((c) => !c.passed)).toEqual([])
    expect(k6.sleptSeconds).toBeGreaterThan(0)
    expect(k6.samples.some((s) => s.metric === 'lmsload_step_duration' && s.tags.step === 'start attempt')).toBe(true)
    // Learner n takes the journey lmsload's engine gives learner n (the same seeded pick).
    const scenario = await importScenario('scenarios/smoke.ts')
    const picker = new JourneyPicker(scenario.streams[0]!.journeys)
    for (let id = 0; id < 40; id++) {
      const sent = learnerRequests.filter((r) => r.iteration === id)
      expect(sent.length, `learner ${id}`).toBeGreaterThan(0)
      expect(new Set(sent.map((r) => r.tags.journey)), `learner ${id}`).toEqual(new Set([picker.pick(new Rng(1, id)).name]))
    }
  })
})

