// The reference backend's throughput per core on `healthy` for the exam-spike mix (sign-in, quiz
// page, start attempt, answers), with one and with two backend worker processes. Each run is the
// real exam-spike scenario against the bundled backend (SQLite); requests per core-second divides
// the requests served by the backend processes' CPU time sampled from /proc every second, so it
// does not depend on how busy the shared machine was. The USL fit of a capacity ladder should
// reproduce the scaling from one worker to two.
// PostgreSQL runs on a throwaway cluster (the test suite's setup, needs the Debian postgresql
// package) against a backend started with --database-url and loaded through --target.
// Usage: npm run bench:backend [-- --scale 1 --duration 40s --workers 1,2 --engines sqlite,postgres]
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { readRun } from '../src/record/reader.ts'
import { runDir } from './harness.ts'

const { values } = parseArgs({ options: {
  scale: { type: 'string', default: '1' }, duration: { type: 'string', default: '40s' }, workers: { type: 'string', default: '1,2' }, engines: { type: 'string', default: 'sqlite,postgres' },
} })
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const backendCli = path.join(root, 'reference-backend/src/cli.ts')

/** A seeded PostgreSQL database on a throwaway cluster; returns its URL and a teardown. */
async function postgres(): Promise<{ url: string; stop(): void }> {
  const { default: setup } = await import('../tests/helpers/postgres-setup.ts')
  let admin = ''
  const teardown = await setup({ provide: (_key: string, value: string) => { admin = value } } as never)
  const url = admin.replace(/\/postgres$/, '/lms_bench')
  spawnSync('psql', [admin, '-qc', 'CREATE DATABASE lms_bench'], { stdio: 'inherit' })
  const seeded = spawnSync(process.execPath, [backendCli, 'seed', '--database-url', url, '--data-dir', mkdtempSync(path.join(tmpdir(), 'lmsload-bench-pg-'))], { encoding: 'utf8' })
  if (seeded.status !== 0) throw new Error(`seeding PostgreSQL failed: ${seeded.stderr}`)
  return { url, stop: () => (teardown as (() => void) | undefined)?.() }
}

/** Starts the backend on PostgreSQL with N workers; resolves with its URL and pid. */
function startOnPostgres(url: string, workers: string): Promise<{ target: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, [backendCli, 'start', '--database-url', url, '--data-dir', mkdtempSync(path.join(tmpdir(), 'lmsload-bench-pg-')), '--port', '0', '--workers', workers, '--log-level', 'silent', '--login-rate-limit', '1000000'], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) resolve({ target: m[1]!, pid: child.pid!, stop: () => child.kill('SIGTERM') })
    })
    child.on('exit', (code) => reject(new Error(`backend exited ${code}: ${out}`)))
  })
}

console.log(`exam-spike at scale ${values.scale} squeezed to ${values.duration}, profile healthy`)
console.log('| database | backend workers | requests | peak req/s | backend CPU-s | req per backend core-second | p95 | errors |')
console.log('|---|---|---|---|---|---|---|---|')
const pg = values.engines.includes('postgres') ? await postgres() : undefined
try {
for (const engine of values.engines.split(',')) for (const workers of values.workers.split(',')) {
  const out = runDir()
  const backend = engine === 'postgres' ? await startOnPostgres(pg!.url, workers) : undefined
  const where = backend ? ['--target', backend.target, '--pid', String(backend.pid), '--scrape', `${backend.target}/metrics`] : ['--backend-workers', workers]
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'run', path.join(root, 'scenarios/exam-spike.ts'), '--scale', values.scale, '--duration', values.duration, ...where, '--quiet', '--out', out], { encoding: 'utf8', maxBuffer: 1 << 26 })
  backend?.stop()
  if (r.status !== 0 && r.status !== 99) {
    console.log(`| ${engine} | ${workers} | run failed (${r.status}): ${r.stderr.trim().split('\n').at(-1)} | | | | | |`)
    continue
  }
  const run = readRun(out)
  const source = backend ? `process:${backend.pid}` : 'target:process'
  const cpuSeconds = run.resources.filter((l) => l.source === source).reduce((s, l) => s + (l.metrics.cpu_ratio ?? 0), 0)
  const requests = run.run.result!.requests
  const peak = Math.max(...run.intervals.map((i) => i.requests))
  const analysis = JSON.parse(spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'analyze', out, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout)
  console.log(`| ${engine} | ${workers} | ${requests.toLocaleString('en-US')} | ${peak.toLocaleString('en-US')} | ${cpuSeconds.toFixed(1)} | ${(requests / cpuSeconds).toFixed(0)} | ${analysis.overall.latencyMs?.p95?.toFixed(1)} ms | ${(100 * analysis.overall.errorRate).toFixed(2)} % |`)
}
} finally {
  pg?.stop()
}
