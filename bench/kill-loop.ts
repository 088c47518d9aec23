// Durability under repeated crashes: the DR drill (scenarios/dr-drill.ts) over and over against the
// bundled backend, each time kill -9 at a different moment of the exam, restart, every acknowledged
// answer read back, then SQLite's PRAGMA integrity_check on the database the backend reopened.
// Prints one row per kill and the totals. (CI runs one drill: tests/reliability/drill.test.ts.)
// Usage: npm run bench:kill-loop [-- --kills 10 --duration 15s]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { parseArgs } from 'node:util'
import { RUN_BACKEND_DATA_DIR } from '../src/app/bundled-backend.ts'
import { runDrill } from '../src/app/drill.ts'
import { parseDurationMs } from '../src/core/units.ts'

const { values } = parseArgs({ options: { kills: { type: 'string', default: '10' }, duration: { type: 'string', default: '15s' } } })
const kills = Number(values.kills)
const durationMs = parseDurationMs(values.duration, '--duration')
const root = mkdtempSync(path.join(tmpdir(), 'lmsload-kill-loop-'))

console.log(`kill -9 loop: ${kills} drills of scenarios/dr-drill.ts over ${values.duration}, bundled backend (SQLite)\n`)
console.log('kill  at (s)  RTO (s)  failed/requests  acknowledged  lost  integrity')
let lost = 0
let acknowledged = 0
const rtos: number[] = []
for (let i = 0; i < kills; i++) {
  // Spread the kill over the exam: 20 % … 80 % of the run.
  const at = 20 + Math.round((60 * i) / Math.max(1, kills - 1))
  const outcome = await runDrill(
    { scenarioFile: 'scenarios/dr-drill.ts', shape: { durationMs }, out: path.join(root, `kill-${i + 1}`), seed: i + 1 },
    { killAt: `${at}%` },
    { signal: new AbortController().signal },
  )
  const d = outcome.analysis.drill!
  const db = new DatabaseSync(path.join(RUN_BACKEND_DATA_DIR, 'lms.sqlite'), { readOnly: true })
  const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check
  db.close()
  lost += d.writes?.lost ?? 0
  acknowledged += d.writes?.acknowledged ?? 0
  if (d.rtoSec !== null) rtos.push(d.rtoSec)
  console.log(`${String(i + 1).padStart(4)}  ${d.kill.atSec.toFixed(1).padStart(6)}  ${d.rtoSec === null ? '  never' : d.rtoSec.toFixed(2).padStart(7)}  ${`${d.failedDuringOutage}/${d.requestsDuringOutage}`.padStart(15)}  ${String(d.writes?.acknowledged ?? 0).padStart(12)}  ${String(d.writes?.lost ?? '?').padStart(4)}  ${integrity}${d.problems.length ? `   ${d.problems.join('; ')}` : ''}`)
}
rtos.sort((a, b) => a - b)
console.log(`\n${kills} kills: ${acknowledged} acknowledged writes checked, ${lost} lost; RTO min ${rtos[0]?.toFixed(2)} s, median ${rtos[Math.floor(rtos.length / 2)]?.toFixed(2)} s, max ${rtos.at(-1)?.toFixed(2)} s`)
console.log(`run directories: ${root}`)
process.exit(0)
