// Bad input on the surfaces the per-command suites do not cover (run directories, budgets, capacity
// CSVs, compare, report, drill flags, the backend's verify-writes): one line naming the problem and
// where, exit 1 (a gate that cannot be checked exits 99), no stack trace, and nothing the command
// was pointed at is changed, deleted or overwritten. tests/cli/run.test.ts and tests/cli/cli.test.ts
// hold the scenario-file and command-line cases.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { runCli } from '../helpers/cli.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-bad-input-'))
let target: TestTarget
let run: string

beforeAll(async () => {
  target = await startTarget()
  run = path.join(scratch, 'run')
  await runScenario({
    scenarioFile: writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'plain', arrival: arrival.constant({ rate: 20, duration: '3s' }),
        journeys: { a: { weight: 1, run: async (l) => { await l.get('/x/:id', { params: { id: l.id } }) } } },
      })`),
    target: target.url, out: run, workers: 1,
  }, { signal: new AbortController().signal })
})
afterAll(async () => {
  await target?.close()
  rmSync(scratch, { recursive: true, force: true })
})

let n = 0
/** A copy of the recorded run, changed by `edit` (a file name → new content, or null to delete). */
function runDir(edit: Record<string, string | null | ((text: string) => string)> = {}): string {
  const dir = path.join(scratch, `case-${++n}`)
  cpSync(run, dir, { recursive: true })
  for (const f of ['analysis.json', 'report.html', 'summary.md', 'junit.xml']) rmSync(path.join(dir, f), { force: true })
  for (const [file, change] of Object.entries(edit)) {
    const p = path.join(dir, file)
    if (change === null) rmSync(p)
    else writeFileSync(p, typeof change === 'function' ? change(readFileSync(p, 'utf8')) : change)
  }
  return dir
}

function emptyDir(): string {
  const dir = path.join(scratch, `data-${++n}`)
  mkdirSync(dir)
  return dir
}

function file(name: string, text: string): string {
  const p = path.join(scratch, `${++n}-${name}`)
  writeFileSync(p, text)
  return p
}

/** Names, sizes and modification times of everything under the paths a command was given. */
function snapshot(paths: string[]): string {
  const out: string[] = []
  const walk = (p: string) => {
    let s
    try {
      s = statSync(p)
    } catch {
      out.push(`${p}: absent`)
      return
    }
    if (s.isDirectory()) for (const e of readdirSync(p).sort()) walk(path.join(p, e))
    else out.push(`${p}: ${s.size} ${s.mtimeMs}`)
  }
  for (const p of paths) walk(p)
  return out.join('\n')
}

const runJson = (change: (r: Record<string, unknown>) => void) => (text: string) => {
  const r = JSON.parse(text) as Record<string, unknown>
  change(r)
  return JSON.stringify(r)
}

type Case = [name: string, args: () => string[], message: RegExp, exit?: number]

const CASES: Case[] = [
  // Run directories
  ['a run directory without run.json', () => ['analyze', runDir({ 'run.json': null })], /case-\d+: missing run\.json: not an lmsload run directory$/],
  ['a run.json that is not JSON', () => ['analyze', runDir({ 'run.json': '{"schema": "lmsload.run/1",' })], /case-\d+: run\.json is not valid JSON \(.*\)$/],
  ['a run.json of another schema version', () => ['analyze', runDir({ 'run.json': runJson((r) => { r.schema = 'lmsload.run/9' }) })], /run\.json has schema "lmsload\.run\/9"; this lmsload reads lmsload\.run\/1$/],
  ['a run.json missing a required field', () => ['analyze', runDir({ 'run.json': runJson((r) => { delete r.scenario }) })], /run\.json .*scenario/],
  ['a run directory without intervals.ndjson', () => ['analyze', runDir({ 'intervals.ndjson': null })], /case-\d+: missing intervals\.ndjson$/],
  ['a file where a run directory should be', () => ['analyze', file('not-a-dir', 'x')], /not-a-dir: missing run\.json|not-a-dir: not a run directory/],
  // Budgets
  ['a budget file that does not exist', () => ['analyze', runDir(), '--budget', path.join(scratch, 'none.json')], /^lmsload: --budget: .*none\.json/],
  ['a budget rule without a limit', () => ['analyze', runDir(), '--budget', file('b.json', JSON.stringify({ budgets: { overall: ['p95 <'] } }))], /b\.json: budgets\.overall\.0 must match pattern/],
  ['a budget on an unknown metric', () => ['analyze', runDir(), '--budget', file('b.json', JSON.stringify({ budgets: { overall: ['p97 < 1s'] } }))], /b\.json: budgets\['overall'\]\[0\]: 'p97 < 1s': unknown metric 'p97' \(expected one of: p50, /],
  ['a budget file whose top level is a list', () => ['analyze', runDir(), '--budget', file('b.json', '["p95 < 1s"]')], /b\.json: .*must be object/],
  ['a budget file with a trailing comma, with its position', () => ['analyze', runDir(), '--budget', file('b.json', '{"budgets": {"overall": ["p95 < 1s"],}}')], /b\.json: not valid JSON: .*position \d+/],
  ['a budget naming an endpoint the run never saw (not judged, and the gate fails, exit 99)', () => ['analyze', runDir(), '--budget', file('b.json', JSON.stringify({ budgets: { 'GET /y/:id': ['p95 < 1s'] } }))], /NOT JUDGED {2}GET \/y\/:id: p95 < 1s \(not judged: the run never called this endpoint \(did you mean 'GET \/x\/:id'\?\); this fails the gate\)/, 99],
  // Capacity-fit CSVs
  ['a CSV with too few rows', () => ['capacity', 'fit', '--input', file('few.csv', 'N,X\n1,100\n2,190\n')], /few\.csv: 2 data rows; fitting the USL \(3 parameters\) needs at least 4/],
  ['a CSV with a non-numeric value, naming the line', () => ['capacity', 'fit', '--input', file('text.csv', 'N,X\n1,100\n2,lots\n4,340\n8,520\n')], /text\.csv:3: .*lots/],
  ['a CSV with N ≤ 0', () => ['capacity', 'fit', '--input', file('zero.csv', 'N,X\n0,100\n2,190\n4,340\n8,520\n')], /zero\.csv:2: N must be above 0 \(a load level\), got 0$/],
  ['a CSV without a header', () => ['capacity', 'fit', '--input', file('head.csv', '1,100\n2,190\n4,340\n8,520\n')], /head\.csv:1: .*header/],
  ['a CSV that does not exist', () => ['capacity', 'fit', '--input', path.join(scratch, 'none.csv')], /^lmsload: --input: cannot read .*none\.csv \(ENOENT\)$/],
  // compare and report
  ['compare with a baseline that is not a run', () => ['compare', path.join(scratch, 'nope'), run], /nope: no such run directory/],
  ['compare with a bare number as the allowance', () => ['compare', runDir(), runDir(), '--max-regression', '10'], /^lmsload: --max-regression: expected a percentage like '10%', got '10' \(write '10%'\)$/],
  ['compare of two different scenarios', () => ['compare', runDir(), runDir({ 'run.json': (t) => t.replace('"name": "plain"', '"name": "other"') })], /^lmsload: compare: the runs are not comparable \(scenario differs: "plain" vs "other"\); pass --allow-different to compare them anyway$/],
  ['a report for a directory without analysis.json', () => ['report', runDir()], /case-\d+\/analysis\.json: missing \(run `lmsload analyze .*case-\d+` first\)$/],
  ['a report from an analysis of another schema', () => {
    const dir = runDir()
    writeFileSync(path.join(dir, 'analysis.json'), JSON.stringify({ schema: 'lmsload.analysis/0' }))
    return ['report', dir]
  }, /analysis\.json.*schema.*lmsload\.analysis\/0/],
  // drill flags: refused before any backend starts or any load is sent
  ['a drill kill time beyond the run', () => ['drill', 'scenarios/dr-drill.ts', '--kill-at', '150%'], /--kill-at: a share of the run must lie between 0% and 100%, got '150%'$/],
  ['a drill kill time after the planned end', () => ['drill', 'scenarios/dr-drill.ts', '--duration', '10s', '--kill-at', '30s'], /--kill-at: 30s is not inside the planned run of 10 s$/],
  ['a drill kill time that is not a duration', () => ['drill', 'scenarios/dr-drill.ts', '--kill-at', 'soon'], /--kill-at: expected a duration like '500ms', '30s' or '5m', got 'soon'$/],
  ['a drill signal that does not exist', () => ['drill', 'scenarios/dr-drill.ts', '--signal', 'SIGFOO'], /--signal: expected one of SIGKILL, .*got 'SIGFOO'$/],
  ['a drill restart command without --target', () => ['drill', 'scenarios/dr-drill.ts', '--restart-command', 'true'], /drill on the bundled backend kills, restarts and verifies it itself: .*need --target$/],
  ['a drill on a target with no way to kill it', () => ['drill', 'scenarios/dr-drill.ts', '--target', target.url], /drill with --target: say how to kill it, with --kill-command or --pid$/],
  ['a drill restore from a missing backup', () => ['drill', 'scenarios/dr-drill.ts', '--restore-from', path.join(scratch, 'none.sqlite')], /--restore-from: .*none\.sqlite does not exist/],
  ['a drill target pid that is not a number', () => ['drill', 'scenarios/dr-drill.ts', '--target', target.url, '--target-pid', 'me'], /--target-pid: expected a process id, got 'me'$/],
  ['a drill probe path without its slash', () => ['drill', 'scenarios/dr-drill.ts', '--probe-path', 'healthz'], /--probe-path: expected a path starting with '\/', got 'healthz'$/],
  // The backend's recovery-point check
  ['acknowledged writes that are not JSON, with the line', () => ['backend', 'verify-writes', '--writes', file('w.ndjson', '{"kind":"answer","key":"1:2","value":1,"t":1}\n{oops\n'), '--data-dir', emptyDir()], /w\.ndjson:2: not valid JSON$/],
  ['acknowledged writes without a kind', () => ['backend', 'verify-writes', '--writes', file('w.ndjson', '{"key":"1:2"}\n'), '--data-dir', emptyDir()], /w\.ndjson:1: a write needs string "kind" and "key"$/],
  ['an acknowledged-writes file that does not exist', () => ['backend', 'verify-writes', '--writes', path.join(scratch, 'none.ndjson'), '--data-dir', emptyDir()], /--writes: .*none\.ndjson does not exist$/],
]

describe.concurrent('bad input: one line, where and what, nothing touched', () => {
  it.each(CASES)('%s', async (_name, args, message, exit = 1) => {
    const argv = args()
    // The paths a case names (concurrent cases add their own files beside them, never inside).
    const touched = argv.filter((a) => (a.startsWith(scratch) && a !== scratch) || a === run)
    const before = snapshot(touched)
    const r = await runCli(argv)
    expect(r.code, r.stderr + r.stdout).toBe(exit)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    if (exit === 1) {
      const lines = r.stderr.trim().split('\n')
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(message)
      expect(snapshot(touched)).toBe(before)
    } else {
      expect(r.stdout).toMatch(message)
    }
  })
})

describe('damaged run directories are analysed as far as they go, with a warning naming the line', () => {
  it.each([
    ['a torn last line of intervals.ndjson', { 'intervals.ndjson': (t: string) => t.slice(0, -20) }, /intervals\.ndjson: last line is incomplete \(the run was cut off mid-write\); ignored/],
    ['a corrupted histogram line', { 'latency.hlog': (t: string) => t.replace(/^(Tag=e1,[\d.]+,[\d.]+,[\d.]+,)\S+$/m, '$1AAAA!!notbase64') }, /latency\.hlog:\d+: histogram cannot be decoded; ignored/],
    ['a line that is not JSON in events.ndjson', { 'events.ndjson': (t: string) => `${t}{not json\n` }, /events\.ndjson:\d+: not valid JSON; line ignored/],
  ] as const)('%s', async (_name, edit, warning) => {
    const dir = runDir(edit as never)
    const r = await runCli(['analyze', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(warning)
    const analysis = JSON.parse(readFileSync(path.join(dir, 'analysis.json'), 'utf8'))
    expect(analysis.overall.count).toBeGreaterThan(0)
  })

  it('an empty run (killed before its first second) gets an analysis that says so', async () => {
    const dir = runDir({ 'intervals.ndjson': '', 'latency.hlog': '', 'run.json': runJson((r) => { r.status = 'running'; delete r.result; delete r.endedAt }) })
    const r = await runCli(['analyze', dir])
    expect(r.code, r.stderr).toBe(0)
    const analysis = JSON.parse(readFileSync(path.join(dir, 'analysis.json'), 'utf8'))
    expect(analysis.overall.count).toBe(0)
    expect(analysis.run.complete).toBe(false)
    expect(r.stdout).toMatch(/never recorded its end/)
  })
})
