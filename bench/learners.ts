// Concurrent learners: N learners arrive over 20 s, then each sends a heartbeat every 30 s (think
// time) for the hold period. Goal (issue 3): 100,000 learners in under 1.5 GB RSS with the
// heartbeat rate within 1 % of N/30 per second.
// Usage: npm run bench:learners [-- --learners 100000 --hold 120s]
import { parseArgs } from 'node:util'
import { runScenario } from '../src/app/run.ts'
import { readRun } from '../src/record/reader.ts'
import { mib, peakRssBytes, runDir, scenarioFile, startTrivialServer } from './harness.ts'

const { values } = parseArgs({ options: { learners: { type: 'string', default: '100000' }, hold: { type: 'string', default: '120s' }, think: { type: 'string', default: '30s' } } })
const learners = Number(values.learners)
const thinkSec = Number.parseFloat(values.think)
const rampSec = 20

const server = await startTrivialServer(0)
const file = scenarioFile(`
import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'heartbeats',
  arrival: arrival.steps({ stages: [{ rate: ${learners / rampSec}, duration: '${rampSec}s' }, { rate: 0, duration: '${values.hold}' }] }),
  journeys: { beat: { weight: 1, run: async (l) => { for (;;) { await l.get('/beat'); await l.think('${values.think}') } } } },
  options: { maxLearners: ${learners * 2}, gracefulStop: '1s', connections: 128 },
})`)
const out = runDir()
const before = process.memoryUsage().rss
const started = performance.now()
try {
  const outcome = await runScenario({ scenarioFile: file, target: server.url, out, workers: 1, spacing: 'uniform' }, { signal: new AbortController().signal })
  const run = readRun(out)
  // Steady state: every learner has arrived and is beating every think period. The beats repeat the
  // ramp's shape once per think period (here 20 s of beats, 10 s of none), so the window is a whole
  // number of periods: one second more or less of a quiet phase would move the mean by 1 %.
  const from = rampSec + thinkSec
  const periods = Math.floor((outcome.engine.seconds - 2 - from) / thinkSec)
  const steady = run.intervals.filter((i) => i.t >= from && i.t < from + periods * thinkSec)
  const rate = steady.reduce((n, i) => n + i.requests, 0) / Math.max(1, steady.length)
  const expected = learners / thinkSec
  const peakActive = Math.max(...run.intervals.map((i) => i.active))
  const workers = run.intervals.flatMap((i) => i.generator.workers)
  const maxElu = Math.max(...workers.map((w) => w.elu ?? 0))
  const errors = run.intervals.reduce((n, i) => n + Object.values(i.endpoints).reduce((m, e) => m + e.count - e.ok, 0), 0)
  console.log(`learners: ${learners.toLocaleString('en-US')} arrived over ${rampSec} s, heartbeat every ${thinkSec} s, held ${values.hold}`)
  console.log(`peak concurrent learners: ${peakActive.toLocaleString('en-US')}`)
  console.log(`heartbeat rate (steady, ${steady.length} s): ${rate.toFixed(0)} req/s vs ${expected.toFixed(0)} planned (${((100 * rate) / expected - 100).toFixed(2)} %)`)
  console.log(`generator peak RSS (VmHWM, one process: main + 1 worker): ${mib(peakRssBytes())} (start ${mib(before)})`)
  console.log(`worker event-loop utilisation max: ${maxElu.toFixed(2)}; request errors: ${errors}`)
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s; node ${process.version}`)
} finally {
  server.stop()
}
