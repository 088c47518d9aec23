// The analyzer's confusion matrix: every reference-backend profile under the profile-check scenario
// and the finding ranked first. --longer F runs each F times as long at the same rates (scale and
// duration × F); --scale F alone raises the rates (at 2×, SQLite's single writer becomes the
// first bottleneck of every profile, which the matrix then shows).
// Usage: npm run bench:ground-truth [-- --longer 2 --scale 1 --repeat 1 --only healthy,n-plus-one --verbose]   (SQLite)
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { runScenario } from '../src/app/run.ts'
import { importScenario } from '../src/engine/load-scenario.ts'
import { EXPECTED_FINDINGS } from '../scenarios/profile-check.ts'

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, longer: { type: 'string', default: '2' }, repeat: { type: 'string', default: '1' }, only: { type: 'string' }, verbose: { type: 'boolean', default: false } } })
const longer = Number(values.longer)
// SQLite on tmpfs, as in the test suite: WAL fsyncs on a shared disk add write-lock waits no profile injected.
const root = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'lmsload-gt-'))
const template = path.join(root, 'template')
await new Promise<void>((resolve, reject) => {
  const seed = spawn(process.execPath, ['reference-backend/src/cli.ts', 'seed', '--data-dir', template, '--scrypt-log-n', '4'], { stdio: 'ignore' })
  seed.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited ${code}`))))
})

const baseMs = (await importScenario('scenarios/profile-check.ts')).arrival!.durationMs
const rows: Array<[string, string, string]> = []
const right = (e: string, g: string) => (e === '(nothing critical)' ? g === '(none)' || g.endsWith('(not critical)') : g === e)
for (let r = 0; r < Number(values.repeat); r++) {
  for (const [profile, expected] of Object.entries(EXPECTED_FINDINGS)) {
    if (values.only && !values.only.split(',').includes(profile)) continue
    const dir = path.join(root, `${profile}-${r}`)
    cpSync(template, dir, { recursive: true })
    const child = spawn(process.execPath, ['reference-backend/src/cli.ts', 'start', '--data-dir', dir, '--port', '0', '--log-level', 'silent', '--login-rate-limit', '1000000', '--profile', profile, ...(expected?.args ?? [])], { stdio: ['ignore', 'pipe', 'ignore'] })
    const url = await new Promise<string>((resolve) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /listening on (\S+)/.exec(out)
        if (m) resolve(m[1]!)
      })
    })
    const outcome = await runScenario({ scenarioFile: 'scenarios/profile-check.ts', target: url, out: path.join(dir, 'run'), workers: 1, shape: { scale: Number(values.scale) * longer, durationMs: baseMs * longer }, scrape: [`${url}/metrics`], pids: [child.pid!] }, { signal: new AbortController().signal })
    // Seconds writers waited for SQLite's write lock (or a row lock), summed over routes, from the backend's own counter.
    const lockWaitSec = (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('lms_db_lock_wait_seconds_sum')).reduce((s, l) => s + Number(l.split(' ').pop()), 0)
    child.kill('SIGTERM')
    const top = outcome.analysis.findings[0]
    const critical = outcome.analysis.findings.some((f) => f.severity === 'critical')
    rows.push([profile, expected?.id ?? '(nothing critical)', top ? `${top.id}${expected === null && !critical ? ' (not critical)' : ''}` : '(none)'])
    if (values.verbose) console.log(`${profile}: mean ${(outcome.analysis.overall.latencyMs?.mean ?? 0).toFixed(1)} ms; lock wait ${lockWaitSec.toFixed(2)} s; ${outcome.analysis.findings.map((f) => `${f.id} ${f.severity} ${f.impact}`).join(', ')}`)
  }
}
const labels = [...new Set(rows.map((r) => r[1]))]
console.log(`profile-check at ${values.scale}× the rates, ${longer}× as long, ${values.repeat} run(s) per profile\n`)
console.log(`${'profile'.padEnd(18)}${'expected'.padEnd(22)}ranked first`)
for (const [p, e, g] of rows) console.log(`${p.padEnd(18)}${e.padEnd(22)}${g}${right(e, g) ? '' : '   ✗'}`)
console.log(`\n${rows.filter(([, e, g]) => right(e, g)).length} of ${rows.length} right; expected causes: ${labels.length}`)
rmSync(root, { recursive: true, force: true })
process.exit(0)
