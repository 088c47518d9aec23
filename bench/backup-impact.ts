// What an online backup costs the learners: the exam load of scenarios/dr-drill.ts against the
// bundled backend twice with the same seed, once plain and once with `lmsload backend backup` taken
// at --at of the run. Prints the backup's duration and size and the latency of the seconds it ran
// against the same seconds of the plain run. (That a backup under load restores every acknowledged
// write is tests/reference-backend/backup.test.ts.)
// Usage: npm run bench:backup-impact [-- --duration 40s --at 40%]
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { mean, median } from 'simple-statistics'
import type { Analysis } from '../src/analyze/analysis.ts'
import { runScenario } from '../src/app/run.ts'
import { parseDurationMs } from '../src/core/units.ts'

const { values } = parseArgs({ options: { duration: { type: 'string', default: '40s' }, at: { type: 'string', default: '40%' } } })
const durationMs = parseDurationMs(values.duration, '--duration')
const atMs = (Number.parseFloat(values.at) / 100) * durationMs
const root = mkdtempSync(path.join(tmpdir(), 'lmsload-backup-impact-'))

async function once(withBackup: boolean): Promise<{ analysis: Analysis; backup?: { startSec: number; endSec: number; bytes: number } }> {
  let backup: { startSec: number; endSec: number; bytes: number } | undefined
  let pending: Promise<void> = Promise.resolve()
  let startMs = 0
  let backend: { command(args: string[]): Promise<unknown> } | undefined
  const { analysis } = await runScenario({ scenarioFile: 'scenarios/dr-drill.ts', shape: { durationMs }, seed: 7, out: path.join(root, withBackup ? 'with-backup' : 'plain') }, {
    signal: new AbortController().signal,
    async onTarget({ bundled }) {
      backend = bundled
    },
    sink: {
      start(info) {
        startMs = info.startMs
        if (!withBackup || !backend) return
        const file = path.join(root, 'online.sqlite')
        pending = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, startMs + atMs - Date.now()))).then(async () => {
          const t0 = Date.now()
          await backend!.command(['backup', '--to', file])
          backup = { startSec: (t0 - startMs) / 1000, endSec: (Date.now() - startMs) / 1000, bytes: statSync(file).size }
        })
      },
      interval: () => {},
      event: () => {},
    },
    async beforeAnalyze() {
      await pending
    },
  })
  return { analysis, backup }
}

const plain = await once(false)
const withBackup = await once(true)
const b = withBackup.backup!
const from = Math.floor(b.startSec)
const to = Math.max(from + 1, Math.ceil(b.endSec) + 1)
const window = (a: Analysis, key: 'p95' | 'p99') => a.series[key].slice(from, to).filter((v): v is number => v !== null)
const outside = (a: Analysis) => a.series.p95.filter((v, i): v is number => v !== null && (i < from || i >= to))
console.log(`online backup during the dr-drill exam load (${values.duration}, same seed twice), bundled backend on SQLite\n`)
console.log(`backup: ${(b.endSec - b.startSec).toFixed(2)} s from ${b.startSec.toFixed(1)} s, ${(b.bytes / 2 ** 20).toFixed(1)} MiB`)
console.log(`\nseconds ${from}–${to - 1}          plain run    with backup`)
for (const key of ['p95', 'p99'] as const) {
  const p = window(plain.analysis, key)
  const w = window(withBackup.analysis, key)
  console.log(`${`${key} (median of seconds)`.padEnd(24)} ${p.length ? `${median(p).toFixed(1)} ms` : '–'}`.padEnd(38) + `${w.length ? `${median(w).toFixed(1)} ms` : '–'}`)
}
console.log(`${'p95 elsewhere (mean)'.padEnd(24)} ${mean(outside(plain.analysis)).toFixed(1)} ms`.padEnd(38) + `${mean(outside(withBackup.analysis)).toFixed(1)} ms`)
console.log(`${'errors'.padEnd(24)} ${plain.analysis.overall.errors}`.padEnd(38) + `${withBackup.analysis.overall.errors}`)
console.log(`\nrun directories: ${root}`)
process.exit(0)
