// The noisy-machine trust finding against a real CPU hog: a run against a target in its own
// process, and two busy-looping processes (one per core of a 2-core runner) started beside it for
// a known stretch. A shared CI runner may be noisy by itself, so the test asserts what the hog
// causes (its seconds are covered), never silence without it.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { runScenario } from '../../../src/app/run.ts'
import { readRun } from '../../../src/record/reader.ts'
import { writeScenario } from '../../helpers/target.ts'

const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
})

const SERVER = `require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port) })`
const HOG_MS = 8000

function startServer(): Promise<{ url: string; pid: number }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  return new Promise((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString())
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, pid: child.pid! })
    })
  })
}

it('a CPU hog beside the run is reported, and the disturbed seconds cover the hog\'s', async () => {
  const target = await startServer()
  let hog: { startMs: number; endMs: number } | undefined
  const startHog = () => {
    const startMs = Date.now()
    hog = { startMs, endMs: startMs + HOG_MS }
    for (let i = 0; i < Math.max(2, availableParallelism()); i++) {
      children.push(spawn(process.execPath, ['-e', `const end = Date.now() + ${HOG_MS}; while (Date.now() < end) {}`], { stdio: 'ignore' }))
    }
  }
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-noisy-')), 'run')
  const outcome = await runScenario({
    scenarioFile: writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'beside-a-hog',
        arrival: arrival.constant({ rate: 100, duration: '22s' }),
        journeys: { ping: { weight: 1, run: async (l) => { await l.get('/ping') } } },
      })`),
    target: target.url, pids: [target.pid], out,
  }, { signal: new AbortController().signal, onProgress: (p) => { if (p.elapsedSec >= 6 && !hog) startHog() } })
  expect(hog, 'the hog started').toBeDefined()
  const a = outcome.analysis
  const noisy = a.findings.find((f) => f.id === 'noisy-machine')
  expect(noisy, a.findings.map((f) => f.id).join(', ')).toBeDefined()
  expect(noisy!.category).toBe('trust')
  // The hog's whole seconds on the run's clock (second 0 begins at the plan's start), a second's slack either side.
  const zero = readRun(out).run.plan.startMs!
  const from = Math.ceil((hog!.startMs - zero) / 1000) + 1
  const to = Math.floor((hog!.endMs - zero) / 1000) - 1
  const window = noisy!.evidence.window!
  expect(window.startSec, `disturbed from ${window.startSec} s, hog from ${from} s`).toBeLessThanOrEqual(from)
  expect(window.endSec, `disturbed to ${window.endSec} s, hog to ${to} s`).toBeGreaterThanOrEqual(to)
  expect(noisy!.evidence.values.disturbedSeconds).toBeGreaterThanOrEqual(0.7 * (to - from))
  expect(noisy!.evidence.values.otherCoresMean).toBeGreaterThan(0.5)
  expect(outcome.analysis.rules.find((r) => r.id === 'noisy-machine')?.status).toBe('found')
}, 90_000)
