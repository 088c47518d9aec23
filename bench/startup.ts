// Start-up of the installed CLI: how long `lmsload --version`, a refused flag and --help take from a
// fresh project that installed the packed tarball, beside the same commands run from the sources in
// this checkout; the installed size; and the time from starting `lmsload run` to the first request
// at an already running target. Median of --runs repetitions after one warm-up (hyperfine's method).
// Goal: under 150 ms for --version and a refused flag, installed.
// Usage: npm run bench:startup [-- --runs 15 --project DIR (reuse an installed project)]
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, project: { type: 'string' } } })
const runs = Number(values.runs)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

function installedProject(): string {
  if (values.project) return path.resolve(values.project)
  const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-startup-'))
  npm(['pack', '--pack-destination', dir], root)
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!
  const project = path.join(dir, 'project')
  execFileSync('mkdir', [project])
  npm(['init', '-y'], project)
  npm(['install', '--no-audit', '--no-fund', '-D', path.join(dir, tarball)], project)
  return project
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Wall milliseconds of a whole process, --runs times after one warm-up. */
function time(command: string[], cwd: string): number[] {
  const out: number[] = []
  for (let i = 0; i <= runs; i++) {
    const started = process.hrtime.bigint()
    spawnSync(command[0]!, command.slice(1), { cwd, stdio: 'ignore' })
    if (i > 0) out.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return out
}

const project = installedProject()
const bin = path.join(project, 'node_modules', 'lmsload', 'bin', 'lmsload.js')
const sources = path.join(root, 'src', 'cli', 'main.ts')
const size = execFileSync('du', ['-sm', path.join(project, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]
console.log(`installed: ${project} (node_modules ${size} MiB); Node ${process.version}; ${runs} runs after one warm-up\n`)
console.log('command                          installed: median   min   max   sources: median')
for (const args of [['--version'], ['run', 'smoke', '--scael', '1'], ['--help'], ['run', '--help'], ['bogus']]) {
  const installed = time([process.execPath, bin, ...args], project)
  const fromSources = time([process.execPath, sources, ...args], project)
  const f = (ms: number) => `${ms.toFixed(0).padStart(5)} ms`
  console.log(`${`lmsload ${args.join(' ')}`.padEnd(32)} ${f(median(installed))} ${f(Math.min(...installed))} ${f(Math.max(...installed))}   ${f(median(fromSources))}`)
}

// Time to first request: a target that notes when the first request arrives; lmsload started on it.
const scenario = path.join(project, 'first-request.ts')
writeFileSync(scenario, `import { arrival, defineScenario } from 'lmsload'
export default defineScenario({
  name: 'first-request',
  arrival: arrival.constant({ rate: 20, duration: '1s' }),
  journeys: { one: { weight: 1, run: async (l) => { await l.get('/') } } },
  options: { gracefulStop: '1s' },
})
`)
const firsts: number[] = []
for (let i = 0; i < Math.min(runs, 7); i++) {
  let first: number | undefined
  const server = createServer((req, res) => {
    first ??= performance.now()
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const started = performance.now()
  const child = spawn(process.execPath, [bin, 'run', scenario, '--target', url, '--quiet', '--out', path.join(project, 'reports', `first-${i}`)], { cwd: project, stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  server.close()
  if (first !== undefined) firsts.push(first - started)
}
console.log(`\ntime to first request of \`lmsload run\` (target already running): median ${median(firsts).toFixed(0)} ms, min ${Math.min(...firsts).toFixed(0)}, max ${Math.max(...firsts).toFixed(0)} (${firsts.length} runs)`)
