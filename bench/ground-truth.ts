// The analyzer's confusion matrix: every reference-backend profile under the profile-check scenario
// (longer than the test suite's runs with --scale), and the finding ranked first.
// Usage: npm run bench:ground-truth [-- --scale 2 --repeat 1] (SQLite; small-pool also on PostgreSQL via DATABASE_URL of an empty database)
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { runScenario } from '../src/app/run.ts'
import { EXPECTED_FINDINGS } from '../scenarios/profile-check.ts'

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, repeat: { type: 'string', default: '1' } } })
const root = mkdtempSync(path.join(tmpdir(), 'lmsload-gt-'))
const template = path.join(root, 'template')
await new Promise<void>((resolve, reject) => {
  const seed = spawn(process.execPath, ['reference-backend/src/cli.ts', 'seed', '--data-dir', template, '--scrypt-log-n', '4'], { stdio: 'ignore' })
  seed.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited ${code}`))))
})

const rows: Array<[string, string, string]> = []
for (let r = 0; r < Number(values.repeat); r++) {
  for (const [profile, expected] of Object.entries(EXPECTED_FINDINGS)) {
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
    const outcome = await runScenario({ scenarioFile: 'scenarios/profile-check.ts', target: url, out: path.join(dir, 'run'), workers: 1, shape: { scale: Number(values.scale) }, scrape: [`${url}/metrics`], pids: [child.pid!] }, { signal: new AbortController().signal })
    child.kill('SIGTERM')
    const top = outcome.analysis.findings[0]
    const critical = outcome.analysis.findings.some((f) => f.severity === 'critical')
    rows.push([profile, expected?.id ?? '(nothing critical)', top ? `${top.id}${expected === null && !critical ? ' (not critical)' : ''}` : '(none)'])
  }
}
const labels = [...new Set(rows.map((r) => r[1]))]
console.log(`profile-check at scale ${values.scale}, ${values.repeat} run(s) per profile\n`)
console.log(`${'profile'.padEnd(18)}${'expected'.padEnd(22)}ranked first`)
for (const [p, e, g] of rows) console.log(`${p.padEnd(18)}${e.padEnd(22)}${g}${g.startsWith(e) || (e === '(nothing critical)' && !g.includes('critical') && (g === '(none)' || g.endsWith('(not critical)'))) ? '' : '   ✗'}`)
const right = rows.filter(([, e, g]) => g.startsWith(e) || (e === '(nothing critical)' && (g === '(none)' || g.endsWith('(not critical)')))).length
console.log(`\n${right} of ${rows.length} right; expected causes: ${labels.length}`)
rmSync(root, { recursive: true, force: true })
process.exit(0)
