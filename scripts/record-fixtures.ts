// Records the run-directory fixtures that pin analysis.json (tests/analyze/fixtures.test.ts): one
// run directory of each kind lmsload writes — an ordinary run, a capacity ladder, a drill, a k6
// import, a JMeter import, a probe — made by the real CLI, with the analysis.json that lmsload
// wrote for it. The test analyses each directory again and compares field by field, so a change
// anywhere between the recorded files and the published contract shows up as a diff.
//
//   node scripts/record-fixtures.ts              record every kind again (new data: only when the
//                                                recorded format itself changes)
//   node scripts/record-fixtures.ts --reanalyze  keep the recorded files, write analysis.json again
//                                                (only for a deliberate, versioned contract change)
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { analyzeDir } from '../src/app/analyze.ts'

const ROOT = path.join(import.meta.dirname, '..')
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'runs')
const CLI = path.join(ROOT, 'src', 'cli', 'main.ts')
/** What a run directory holds besides the recorded files: written from analysis.json, not kept. */
const DERIVED = new Set(['report.html', 'summary.md', 'junit.xml'])

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  // Exit 99 is a failed gate: still a complete run directory.
  if (r.status !== 0 && r.status !== 99) throw new Error(`lmsload ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
}

/** Copies what a fixture keeps (the recorded files and analysis.json) into tests/fixtures/runs/<kind>. */
function keep(kind: string, dir: string): void {
  const into = path.join(FIXTURES, kind)
  rmSync(into, { recursive: true, force: true })
  for (const name of readdirSync(dir)) if (!DERIVED.has(name)) cpSync(path.join(dir, name), path.join(into, name))
  console.log(`${kind}: ${readdirSync(into).join(', ')}`)
}

/** A k6 `--out json` file in k6's own envelope: 40 s of a login and two course pages, seeded. */
function k6Output(): string {
  let x = 7
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648)
  const t0 = Date.parse('2026-11-20T10:00:00Z')
  const point = (metric: string, t: number, value: number, tags: Record<string, string>) =>
    JSON.stringify({ metric, type: 'Point', data: { time: new Date(t).toISOString().replace('Z', '123456Z'), value, tags } })
  const lines = ['{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}']
  for (let i = 0; i < 400; i++) {
    const start = t0 + i * 100
    let t = start
    const base = { group: '', proto: 'HTTP/1.1', scenario: 'learners', journey: 'study', lmsload: 'learner' }
    for (const [name, method, failing] of [['POST /api/auth/login', 'POST', i % 40 === 0], ['GET /api/courses/:id', 'GET', false], ['GET /api/courses/:id/modules', 'GET', false]] as const) {
      // Slower towards the end, as a target nearing its limit: the analysis has a trend to find.
      const ms = 5 + rand() * 30 + (i > 300 ? rand() * 120 : 0)
      t += ms
      const status = failing ? '503' : '200'
      lines.push(point('http_reqs', t, 1, { ...base, name, method, status, expected_response: String(!failing) }))
      lines.push(point('http_req_duration', t, ms, { ...base, name, method, status, expected_response: String(!failing) }))
      lines.push(point('http_req_failed', t, failing ? 1 : 0, { ...base, name, method, status }))
      lines.push(point('checks', t, failing ? 0 : 1, { ...base, check: 'page opened' }))
      t += 50
    }
    lines.push(point('lmsload_step_duration', t, t - start, { ...base, step: 'open course' }))
    lines.push(point('iterations', t, 1, base))
    if (i % 10 === 0) lines.push(point('vus', start, 8, { scenario: 'learners' }))
  }
  lines.push(point('dropped_iterations', t0 + 20_000, 3, { scenario: 'learners' }))
  return `${lines.join('\n')}\n`
}

async function record(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-fixtures-'))
  const out = (kind: string) => path.join(scratch, kind)

  cli(['run', 'exam-spike', '--duration', '12s', '--scale', '0.2', '--workers', '1', '--out', out('run'), '--quiet'])
  keep('run', out('run'))

  cli(['capacity', 'exam-spike', '--slo', 'p95<300ms', '--from', '10', '--to', '40', '--steps', '3', '--hold', '4s', '--workers', '1', '--out', out('ladder'), '--quiet'])
  keep('ladder', out('ladder'))

  cli(['drill', 'scenarios/dr-drill.ts', '--duration', '10s', '--kill-at', '50%', '--workers', '1', '--out', out('drill'), '--quiet'])
  keep('drill', out('drill'))

  const k6File = path.join(scratch, 'k6.json')
  writeFileSync(k6File, k6Output())
  cli(['import', 'k6', k6File, '--name', 'exam-on-k6', '--out', out('k6-import')])
  keep('k6-import', out('k6-import'))

  const jmeter = path.join(ROOT, 'tests', 'fixtures', 'jmeter')
  cli(['import', 'jmeter', path.join(jmeter, 'jsonplaceholder.jtl'), '--summary', path.join(jmeter, 'statistics.json'), '--out', out('jmeter-import')])
  keep('jmeter-import', out('jmeter-import'))

  const server = spawn(process.execPath, [path.join(ROOT, 'bench', 'trivial-server.ts'), '39131'], { stdio: 'ignore' })
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    cli(['probe', 'http://127.0.0.1:39131/', '-c', '4', '-d', '3s', '--out', out('probe'), '--quiet'])
    keep('probe', out('probe'))
  } finally {
    server.kill()
  }
  rmSync(scratch, { recursive: true, force: true })
}

function reanalyze(): void {
  for (const kind of readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    const dir = path.join(FIXTURES, kind)
    const { analysis } = analyzeDir(dir, { write: false })
    // The directory it was recorded in, not this checkout's path (the test ignores it either way).
    analysis.run.dir = (JSON.parse(readFileSync(path.join(dir, 'analysis.json'), 'utf8')) as typeof analysis).run.dir
    writeFileSync(path.join(dir, 'analysis.json'), `${JSON.stringify(analysis, null, 2)}\n`)
    console.log(`${kind}: analysis.json written again`)
  }
}

if (process.argv.includes('--reanalyze')) reanalyze()
else await record()
