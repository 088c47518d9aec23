// Arrival accuracy at rate: achieved vs planned arrivals and start-lag percentiles at several
// open-model rates against a trivial loopback server (pinned to core 0, the generator to core 1).
// Goal: achieved within 1 %, start-lag p99 under 5 ms while the generator is not saturated.
// Usage: npm run bench:arrivals [-- --rates 1000,5000,10000 --duration 20s --workers 1]
import { parseArgs } from 'node:util'
import { runScenario } from '../src/app/run.ts'
import { mergeSparse } from '../src/metrics/sparse.ts'
import { readLatencyLog, readRun } from '../src/record/reader.ts'
import { runDir, scenarioFile, startTrivialServer } from './harness.ts'

const { values } = parseArgs({ options: { rates: { type: 'string', default: '1000,5000,10000' }, duration: { type: 'string', default: '20s' }, workers: { type: 'string', default: '1' } } })

const server = await startTrivialServer(0)
try {
  console.log(`rate/s  planned  started  achieved  lag p50 ms  lag p99 ms  latency p99 ms  worker elu max  saturated`)
  for (const rate of values.rates.split(',').map(Number)) {
    const file = scenarioFile(`
import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'arrivals',
  arrival: arrival.constant({ rate: ${rate}, duration: '${values.duration}' }),
  journeys: { one: { weight: 1, run: async (l) => { await l.get('/') } } },
  options: { gracefulStop: '5s', connections: 256 },
})`)
    const out = runDir()
    await runScenario({ scenarioFile: file, target: server.url, out, workers: Number(values.workers) }, { signal: new AbortController().signal })
    const run = readRun(out)
    const r = run.run.result!
    const logged = [...readLatencyLog(out, [])]
    const lag = mergeSparse(logged.filter((h) => h.tag === 'start-lag').map((h) => h.histogram))
    const latency = mergeSparse(logged.filter((h) => h.tag === 'e1').map((h) => h.histogram))
    const elu = Math.max(...run.intervals.flatMap((i) => i.generator.workers.map((w) => w.elu ?? 0)))
    console.log([
      String(rate).padStart(6), String(r.arrivals.planned).padStart(8), String(r.arrivals.started).padStart(8),
      `${((100 * r.arrivals.started) / r.arrivals.planned).toFixed(2)} %`.padStart(9),
      (lag.getValueAtPercentile(50) / 1000).toFixed(2).padStart(11), (lag.getValueAtPercentile(99) / 1000).toFixed(2).padStart(11),
      (latency.getValueAtPercentile(99) / 1000).toFixed(2).padStart(15), elu.toFixed(2).padStart(15), String(r.generatorSaturated).padStart(10),
    ].join('  '))
  }
} finally {
  server.stop()
}
