// The analyzer's confusion matrix: every reference-backend profile under the profile-check scenario
// (each on the database where its mechanism lives, tests/helpers/ground-truth.ts) and the cause it
// names first, at several loads given as shares of the healthy backend's capacity measured here
// first (per database, by lmsload's capacity search).
// --capacity sqlite=4,postgres=2.8 skips the search and takes those scales as capacity (for
// before/after comparisons at the same load); --repeat N runs every case N times.
// Usage: npm run bench:ground-truth [-- --shares 0.3,0.6,0.9 --only healthy,n-plus-one --engines sqlite --capacity sqlite=4 --repeat 1 --verbose]
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { resolveLmsloadImports } from '../src/engine/load-scenario.ts'
import type { Capacity, GroundTruthEngine, StartBackend } from '../tests/helpers/ground-truth.ts'

// profile-check.ts imports 'lmsload': resolve it to this checkout's sources, as `lmsload run` does
// (a plain import would look for a build in dist/).
resolveLmsloadImports()
const { CASES, obtainableCores, healthyCapacity, isRight, profileScale, runProfile } = await import('../tests/helpers/ground-truth.ts')
const { EXPECTED_FINDINGS } = await import('../scenarios/profile-check.ts')

const { values } = parseArgs({ options: { shares: { type: 'string', default: '0.3,0.6,0.9' }, only: { type: 'string' }, engines: { type: 'string', default: 'sqlite,postgres' }, verbose: { type: 'boolean', default: false }, capacity: { type: 'string' }, repeat: { type: 'string', default: '1' } } })
const engines = values.engines.split(',') as GroundTruthEngine[]
const cli = 'reference-backend/src/cli.ts'
// SQLite on tmpfs, as in the test suite: WAL fsyncs on a shared disk add write-lock waits no profile injected.
const root = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'lmsload-gt-'))

function seed(args: string[]): void {
  const r = spawnSync(process.execPath, [cli, 'seed', '--scrypt-log-n', '4', ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`)
}

// PostgreSQL: the suite's throwaway cluster; each backend gets a fresh copy of a seeded template.
let pgAdmin = ''
let pgTeardown: (() => unknown) | undefined
if (engines.includes('postgres')) {
  const { default: setup } = await import('../tests/helpers/postgres-setup.ts')
  pgTeardown = (await setup({ provide: (_key: string, value: string) => { pgAdmin = value } } as never)) as () => unknown
  spawnSync('psql', [pgAdmin, '-qc', 'CREATE DATABASE lms_gt_template'], { stdio: 'inherit' })
  seed(['--database-url', pgAdmin.replace(/\/postgres$/, '/lms_gt_template'), '--data-dir', path.join(root, 'pg-template')])
}
const template = path.join(root, 'template')
seed(['--data-dir', template])

let n = 0
const start: StartBackend = async (engine, args) => {
  const dir = path.join(root, `backend-${++n}`)
  const where = ['--data-dir', dir]
  const databaseUrl = engine === 'postgres' ? pgAdmin.replace(/\/postgres$/, `/lms_gt_${n}`) : undefined
  if (!databaseUrl) cpSync(template, dir, { recursive: true })
  else {
    spawnSync('psql', [pgAdmin, '-qc', `CREATE DATABASE lms_gt_${n} TEMPLATE lms_gt_template`], { stdio: 'inherit' })
    where.push('--database-url', databaseUrl)
  }
  const child = spawn(process.execPath, [cli, 'start', ...where, '--port', '0', '--log-level', 'silent', '--login-rate-limit', '1000000', ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    void exited.then((code) => reject(new Error(`backend exited ${code}`)))
  })
  return { url, pid: child.pid!, databaseUrl, stop: () => (child.kill('SIGTERM'), exited) }
}

try {
  const capacity = new Map<GroundTruthEngine, Capacity>()
  const given = new Map((values.capacity ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [GroundTruthEngine, string]))
  for (const engine of engines) {
    if (given.has(engine)) {
      capacity.set(engine, { scale: Number(given.get(engine)), trials: [], cores: await obtainableCores() })
      console.log(`healthy on ${engine}: capacity taken as scale ${given.get(engine)} (--capacity) with ${capacity.get(engine)!.cores.toFixed(2)} cores to be had now`)
      continue
    }
    const c = await healthyCapacity(start, engine)
    capacity.set(engine, c)
    console.log(`healthy on ${engine}: capacity at scale ${c.scale.toFixed(2)} of profile-check with ${c.cores.toFixed(2)} cores to be had (${c.trials.join('; ')})`)
  }
  for (const share of values.shares.split(',').map(Number)) {
    const rows: Array<[string, string, string, boolean]> = []
    const seconds = performance.now()
    for (const { profile, engine } of CASES.flatMap((c) => Array.from({ length: Number(values.repeat) }, () => c))) {
      if (!engines.includes(engine) || (values.only && !values.only.split(',').includes(profile))) continue
      const { scale, note } = await profileScale(capacity.get(engine)!, share)
      const o = await runProfile(start, profile, engine, scale)
      const expected = EXPECTED_FINDINGS[profile]
      const critical = o.findings.some((f) => f.severity === 'critical' && f.category === 'bottleneck')
      rows.push([`${profile} (${engine})`, expected?.id ?? '(nothing critical)', o.topCause ? `${o.topCause.id}${expected === null && !critical ? ' (not critical)' : ''}` : '(none)', isRight(profile, o)])
      if (values.verbose) {
        const shares = Object.entries(o.shares).map(([c, v]) => `${c} ${(100 * v).toFixed(0)}%`).join(' ')
        console.log(`  ${o.summary} (${note}); mean ${o.meanMs.toFixed(1)} ms (${shares}); lock wait ${o.lockWaitSec.toFixed(2)} s`)
      }
    }
    console.log(`\nat ${Math.round(100 * share)} % of capacity (${[...capacity].map(([e, c]) => `${e} scale ${(share * c.scale).toFixed(2)}`).join(', ')}, lowered by a neighbour's cores; ${((performance.now() - seconds) / 1000).toFixed(0)} s)\n`)
    console.log(`${'profile'.padEnd(30)}${'expected'.padEnd(22)}first cause named`)
    for (const [p, e, g, ok] of rows) console.log(`${p.padEnd(30)}${e.padEnd(22)}${g}${ok ? '' : '   ✗'}`)
    console.log(`${rows.filter((r) => r[3]).length} of ${rows.length} right`)
  }
} finally {
  rmSync(root, { recursive: true, force: true })
  if (pgAdmin) for (let i = 1; i <= n; i++) spawnSync('psql', [pgAdmin, '-qc', `DROP DATABASE IF EXISTS lms_gt_${i} WITH (FORCE)`])
  await pgTeardown?.()
}
process.exit(0)
