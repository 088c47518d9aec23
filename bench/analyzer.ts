// Analyzer scale: a one-hour run with 20 endpoints at 3,000 requests/s (about 10 million requests)
// written by the real RunDirWriter (latency.hlog, intervals.ndjson, resources.ndjson) from
// synthetic seconds, then `lmsload analyze` (analysis plus all three reports) timed as a child
// process, with its peak RSS. Goal: under 10 s and 300 MB.
// With --shards N: the same load written as N shards of a sharded run (each rate/N), and
// `lmsload merge` (the exact merge, then the analysis and reports) timed instead.
// Usage: npm run bench:analyzer [-- --seconds 3600 --endpoints 20 --rate 3000 --shards 3]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Rng } from '../src/core/rng.ts'
import { latencyHistogram, recordUs, type Histogram } from '../src/metrics/histogram.ts'
import type { EndpointInterval } from '../src/metrics/interval.ts'
import { RUN_SCHEMA, type RunJson } from '../src/record/layout/run-json.ts'
import { RunDirWriter } from '../src/record/writer.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3600' }, endpoints: { type: 'string', default: '20' }, rate: { type: 'string', default: '3000' }, shards: { type: 'string', default: '1' } } })
const seconds = Number(values.seconds)
const endpointCount = Number(values.endpoints)
const shards = Number(values.shards)
const rate = Number(values.rate) / shards
const perEndpoint = Math.round(rate / endpointCount)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// A pool of recorded seconds per endpoint, cycled: the log holds one histogram per endpoint per
// second exactly as the engine writes it; only the synthesis is shortened.
const rng = new Rng(42)
const POOL = 16
const pools: Histogram[][] = Array.from({ length: endpointCount }, (_, e) => Array.from({ length: POOL }, () => {
  const h = latencyHistogram()
  for (let i = 0; i < perEndpoint; i++) recordUs(h, (1 + e) * 500 * rng.exponential(1) + (rng.next() < 0.01 ? 200_000 * rng.next() : 0))
  return h
}))
const dbPool: Histogram[] = Array.from({ length: POOL }, () => {
  const h = latencyHistogram()
  for (let i = 0; i < perEndpoint; i++) recordUs(h, 300 * rng.exponential(1))
  return h
})
const lag = latencyHistogram()
for (let i = 0; i < 100; i++) recordUs(lag, 200 + 500 * rng.next())

const base = mkdtempSync(path.join(tmpdir(), 'lmsload-bench-analyzer-'))
const synthStarted = performance.now()
const startMs = Date.now() - seconds * 1000
const shardDirs = Array.from({ length: shards }, (_, k) => path.join(base, shards > 1 ? `shard-${k + 1}` : 'run'))
for (let k = 0; k < shards; k++) writeRun(shardDirs[k]!, k)
const synthSec = (performance.now() - synthStarted) / 1000

function writeRun(dir: string, k: number): void {
const run: RunJson = {
  schema: RUN_SCHEMA, id: 'bench-analyzer', status: 'running',
  scenario: { name: 'bench-analyzer', description: `${endpointCount} endpoints at ${rate} requests/s for ${seconds} s`, file: 'bench/analyzer.ts', model: 'open', profile: {}, journeys: [{ name: 'mix', weight: 1 }], budgets: { overall: ['p95 < 500ms', 'errors < 1%'] }, tags: {} },
  target: { url: 'http://127.0.0.1:1/', bundled: false },
  options: { seed: 42, workers: 1, maxLearners: 100_000, connections: 256, requestTimeoutMs: 30_000, gracefulStopMs: 5000, spacing: 'poisson', scrape: [], pids: [] },
  environment: { lmsloadVersion: 'bench', node: process.version, platform: process.platform, arch: process.arch, cpus: 2, cpuModel: 'bench', totalMemBytes: 0, hostname: 'bench' },
  plan: { learners: rate * seconds, durationMs: seconds * 1000 },
  endpoints: [], steps: [], startedAt: new Date(0).toISOString(),
  ...(shards > 1 ? { shard: { index: k + 1, count: shards, runId: 'bench-analyzer', startAtMs: startMs, planDigest: 'bench', setupDigest: 'none', clock: { method: 'date-header' as const, offsetMs: 0, lowMs: -400, highMs: 400 } } } : {}),
}
const writer = RunDirWriter.create(dir, run)
writer.start({ startMs, plannedLearners: rate * seconds, durationMs: seconds * 1000, plannedPerSecond: undefined, model: 'open', workers: 1 })
for (let t = 0; t < seconds; t++) {
  const endpoints = new Map<string, EndpointInterval>()
  for (let e = 0; e < endpointCount; e++) {
    const failed = t % 300 === e ? 3 : 0
    endpoints.set(`GET /api/route${e}/:id`, {
      count: perEndpoint, ok: perEndpoint - failed, errors: failed ? { http: failed } : {}, statuses: { 200: perEndpoint - failed, ...(failed ? { 503: failed } : {}) },
      bytesIn: perEndpoint * 2000, bytesOut: perEndpoint * 200, latency: pools[e]![(t + e) % POOL]!,
      timing: new Map([['db', dbPool[(t * 7 + e) % POOL]!]]), timingDesc: {},
    })
  }
  writer.interval({
    second: t, startMs: startMs + t * 1000, arrivals: { planned: rate, started: rate, dropped: 0 }, activeLearners: rate, peakActive: rate, journeyErrors: [],
    journeys: { mix: { started: rate, completed: rate, failed: 0, interrupted: 0 } }, endpoints, steps: new Map(), checks: {}, startLag: lag,
    generator: { workers: [{ elu: 0.5, lagP99Ms: 2, lagMaxMs: 4, cpuRatio: 0.6, heapUsedBytes: 1e8, poolQueued: 0, poolRunning: 100, poolConnected: 256 }] },
  })
  writer.resource(startMs + t * 1000 + 500, { source: 'target', kind: 'prometheus', metrics: { cpu_ratio: 0.6, event_loop_lag_p99_ms: 11, heap_used_bytes: 1e8, db_time_ratio: 0.2 } })
  writer.resource(startMs + t * 1000 + 500, { source: 'generator', kind: 'process', metrics: { cpu_ratio: 0.6, rss_bytes: 2e8, processes: 1 } })
}
writer.finish('completed', { seconds, generatorSaturated: false })
}
const dir = shards > 1 ? path.join(base, 'merged') : shardDirs[0]!
const mib = (f: string, d = dir) => (statSync(path.join(d, f)).size / 1048576).toFixed(1)

const cli = path.join(root, 'src/cli/main.ts')
const args = shards > 1 ? [cli, 'merge', ...shardDirs, '--out', dir] : [cli, 'analyze', dir, '--format', 'json']
const timed = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
const [wall, rssKb] = timed.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
const analysis = shards > 1 ? JSON.parse(readFileSync(path.join(dir, 'analysis.json'), 'utf8')) : JSON.parse(timed.stdout)
console.log(`synthesised ${seconds} s × ${endpointCount} endpoints at ${rate * shards}/s${shards > 1 ? ` as ${shards} shards` : ''} in ${synthSec.toFixed(1)} s: latency.hlog ${mib('latency.hlog', shardDirs[0])} MiB, intervals.ndjson ${mib('intervals.ndjson', shardDirs[0])} MiB${shards > 1 ? ' each' : ''} (${base})`)
console.log('| measure | value | goal |')
console.log('|---|---|---|')
console.log(`| requests analysed | ${analysis.overall.count.toLocaleString('en-US')} | ~10 million |`)
console.log(`| \`lmsload ${shards > 1 ? `merge\` of ${shards} shards` : 'analyze`'} wall time (${shards > 1 ? 'merge + ' : ''}analysis + report.html + summary.md + junit.xml) | ${wall!.toFixed(1)} s | < 10 s |`)
console.log(`| peak RSS | ${(rssKb! / 1024).toFixed(0)} MiB | < 300 MB |`)
console.log(`| report.html | ${mib('report.html')} MiB | < 2 MB |`)
if (timed.status !== 0 && timed.status !== 99) console.log(`analyze exited ${timed.status}: ${timed.stderr.slice(0, 500)}`)
