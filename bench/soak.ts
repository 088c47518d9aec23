// Soak: a day of ordinary LMS traffic (scenarios/daily-cycle.ts) compressed into --duration
// (default 30 minutes) against the bundled backend on `healthy`. A leak shows as memory that is
// higher at the end of the night than at its start, under the same low load; a drifting generator
// as arrivals falling behind the plan; a tiring backend as errors or a p95 that climbs quarter by
// quarter. Prints the table; the run directory is kept for the report.
// Usage: npm run bench:soak [-- --duration 30m --scale 1 --out DIR]
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { linearRegression, median } from 'simple-statistics'
import type { Analysis } from '../src/analyze/analysis.ts'
import { runScenario } from '../src/app/run.ts'
import { parseDurationMs } from '../src/core/units.ts'

const { values } = parseArgs({ options: {
  duration: { type: 'string', default: '30m' }, scale: { type: 'string', default: '1' }, out: { type: 'string' },
  /** Print the tables again from an earlier soak's run directory. */
  from: { type: 'string' },
} })
const durationMs = parseDurationMs(values.duration, '--duration')
const out = values.from ?? values.out ?? path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-soak-')), 'run')
const started = Date.now()
const a: Analysis = values.from
  ? JSON.parse(readFileSync(path.join(values.from, 'analysis.json'), 'utf8')) as Analysis
  : (await runScenario({
      scenarioFile: 'scenarios/daily-cycle.ts', shape: { durationMs, scale: Number(values.scale) }, out, gracefulStopMs: 10_000,
    }, { signal: new AbortController().signal, onNotice: (line) => console.error(line) })).analysis

const n = a.series.t.length
const tenth = Math.max(10, Math.floor(n / 10))
type Values = Array<number | null>
const clean = (v: Values | undefined, from: number, to: number) => (v ?? []).slice(from, to).filter((x): x is number => x !== null)
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`
/**
 * Memory growth at equal load: least squares of memory on active learners and time together; the
 * time coefficient is what grows while the number of learners in flight is held constant. (The end
 * of a compressed night still holds the evening's long journeys, so first and last tenth differ in
 * load as well as in time.)
 */
function growthAtEqualLoad(v: Values | undefined): number | undefined {
  const rows = (v ?? []).map((y, t) => [1, a.series.active[t] ?? 0, t, y] as const).filter((r): r is readonly [1, number, number, number] => r[3] !== null)
  if (rows.length < 30) return undefined
  // Normal equations XᵀX β = Xᵀy for three columns, solved by Cramer's rule.
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
  const b = [0, 0, 0]
  for (const r of rows) for (let i = 0; i < 3; i++) {
    b[i]! += r[i]! * r[3]
    for (let j = 0; j < 3; j++) m[i]![j]! += r[i]! * r[j]!
  }
  const det = (x: number[][]) => x[0]![0]! * (x[1]![1]! * x[2]![2]! - x[1]![2]! * x[2]![1]!) - x[0]![1]! * (x[1]![0]! * x[2]![2]! - x[1]![2]! * x[2]![0]!) + x[0]![2]! * (x[1]![0]! * x[2]![1]! - x[1]![1]! * x[2]![0]!)
  const d = det(m)
  if (Math.abs(d) < 1e-9) return undefined
  const withTime = m.map((row, i) => [row[0]!, row[1]!, b[i]!])
  return det(withTime) / d
}

function trend(label: string, v: Values | undefined): string {
  const first = clean(v, 0, tenth)
  const last = clean(v, n - tenth, n)
  if (first.length === 0 || last.length === 0) return `${label.padEnd(26)} not sampled`
  const points = (v ?? []).map((y, x) => [x, y] as [number, number | null]).filter((p): p is [number, number] => p[1] !== null)
  const slope = linearRegression(points).m * 600
  return `${label.padEnd(26)} first tenth ${mib(median(first)).padStart(10)}   last tenth ${mib(median(last)).padStart(10)}   ` +
    `change ${mib(median(last) - median(first)).padStart(10)}   trend ${mib(slope).padStart(9)} / 10 min   at equal load ${mib((growthAtEqualLoad(v) ?? Number.NaN) * 600).padStart(9)} / 10 min   max ${mib(Math.max(...clean(v, 0, n)))}`
}

const res = a.series.resources
console.log(`soak: daily-cycle over ${values.duration} at scale ${values.scale} against the bundled backend (healthy), ${((Date.now() - started) / 60_000).toFixed(1)} min wall clock`)
console.log(`learners ${a.arrivals.started} of ${a.arrivals.planned} planned (${((a.arrivals.achievedRatio ?? 0) * 100).toFixed(2)} %), dropped ${a.arrivals.dropped}, ` +
  `requests ${a.overall.count}, errors ${a.overall.errors} (${(a.overall.errorRate * 100).toFixed(3)} %), start lag p99 ${a.arrivals.startLagMs?.p99.toFixed(1)} ms`)
const active = (from: number, to: number) => median(a.series.active.slice(from, to))
console.log(`\nmemory (the first and last tenth are both night; learners in flight: ${active(0, tenth)} and ${active(n - tenth, n)}, the evening's long journeys still running)`)
console.log(trend('generator RSS', res.generator?.rss_bytes))
// The load workers' JS heap, from intervals.ndjson (what the learners' state costs).
const workerHeap: Values = Array(n).fill(null)
for (const line of readFileSync(path.join(out, 'intervals.ndjson'), 'utf8').trim().split('\n')) {
  const i = JSON.parse(line) as { t: number; generator: { workers: Array<{ heapUsedBytes?: number } | null> } }
  if (i.t < n) workerHeap[i.t] = i.generator.workers.reduce((sum, w) => sum + (w?.heapUsedBytes ?? 0), 0)
}
console.log(trend('generator workers\' heap', workerHeap))
console.log(trend('backend RSS', res['target:process']?.rss_bytes))
console.log(trend('backend JS heap used', res.target?.heap_used_bytes))
console.log('\nquarter   planned   started   requests   errors    p95 (median of seconds)')
for (let q = 0; q < 4; q++) {
  const from = Math.floor((q * n) / 4)
  const to = Math.floor(((q + 1) * n) / 4)
  const sum = (v: number[]) => v.slice(from, to).reduce((s, x) => s + x, 0)
  const p95 = clean(a.series.p95, from, to)
  console.log(`${String(q + 1).padEnd(9)} ${String(sum(a.series.arrivalsPlanned)).padStart(7)}   ${String(sum(a.series.arrivalsStarted)).padStart(7)}   ${String(sum(a.series.throughput)).padStart(8)}   ${String(sum(a.series.errors)).padStart(6)}    ${p95.length ? `${median(p95).toFixed(1)} ms` : '–'}`)
}
console.log(`\nfindings: ${a.findings.map((f) => `${f.id} (${f.severity})`).join(', ') || 'none'}`)
console.log(`run directory: ${out} (report.html inside)`)
process.exit(0)
