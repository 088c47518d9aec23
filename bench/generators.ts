// Generator efficiency: the same trivial loopback server (core 0) loaded by each tool in turn from
// core 1. Requests are counted by the server. Two CPU figures per tool:
// - whole: user+system time of the tool's whole process tree over the run (/usr/bin/time), start-up
//   included, and for lmsload its end-of-run analysis and reports (use runs of 30 s or more);
// - steady: CPU ticks of the process tree (/proc) against server-counted requests between 20 % and
//   80 % of the run, where every tool is in its steady state.
// Tools run in rounds, interleaved (autocannon, lmsload, …, then again), and every ratio is taken
// within one round and reported as the median over rounds: this machine's speed drifts by ±30 %
// from minute to minute, so a ratio of two tools run minutes apart means nothing.
// Rows: closed model (64 connections / 64 learners), open model at --rate (autocannon -R), the open
// model at 2× the best closed throughput of the round (run it last) (CPU per *planned* arrival, dropped arrivals
// counted), undici alone (bench/undici-floor.ts: the floor under any undici-based generator), wrk
// (native), and two paced generators at --rate beside the open model: bench/paced-floor.ts (a bare
// Node client paced as lmsload paces, doing nothing else) and hey -q (Go, a ticker per worker).
// autocannon -R is a per-second quota sent back to back, not pacing: the pacing table at the end
// sets the open model against all three. `--https` adds the closed model over TLS (a self-signed certificate made here; lmsload
// trusts it through NODE_EXTRA_CA_CERTS, autocannon does not verify).
// Goals: lmsload closed ≥ 1.0× and open ≥ 0.9× autocannon's requests per CPU-second (whole).
// Usage: npm run bench:generators [-- --seconds 30 --rounds 3 --connections 64 --rate 8000 --https
//        --baseline ../old-checkout --tools autocannon,lmsload-closed,autocannon-rate,lmsload-open,paced-floor,hey-rate,lmsload-overload,undici,wrk,loadtest,artillery]
import { spawn } from 'node:child_process'
import { get as httpsGet } from 'node:https'
import { existsSync, readdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { runDir, scenarioFile, selfSignedCertificate, startTrivialServer, type Target } from './harness.ts'
import { debianTool, npmTool } from './tools.ts'

const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '30' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '64' },
  rate: { type: 'string', default: '8000' }, https: { type: 'boolean', default: false }, baseline: { type: 'string' },
  tools: { type: 'string', default: 'autocannon,lmsload-closed,autocannon-rate,lmsload-open,paced-floor,hey-rate,undici,wrk,lmsload-overload' },
} })
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const connections = Number(values.connections)
const rate = Number(values.rate)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TICK_S = 0.01 // /proc CPU times are in clock ticks of 10 ms (USER_HZ = 100 on Linux)

function lmsloadScenario(load: string): string {
  return scenarioFile(`
import { defineScenario, arrival, concurrency } from 'lmsload'
export default defineScenario({
  name: 'generator',
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

/** user+system ticks of `pid` and all its descendants, now. */
function treeTicks(pid: number): number {
  let ticks = 0
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim()
      for (const child of children ? children.split(' ') : []) ticks += treeTicks(Number(child))
    }
  } catch {
    // The process ended between two reads.
  }
  return ticks
}

function count(target: Target, ca: Buffer | undefined): Promise<number> {
  if (!ca) return fetch(`${target.url}/__count`).then(async (r) => Number(await r.text()))
  return new Promise((resolve, reject) => {
    httpsGet(`${target.url}/__count`, { ca }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve(Number(body)))
    }).on('error', reject)
  })
}

interface Measure { tool: string; requests: number; cpuSec: number; wallSec: number; steadyRequests: number; steadyCpuSec: number; planned?: number; dropped?: number }

async function measure(tool: string, command: string[], target: Target, ca: Buffer | undefined, extraEnv: Record<string, string> = {}): Promise<Measure | undefined> {
  const before = await count(target, ca)
  const child = spawn('/usr/bin/time', ['-f', 'TIME %U %S %e', 'taskset', '-c', '1', ...command], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ARTILLERY_DISABLE_TELEMETRY: 'true', ...extraEnv } })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const sample = async () => ({ ticks: treeTicks(child.pid!), requests: await count(target, ca) })
  await new Promise((r) => setTimeout(r, seconds * 200))
  const a = await sample()
  await new Promise((r) => setTimeout(r, seconds * 600))
  const b = await sample()
  const status = await exited
  const after = await count(target, ca)
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(stderr)
  if (!m) {
    console.error(`${tool}: failed (${status}): ${stderr.slice(-300)}`)
    return undefined
  }
  return { tool, requests: after - before, cpuSec: Number(m[1]) + Number(m[2]), wallSec: Number(m[3]), steadyRequests: b.requests - a.requests, steadyCpuSec: (b.ticks - a.ticks) * TICK_S }
}

// lmsload runs as users run it: the installed command (bin/lmsload.js → the compiled dist/, V8's
// compile cache on) when the checkout has a build (`npm run build`), else from the TypeScript sources,
// which costs about 0.7 CPU-s more per run in type stripping and compiling.
function lmsloadCommand(scenario: string, url: string, out: string, checkout = root): string[] {
  const built = existsSync(path.join(checkout, 'dist/src/cli/main.js'))
  const entry = built ? path.join(checkout, 'bin/lmsload.js') : path.join(checkout, 'src/cli/main.ts')
  return [process.execPath, entry, 'run', scenario, '--target', url, '--workers', '1', '--quiet', '--out', out]
}

async function runTool(tool: string, target: Target, ca: Buffer | undefined, overloadRate: number): Promise<Measure | undefined> {
  const url = target.url
  const caEnv: Record<string, string> = ca ? { NODE_EXTRA_CA_CERTS: path.join(tlsDir!, 'cert.pem') } : {}
  const base = tool.replace(/-https$/, '').replace(/@baseline$/, '')
  if (base.startsWith('lmsload-')) {
    const load = base === 'lmsload-closed'
      ? `concurrency: concurrency.constant({ learners: ${connections}, duration: '${seconds}s' })`
      : `arrival: arrival.constant({ rate: ${base === 'lmsload-open' ? rate : overloadRate}, duration: '${seconds}s' })`
    const out = runDir()
    const checkout = tool.endsWith('@baseline') ? path.resolve(values.baseline!) : root
    const m = await measure(tool, lmsloadCommand(lmsloadScenario(load), url, out, checkout), target, ca, caEnv)
    if (m && base !== 'lmsload-closed') {
      const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as { result?: { arrivals: { planned: number; dropped: number } } }
      m.planned = run.result?.arrivals.planned
      m.dropped = run.result?.arrivals.dropped
    }
    return m
  }
  if (base === 'autocannon' || base === 'autocannon-rate') {
    const bin = npmTool('autocannon')
    if (!bin) return undefined
    const rateArgs = base === 'autocannon-rate' ? ['-R', String(rate)] : []
    return measure(tool, [bin, '-c', String(connections), '-d', String(seconds), ...rateArgs, url], target, ca)
  }
  if (base === 'paced-floor') return measure(tool, [process.execPath, path.join(root, 'bench/paced-floor.ts'), url, String(seconds), String(connections), String(rate)], target, ca)
  if (base === 'hey-rate') {
    // hey's -q is a rate per worker, each worker waiting on its own ticker: paced, not bursts.
    const bin = debianTool('hey')
    return bin ? measure(tool, [bin, '-z', `${seconds}s`, '-c', String(connections), '-q', String(rate / connections), url], target, ca) : undefined
  }
  if (base === 'undici') return measure(tool, [process.execPath, path.join(root, 'bench/undici-floor.ts'), url, String(seconds), String(connections)], target, ca, caEnv)
  if (base === 'loadtest') {
    const bin = npmTool('loadtest')
    return bin ? measure(tool, [bin, '-k', '-c', String(connections), '--maxSeconds', String(seconds), '--cores', '1', url], target, ca) : undefined
  }
  if (base === 'artillery') {
    const bin = npmTool('artillery')
    return bin ? measure(tool, [bin, 'run', '--quiet', artilleryScript(url)], target, ca) : undefined
  }
  if (base === 'wrk') {
    const bin = debianTool('wrk')
    return bin ? measure(tool, [bin, '-t1', `-c${connections}`, `-d${seconds}s`, url], target, ca) : undefined
  }
  console.error(`${tool}: unknown tool, skipped`)
  return undefined
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

// --baseline <checkout>: the same lmsload rows run from another checkout (an earlier commit, with
// its node_modules), interleaved with this one's: before/after within one run.
const tools = values.tools.split(',').flatMap((t) => (values.baseline && t.startsWith('lmsload-') ? [t, `${t}@baseline`] : [t]))
const tlsDir = values.https ? selfSignedCertificate() : undefined
const ca = tlsDir ? readFileSync(path.join(tlsDir, 'cert.pem')) : undefined
const plain = await startTrivialServer(0)
const secure = tlsDir ? await startTrivialServer(0, tlsDir) : undefined
const results: Measure[][] = []
try {
  for (let round = 0; round < rounds; round++) {
    const row: Measure[] = []
    const jobs: Array<[string, Target, Buffer | undefined]> = tools.map((t) => [t, plain, undefined])
    if (secure) jobs.push(['autocannon-https', secure, ca], ['lmsload-closed-https', secure, ca])
    for (const [tool, target, tlsCa] of jobs) {
      const closed = row.filter((m) => ['autocannon', 'lmsload-closed', 'undici', 'wrk'].includes(m.tool)).map((m) => m.requests / seconds)
      const overloadRate = Math.round(2 * Math.max(rate, ...closed))
      const m = await runTool(tool, target, tlsCa, overloadRate)
      if (m) row.push(m)
      process.stderr.write(`round ${round + 1}/${rounds}: ${tool} ${m ? `${Math.round(m.requests / seconds)} req/s, ${((1e6 * m.cpuSec) / m.requests).toFixed(1)} µs/req` : 'failed'}\n`)
    }
    results.push(row)
  }
} finally {
  plain.stop()
  secure?.stop()
}

// The reference of each row: autocannon for the closed rows, autocannon -R for the open row and the paced generators.
const referenceOf = (tool: string) => (tool.startsWith('lmsload-open') || tool === 'paced-floor' || tool === 'hey-rate' ? 'autocannon-rate' : tool.endsWith('-https') ? 'autocannon-https' : 'autocannon')
const perWhole = (m: Measure) => m.requests / m.cpuSec
const perSteady = (m: Measure) => m.steadyRequests / m.steadyCpuSec
/** `tool`'s requests per CPU-second over `reference`'s, one ratio per round where both ran. */
function roundRatios(tool: string, reference: string, per: (m: Measure) => number): number[] {
  return results.map((row) => {
    const m = row.find((x) => x.tool === tool)
    const ref = row.find((x) => x.tool === reference)
    return m && ref ? per(m) / per(ref) : Number.NaN
  }).filter((x) => Number.isFinite(x))
}

console.log(`trivial server on core 0; each tool on core 1 for ${seconds} s with ${connections} connections; ${rounds} interleaved rounds, medians`)
console.log(`lmsload runs from ${existsSync(path.join(root, 'dist/src/cli/main.js')) ? 'its build (bin/lmsload.js)' : 'sources (no dist/: npm run build to measure what users run)'}${values.baseline ? `; baseline from ${existsSync(path.join(path.resolve(values.baseline), 'dist/src/cli/main.js')) ? 'its build' : 'sources'}` : ''}`)
console.log('| tool | req/s (server-counted) | CPU s (whole) | µs/req whole | µs/req steady | vs reference, whole | vs reference, steady | µs per planned arrival | dropped |')
console.log('|---|---|---|---|---|---|---|---|---|')
for (const tool of [...new Set(results.flat().map((m) => m.tool))]) {
  const mine = results.map((row) => row.find((m) => m.tool === tool)).filter((m): m is Measure => m !== undefined)
  const ratios = (per: (m: Measure) => number) => roundRatios(tool, referenceOf(tool), per)
  const planned = mine.filter((m) => m.planned !== undefined)
  console.log(`| ${tool} (ref. ${referenceOf(tool)}) | ${Math.round(median(mine.map((m) => m.requests / seconds))).toLocaleString('en-US')} | ${median(mine.map((m) => m.cpuSec)).toFixed(2)} | ${median(mine.map((m) => (1e6 * m.cpuSec) / m.requests)).toFixed(1)} | ${median(mine.map((m) => (1e6 * m.steadyCpuSec) / m.steadyRequests)).toFixed(1)} | ${median(ratios(perWhole)).toFixed(2)}× | ${median(ratios(perSteady)).toFixed(2)}× | ${planned.length ? median(planned.map((m) => (1e6 * m.cpuSec) / m.planned!)).toFixed(1) : '–'} | ${planned.length ? median(planned.map((m) => m.dropped!)).toLocaleString('en-US') : '–'} |`)
}

// The open model against every generator at the same rate: autocannon -R's bursts (the goal's
// reference), and the two that pace (the price of pacing is in their ratios to autocannon -R above).
const paced = ['autocannon-rate', 'paced-floor', 'hey-rate'].filter((ref) => results.some((row) => row.some((m) => m.tool === ref)))
const open = [...new Set(results.flat().map((m) => m.tool))].filter((t) => t.startsWith('lmsload-open'))
if (open.length > 0 && paced.length > 1) {
  console.log(`\nopen model at ${rate.toLocaleString('en-US')}/s against each generator at that rate (requests per CPU-second, median of per-round ratios, whole / steady)`)
  console.log(`| lmsload | ${paced.map((ref) => `vs ${ref}`).join(' | ')} |`)
  console.log(`|---|${paced.map(() => '---').join('|')}|`)
  for (const tool of open) {
    const cell = (ref: string) => `${median(roundRatios(tool, ref, perWhole)).toFixed(2)}× / ${median(roundRatios(tool, ref, perSteady)).toFixed(2)}×`
    console.log(`| ${tool} | ${paced.map(cell).join(' | ')} |`)
  }
}
