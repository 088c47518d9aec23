// k6 import scale: runner files of k6 --out json NDJSON (the envelope k6 writes, nine metrics per
// request as k6 emits them), written to disk, then `lmsload import k6` over all of them as a child
// process: wall time, points per second and peak RSS. The import streams and merges the files;
// its memory should stay flat as the files grow (goal: under 300 MB at any size).
// Usage: npm run bench:import-k6 [-- --requests 300000 --runners 4 --seconds 600 --gzip]
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createGzip } from 'node:zlib'
import { Rng } from '../src/core/rng.ts'

const { values } = parseArgs({ options: {
  requests: { type: 'string', default: '300000' }, runners: { type: 'string', default: '4' }, seconds: { type: 'string', default: '600' }, gzip: { type: 'boolean', default: false },
} })
const requests = Number(values.requests)
const runners = Number(values.runners)
const seconds = Number(values.seconds)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-bench-import-'))
const t0 = Date.parse('2026-11-20T10:00:00Z')
const ENDPOINTS = ['POST /api/auth/login', 'GET /api/quizzes/:id', 'POST /api/quizzes/:id/attempts', 'PUT /api/attempts/:id/answers/:questionId', 'POST /api/attempts/:id/submit']
const METRICS = ['http_reqs', 'http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving', 'http_req_failed']

async function writeRunner(r: number): Promise<string> {
  const file = path.join(dir, `runner-${r}.json${values.gzip ? '.gz' : ''}`)
  const out = createWriteStream(file)
  const sink = values.gzip ? createGzip() : undefined
  if (sink) sink.pipe(out)
  const target = sink ?? out
  const rng = new Rng(7, r)
  const perRunner = Math.floor(requests / runners)
  let buffer = ''
  for (let i = 0; i < perRunner; i++) {
    // Points in time order per runner, with k6's jitter of a few hundred milliseconds.
    const t = t0 + (i / perRunner) * seconds * 1000 + rng.next() * 300
    const time = new Date(t).toISOString().replace('Z', '512345Z')
    const name = ENDPOINTS[i % ENDPOINTS.length]!
    const latency = 2 + rng.exponential(30)
    const tags = `{"expected_response":"true","group":"","method":"${name.split(' ')[0]}","name":"${name}","proto":"HTTP/1.1","scenario":"learners","status":"200","journey":"exam taker","lmsload":"learner","url":"http://127.0.0.1:8080${name.split(' ')[1]}"}`
    for (const metric of METRICS) {
      const value = metric === 'http_reqs' ? 1 : metric === 'http_req_failed' ? 0 : metric === 'http_req_duration' ? latency : latency / 10
      buffer += `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}\n`
    }
    if (buffer.length > 1 << 20) {
      if (!target.write(buffer)) await new Promise<void>((resolve) => target.once('drain', () => resolve()))
      buffer = ''
    }
  }
  target.end(buffer)
  await new Promise<void>((resolve) => out.on('finish', () => resolve()))
  return file
}

const files = await Promise.all(Array.from({ length: runners }, (_, r) => writeRunner(r)))
const bytes = files.reduce((a, f) => a + statSync(f).size, 0)
const points = Math.floor(requests / runners) * runners * METRICS.length
console.log(`${runners} runner files, ${(bytes / 1e6).toFixed(0)} MB${values.gzip ? ' (gzip)' : ''}, ${points.toLocaleString('en')} points (${(requests).toLocaleString('en')} requests over ${seconds} s)`)
const timed = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, path.join(root, 'src/cli/main.ts'), 'import', 'k6', ...files, '--out', path.join(dir, 'run')], { encoding: 'utf8', maxBuffer: 1 << 26 })
if (timed.status !== 0) {
  console.error(timed.stdout, timed.stderr)
  process.exit(1)
}
const [wall, rssKb] = timed.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number]
console.log(`lmsload import k6 (merge, fold, analyse, report): ${wall.toFixed(1)} s, ${(points / wall / 1e6).toFixed(2)} M points/s, ${(bytes / wall / 1e6).toFixed(0)} MB/s, peak RSS ${(rssKb / 1024).toFixed(0)} MiB`)
console.log(timed.stdout.split('\n')[0])
rmSync(dir, { recursive: true, force: true })
