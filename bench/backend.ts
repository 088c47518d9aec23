// The reference backend's throughput per core on `healthy` for the exam-spike mix (sign-in, quiz
// page, start attempt, answers), with one and with two backend worker processes. Each run is the
// real exam-spike scenario against the bundled backend (SQLite); requests per core-second divides
// the requests served by the backend processes' CPU time sampled from /proc every second, so it
// does not depend on how busy the shared machine was. The USL fit of a capacity ladder should
// reproduce the scaling from one worker to two.
// Usage: npm run bench:backend [-- --scale 1 --duration 40s --workers 1,2]
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { readRun } from '../src/record/reader.ts'
import { runDir } from './harness.ts'

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, duration: { type: 'string', default: '40s' }, workers: { type: 'string', default: '1,2' } } })
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

console.log(`exam-spike at scale ${values.scale} squeezed to ${values.duration}, bundled backend (SQLite, profile healthy)`)
console.log('| backend workers | requests | peak req/s | backend CPU-s | req per backend core-second | p95 | errors |')
console.log('|---|---|---|---|---|---|---|')
for (const workers of values.workers.split(',')) {
  const out = runDir()
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'run', path.join(root, 'scenarios/exam-spike.ts'), '--scale', values.scale, '--duration', values.duration, '--backend-workers', workers, '--quiet', '--out', out], { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0 && r.status !== 99) {
    console.log(`| ${workers} | run failed (${r.status}): ${r.stderr.trim().split('\n').at(-1)} | | | | | |`)
    continue
  }
  const run = readRun(out)
  const cpuSeconds = run.resources.filter((l) => l.source === 'target:process').reduce((s, l) => s + (l.metrics.cpu_ratio ?? 0), 0)
  const requests = run.run.result!.requests
  const peak = Math.max(...run.intervals.map((i) => i.requests))
  const analysis = JSON.parse(spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'analyze', out, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout)
  console.log(`| ${workers} | ${requests.toLocaleString('en-US')} | ${peak.toLocaleString('en-US')} | ${cpuSeconds.toFixed(1)} | ${(requests / cpuSeconds).toFixed(0)} | ${analysis.overall.latencyMs?.p95?.toFixed(1)} ms | ${(100 * analysis.overall.errorRate).toFixed(2)} % |`)
}
