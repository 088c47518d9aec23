// lmsload as a user gets it: `npm pack`, the tarball installed into a fresh project with plain
// `npm install`, then every command a newcomer types, run from that project with npx — on Node 24,
// on the oldest Node that `engines` allows (22.18, the registry's node package) and refused on Node 20.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-package-'))
const project = path.join(scratch, 'project')
// The machine's own PATH, with the project's Node 24 first (npm and npx run on it).
const PATH = `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`

interface Result {
  code: number
  stdout: string
  stderr: string
}

function sh(file: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 1 << 26, env: { ...process.env, PATH, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

const npx = (args: string[], cwd = project) => sh('npx', ['lmsload', ...args], cwd)

/** Every file under a folder with its content hash: what "nothing changed" is checked against. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name)
      if (entry.isDirectory()) walk(full)
      else out.set(path.relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'))
    }
  }
  walk(dir)
  return out
}

/** Installs the registry's `node` package of one version into its own folder; returns its binary. */
async function nodeRuntime(version: string): Promise<string> {
  const dir = path.join(scratch, `node-${version}`)
  mkdirSync(dir)
  // The node package fetches its binary in an install script, which npm 11 runs only when allowed.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `runtime-${version.replaceAll('.', '-')}`, private: true, allowScripts: { node: true } }))
  const r = await sh('npm', ['install', '--no-audit', '--no-fund', `node@${version}`], dir)
  if (r.code !== 0) throw new Error(`npm install node@${version}: ${r.stderr}`)
  return path.join(dir, 'node_modules', '.bin', 'node')
}

function runDirs(): string[] {
  const dir = path.join(project, 'reports', 'runs')
  return existsSync(dir) ? readdirSync(dir) : []
}

function verdictOf(runDir: string): { passed: boolean } {
  return JSON.parse(readFileSync(path.join(runDir, 'analysis.json'), 'utf8')).verdict
}

let tarball: string
let files: string[]
let installed: Map<string, string>
let node22: Promise<string>
let node20: Promise<string>

beforeAll(async () => {
  node22 = nodeRuntime('22.18.0')
  node20 = nodeRuntime('20.19.0')
  const pack = await sh('npm', ['pack', '--json', '--pack-destination', scratch], root)
  expect(pack.code, pack.stderr).toBe(0)
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>
  tarball = path.join(scratch, info!.filename)
  files = info!.files.map((f) => f.path)
  mkdirSync(project)
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-lms', version: '1.0.0', private: true }, null, 2))
  // escape-string-regexp: an npm package of the user's own (ESM, typed), imported by a scenario below.
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '-D', tarball, 'escape-string-regexp@5.0.0'], project)
  expect(install.code, install.stderr).toBe(0)
  installed = snapshot(path.join(project, 'node_modules', 'lmsload'))
}, 300_000)

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the packed tarball', () => {
  it('ships compiled code, types, templates and docs; no tests, bench, fixtures, run data or source maps', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/lmsload.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js',
      'dist/reference-backend/src/cli.js', 'dist/scenarios/smoke.js', 'dist/scenarios/journeys/exam.js', 'templates/init/scenarios/example.ts',
      'docs/budgets.schema.json', 'docs/scenarios.md', 'docs/reference-backend-api.md']) expect(files, f).toContain(f)
    expect(files.filter((f) => /^(tests|bench|scripts|src|reference-backend\/src|scenarios\/[^R]|\.lmsload|reports)\//.test(f) || /fixtures|\.map$|\.test\./.test(f))).toEqual([])
    const pkg = JSON.parse(readFileSync(path.join(project, 'node_modules', 'lmsload', 'package.json'), 'utf8'))
    expect(pkg.private).toBeUndefined()
    expect(pkg.exports['.']).toMatchObject({ types: './dist/src/index.d.ts', default: './dist/src/index.js' })
  })
})

describe('in a fresh project that installed it (Node 24)', () => {
  it('answers --version and lists the ready scenarios', async () => {
    const version = await npx(['--version'])
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version)
    const list = await npx(['scenarios'])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/^smoke\s+Two learners a second/m)
    expect(list.stdout).toMatch(/^exam-spike\s+/m)
  })

  it('writes a starter kit with init, and refuses to overwrite it in one line', async () => {
    const init = await npx(['init'])
    expect(init.code, init.stderr).toBe(0)
    for (const f of ['lmsload/scenarios/example.ts', 'lmsload/budgets.json', 'lmsload/README.md', '.github/workflows/lmsload.yml']) expect(existsSync(path.join(project, f)), f).toBe(true)
    const before = snapshot(path.join(project, 'lmsload'))
    const again = await npx(['init'])
    expect(again.code).toBe(1)
    expect(again.stderr.trim().split('\n')).toEqual(["lmsload: lmsload/scenarios/example.ts already exists; nothing was written (pass --force to overwrite the starter kit's files)"])
    expect(snapshot(path.join(project, 'lmsload'))).toEqual(before)
  })

  it('type-checks the generated scenario with lmsload check', async () => {
    const check = await npx(['check', 'lmsload/scenarios/example.ts'])
    expect(check.code, check.stderr).toBe(0)
    expect(check.stdout).toMatch(/1 scenario checked: no type errors/)
  })

  it('runs the generated scenario unchanged against the bundled backend, gated by its budget file', async () => {
    const before = runDirs()
    const run = await npx(['run', 'lmsload/scenarios/example.ts', '--duration', '8s', '--budget', 'lmsload/budgets.json', '--quiet'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    const created = runDirs().filter((d) => !before.includes(d))
    expect(created).toHaveLength(1)
    expect(verdictOf(path.join(project, 'reports', 'runs', created[0]!)).passed).toBe(true)
    // The bundled backend's data lives in the user's project, and keeps itself out of git.
    expect(existsSync(path.join(project, '.lmsload', 'run-backend'))).toBe(true)
    expect(readFileSync(path.join(project, '.lmsload', '.gitignore'), 'utf8')).toMatch(/^\*$/m)
  }, 120_000)

  it('runs a scenario that imports its own helper and an npm package of the project', async () => {
    mkdirSync(path.join(project, 'lmsload', 'scenarios', 'helpers'), { recursive: true })
    writeFileSync(path.join(project, 'lmsload', 'scenarios', 'helpers', 'label.ts'), `import escapeStringRegexp from 'escape-string-regexp'\nexport const label = (text: string): string => \`healthy \${escapeStringRegexp(text)}\`\n`)
    writeFileSync(path.join(project, 'lmsload', 'scenarios', 'health.ts'), `import { arrival, defineScenario } from 'lmsload'
import { label } from './helpers/label.ts'

export default defineScenario({
  name: 'health',
  arrival: arrival.constant({ rate: 4, duration: '4s' }),
  journeys: { ping: { weight: 1, run: async (l) => { const r = await l.get('/healthz'); l.check(r, (x) => x.status === 200, label('(twice)')); await l.think('1s'); await l.get('/healthz') } } },
  budgets: { overall: ['errors < 1%'] },
})
`)
    const run = await npx(['run', 'lmsload/scenarios/health.ts', '--quiet', '--out', 'reports/runs/health'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    const analysis = JSON.parse(readFileSync(path.join(project, 'reports', 'runs', 'health', 'analysis.json'), 'utf8'))
    expect(analysis.endpoints.find((e: { name: string }) => e.name === 'GET /healthz').count).toBeGreaterThanOrEqual(16)
  }, 120_000)

  it('runs a ready scenario by name, and the demo, writing under the project', async () => {
    const smoke = await npx(['run', 'smoke', '--duration', '5s', '--quiet', '--out', 'reports/runs/smoke'])
    expect(smoke.code, smoke.stderr + smoke.stdout).toBe(0)
    expect(JSON.parse(readFileSync(path.join(project, 'reports', 'runs', 'smoke', 'run.json'), 'utf8')).scenario.name).toBe('smoke')
    const demo = await npx(['demo', '--duration', '10s', '--scale', '0.02', '--quiet', '--out', 'reports/runs/demo'])
    expect([0, 99], demo.stderr + demo.stdout).toContain(demo.code)
    expect(existsSync(path.join(project, 'reports', 'runs', 'demo', 'report.html'))).toBe(true)
  }, 180_000)

  it("type-checks the user's scenarios against the shipped types with the project's own tsc", async () => {
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: false, types: [] },
      include: ['lmsload/scenarios/**/*.ts'],
    }))
    const ok = await sh('npx', ['tsc', '-p', '.'], project)
    expect(ok.stdout + ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    writeFileSync(path.join(project, 'lmsload', 'scenarios', 'wrong.ts'), `import { arrival, defineScenario } from 'lmsload'
export default defineScenario({ name: 'wrong', arrival: arrival.constant({ rate: 2, duration: 30 }), journeys: { a: { weight: 1, run: async (l) => { await l.get('/') } } } })
`)
    const wrong = await sh('npx', ['tsc', '-p', '.'], project)
    expect(wrong.code).not.toBe(0)
    expect(wrong.stdout).toMatch(/lmsload\/scenarios\/wrong\.ts\(2,\d+\): error TS2322/)
    const check = await npx(['check', 'lmsload/scenarios/wrong.ts'])
    expect(check.code).toBe(1)
    expect(check.stderr).toMatch(/^lmsload\/scenarios\/wrong\.ts:2: Type 'number' is not assignable to type 'string'/m)
    rmSync(path.join(project, 'lmsload', 'scenarios', 'wrong.ts'))
  })

  it('refuses an unknown scenario name and a missing module in one line each, writing nothing', async () => {
    const before = runDirs()
    const unknown = await npx(['run', 'exam-spik'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
    expect(unknown.stderr).toMatch(/^lmsload: exam-spik: no such scenario file, and no ready scenario of that name \(ready: .*exam-spike.*smoke/)
    writeFileSync(path.join(project, 'lmsload', 'scenarios', 'missing.ts'), `import { arrival, defineScenario } from 'lmsload'\nimport pad from 'left-pad'\nexport default defineScenario({ name: 'missing', arrival: arrival.constant({ rate: 1, duration: '1s' }), journeys: { a: { weight: 1, run: async (l) => { await l.get(pad('/', 1)) } } } })\n`)
    const missing = await npx(['run', 'lmsload/scenarios/missing.ts'])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim().split('\n')).toEqual(["lmsload: lmsload/scenarios/missing.ts:2: imports 'left-pad', which is not installed (npm i -D left-pad)"])
    rmSync(path.join(project, 'lmsload', 'scenarios', 'missing.ts'))
    expect(runDirs()).toEqual(before)
  })
})

describe('export k6 from the installed package', () => {
  it('names its optional peers in one line when missing, and exports once they are installed', async () => {
    const missing = await npx(['export', 'k6', 'smoke'])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim().split('\n')).toEqual(['lmsload: export k6: bundling a k6 script needs esbuild: npm i -D esbuild'])
    const versions = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies
    const install = await sh('npm', ['install', '--no-audit', '--no-fund', '-D', `esbuild@${versions.esbuild}`, `@types/k6@${versions['@types/k6']}`], project)
    expect(install.code, install.stderr).toBe(0)
    const exported = await npx(['export', 'k6', 'smoke'])
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stdout).toMatch(/^k6 script: reports\/k6\/smoke\/smoke\.k6\.js/m)
    expect(readFileSync(path.join(project, 'reports', 'k6', 'smoke', 'smoke.k6.js'), 'utf8')).toMatch(/export \{\s*learner,\s*options,\s*setup\s*\}/)
  }, 240_000)
})

describe('on other Node versions', () => {
  it('runs the installed bin and a scenario on Node 22.18, the oldest that engines allows', async () => {
    const node = await node22
    const bin = path.join(project, 'node_modules', 'lmsload', 'bin', 'lmsload.js')
    expect((await sh(node, ['--version'], project)).stdout.trim()).toBe('v22.18.0')
    expect((await sh(node, [bin, '--version'], project)).code).toBe(0)
    const run = await sh(node, [bin, 'run', 'lmsload/scenarios/health.ts', '--quiet', '--out', 'reports/runs/health-node22'], project)
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(verdictOf(path.join(project, 'reports', 'runs', 'health-node22')).passed).toBe(true)
  }, 240_000)

  it('refuses Node 20 in one line naming both versions', async () => {
    const node = await node20
    const r = await sh(node, [path.join(project, 'node_modules', 'lmsload', 'bin', 'lmsload.js'), '--version'], project)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual(['lmsload: needs Node >=22.18, found 20.19.0 (install Node 24 LTS, e.g. with nvm or from nodejs.org)'])
  }, 240_000)
})

describe('after every command above', () => {
  it('nothing under the installed package changed', () => {
    expect(snapshot(path.join(project, 'node_modules', 'lmsload'))).toEqual(installed)
    expect(statSync(path.join(project, 'reports', 'runs')).isDirectory()).toBe(true)
  })
})
