// Generator efficiency: the same trivial loopback server (core 0) loaded by each tool in turn from
// core 1, for the same time and connections. Requests are counted by the server; generator CPU is
// user+system time of the tool's whole process tree (/usr/bin/time), start-up and, for lmsload, its
// end-of-run analysis and reports included. Goal: lmsload ≥ 0.9× autocannon's requests per
// generator CPU-second while recording per-endpoint HdrHistograms; wrk is the native limit.
// Usage: npm run bench:generators [-- --seconds 10 --connections 64 --tools lmsload-open,lmsload-closed,autocannon,loadtest,artillery,wrk]
import { spawnSync } from 'node:child_process'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { runDir, scenarioFile, startTrivialServer } from './harness.ts'
import { npmTool, wrk } from './tools.ts'

const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' },
  tools: { type: 'string', default: 'lmsload-open,lmsload-closed,autocannon,loadtest,artillery,wrk' },
} })
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const lmsload = path.join(root, 'src/cli/main.ts')

function lmsloadScenario(model: 'open' | 'closed'): string {
  const load = model === 'open'
    ? `arrival: arrival.constant({ rate: 40000, duration: '${seconds}s' })`
    : `concurrency: concurrency.constant({ learners: ${connections}, duration: '${seconds}s' })`
  return scenarioFile(`
import { defineScenario, arrival, concurrency } from 'lmsload'
export default defineScenario({
  name: 'generator-${model}',
  ${load},
  journeys: { one: { weight: 1, run: async (l) => { await l.get('/') } } },
  options: { gracefulStop: '1s', connections: ${connections} },
})`)
}

function artilleryScript(url: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-artillery-')), 'script.yml')
  writeFileSync(file, `config:\n  target: "${url}"\n  phases:\n    - duration: ${seconds}\n      arrivalRate: 2000\n  http:\n    pool: ${connections}\nscenarios:\n  - flow:\n      - get:\n          url: "/"\n`)
  return file
}

const server = await startTrivialServer(0)
const count = async () => Number(await (await fetch(`${server.url}/__count`)).text())
interface Row { tool: string; requests: number; cpuSec: number; wallSec: number }
const rows: Row[] = []
try {
  for (const tool of values.tools.split(',')) {
    let command: string[] | undefined
    if (tool === 'lmsload-open') command = [process.execPath, lmsload, 'run', lmsloadScenario('open'), '--target', server.url, '--workers', '1', '--quiet', '--out', runDir()]
    else if (tool === 'lmsload-closed') command = [process.execPath, lmsload, 'run', lmsloadScenario('closed'), '--target', server.url, '--workers', '1', '--quiet', '--out', runDir()]
    else if (tool === 'autocannon') { const bin = npmTool('autocannon'); if (bin) command = [bin, '-c', String(connections), '-d', String(seconds), server.url] }
    else if (tool === 'loadtest') { const bin = npmTool('loadtest'); if (bin) command = [bin, '-k', '-c', String(connections), '--maxSeconds', String(seconds), '--cores', '1', server.url] }
    else if (tool === 'artillery') { const bin = npmTool('artillery'); if (bin) command = [bin, 'run', '--quiet', artilleryScript(server.url)] }
    else if (tool === 'wrk') { const bin = wrk(); if (bin) command = [bin, '-t1', `-c${connections}`, `-d${seconds}s`, server.url] }
    if (!command) {
      console.error(`${tool}: not available, skipped`)
      continue
    }
    const before = await count()
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %e', 'taskset', '-c', '1', ...command], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1', ARTILLERY_DISABLE_TELEMETRY: 'true' } })
    const after = await count()
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
    if (!m) {
      console.error(`${tool}: failed (${r.status}): ${r.stderr.slice(-300)}`)
      continue
    }
    rows.push({ tool, requests: after - before, cpuSec: Number(m[1]) + Number(m[2]), wallSec: Number(m[3]) })
  }
} finally {
  server.stop()
}
const ref = rows.find((r) => r.tool === 'autocannon')
const native = rows.find((r) => r.tool === 'wrk')
const perCpu = (r: Row) => r.requests / r.cpuSec
console.log(`trivial server on core 0; each tool on core 1 for ${seconds} s with ${connections} connections`)
console.log('| tool | requests (server-counted) | req/s over the load | generator CPU s | CPU µs per request | req per CPU-s vs autocannon | vs wrk |')
console.log('|---|---|---|---|---|---|---|')
for (const r of rows) {
  console.log(`| ${r.tool} | ${r.requests.toLocaleString('en-US')} | ${Math.round(r.requests / seconds).toLocaleString('en-US')} | ${r.cpuSec.toFixed(2)} | ${((1e6 * r.cpuSec) / r.requests).toFixed(1)} | ${ref ? (perCpu(r) / perCpu(ref)).toFixed(2) : '–'}× | ${native ? (perCpu(r) / perCpu(native)).toFixed(2) : '–'}× |`)
}
