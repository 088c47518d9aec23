// Coordinated-omission honesty: a server that answers at once but freezes for 1 s once every 5 s.
// At a fixed arrival rate well below capacity, a fifth of the requests arrive during a freeze and
// wait for its end, uniformly 0–1 s: the true p90 is ≈ 0.5 s and p99 ≈ 0.95 s above the base
// latency. The truth is taken from the server: it records how long it held each request (receipt to
// reply, so the burst of replies written when a freeze ends is in it), and the round trip it cannot
// see is added (lmsload's p50 minus the server's). lmsload (open model, latency from the intended
// start) is compared with that truth: what is left is the generator's own error. And
// autocannon and wrk (closed loops: a stalled connection sends nothing, so the freeze is one slow
// sample per connection) are printed beside it. Goal: lmsload within 5 % of the truth at p90, p99.
// Usage: npm run bench:co [-- --seconds 30 --rate 200 --connections 10]
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { runScenario } from '../src/app/run.ts'
import { mergeSparse } from '../src/metrics/sparse.ts'
import { readLatencyLog } from '../src/record/reader.ts'
import { runDir, scenarioFile, startServer } from './harness.ts'
import { debianTool, npmTool } from './tools.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, rate: { type: 'string', default: '200' }, connections: { type: 'string', default: '10' } } })
const seconds = Number(values.seconds)
const STALL_MS = 1000
const PERIOD_MS = 5000

interface Row { tool: string; model: string; requests: number; p50: number; p90: number; p99: number }
const rows: Row[] = []
let held: number[] = []
const server = await startServer('stall-server.ts', 0, [String(STALL_MS), String(PERIOD_MS)])
try {
  const file = scenarioFile(`
import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'co',
  arrival: arrival.constant({ rate: ${values.rate}, duration: '${seconds}s' }),
  journeys: { one: { weight: 1, run: async (l) => { await l.get('/') } } },
  options: { gracefulStop: '3s' },
})`)
  const out = runDir()
  await runScenario({ scenarioFile: file, target: server.url, out, workers: 1, spacing: 'uniform' }, { signal: new AbortController().signal })
  const h = mergeSparse([...readLatencyLog(out, [])].filter((l) => l.tag === 'e1').map((l) => l.histogram))
  rows.push({ tool: 'lmsload', model: `open, ${values.rate}/s`, requests: h.totalCount, p50: h.getValueAtPercentile(50) / 1000, p90: h.getValueAtPercentile(90) / 1000, p99: h.getValueAtPercentile(99) / 1000 })
  held = (await (await fetch(`${server.url}/__held`)).json() as number[]).sort((a, b) => a - b)

  const autocannon = npmTool('autocannon')
  if (autocannon) {
    const r = spawnSync('taskset', ['-c', '1', autocannon, '-c', values.connections, '-d', String(seconds), '--json', server.url], { encoding: 'utf8', maxBuffer: 1 << 26 })
    const j = JSON.parse(r.stdout)
    rows.push({ tool: 'autocannon 9', model: `closed, ${values.connections} connections`, requests: j.requests.total, p50: j.latency.p50, p90: j.latency.p90, p99: j.latency.p99 })
  }
  const wrkBin = debianTool('wrk')
  if (wrkBin) {
    const r = spawnSync('taskset', ['-c', '1', wrkBin, '-t1', `-c${values.connections}`, `-d${seconds}s`, '--latency', server.url], { encoding: 'utf8' })
    const at = (p: string) => {
      const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(r.stdout)
      return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : Number.NaN
    }
    const total = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? Number.NaN)
    rows.push({ tool: 'wrk 4.1', model: `closed, ${values.connections} connections`, requests: total, p50: at('50'), p90: at('90'), p99: at('99') })
  }
} finally {
  server.stop()
}

// The truth: what the server held each of lmsload's requests (the same requests), plus the round
// trip outside the server, read at the median where no freeze is involved.
const heldAt = (q: number) => held[Math.min(held.length - 1, Math.ceil(q * held.length) - 1)]!
const roundTrip = rows[0]!.p50 - heldAt(0.5)
const truth = { p50: rows[0]!.p50, p90: heldAt(0.9) + roundTrip, p99: heldAt(0.99) + roundTrip }
const fmt = (ms: number) => (ms >= 100 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(2)} ms`)
const err = (v: number, t: number) => `${v >= t ? '+' : ''}${((100 * (v - t)) / t).toFixed(1)} %`
console.log(`server: answers at once, freezes ${STALL_MS} ms every ${PERIOD_MS} ms; ${seconds} s per tool`)
console.log(`server held ${held.length.toLocaleString('en-US')} of lmsload's requests; round trip outside the server ${roundTrip.toFixed(2)} ms`)
console.log('| tool | model | requests | p50 | p90 (vs truth) | p99 (vs truth) |')
console.log('|---|---|---|---|---|---|')
console.log(`| truth | held by the server + round trip | – | ${fmt(truth.p50)} | ${fmt(truth.p90)} | ${fmt(truth.p99)} |`)
for (const r of rows) console.log(`| ${r.tool} | ${r.model} | ${r.requests.toLocaleString('en-US')} | ${fmt(r.p50)} | ${fmt(r.p90)} (${err(r.p90, truth.p90)}) | ${fmt(r.p99)} (${err(r.p99, truth.p99)}) |`)
