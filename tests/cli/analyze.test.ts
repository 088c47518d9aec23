import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { runCli } from '../helpers/cli.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-analyze-'))
let run: string

beforeAll(async () => {
  target = await startTarget()
  run = path.join(scratch, 'run')
  await runScenario({
    scenarioFile: writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'gated', arrival: arrival.constant({ rate: 20, duration: '3s' }),
        journeys: { a: { weight: 1, run: async (l) => { await l.get('/x/:id', { params: { id: l.id }, query: { delay: 20 } }) } } },
        budgets: { overall: ['p95 < 5s', 'errors < 1%'], 'GET /x/:id': ['p50 < 1s'] },
      })`),
    target: target.url, out: run, workers: 1,
  }, { signal: new AbortController().signal })
})
afterAll(async () => {
  await target?.close()
  rmSync(scratch, { recursive: true, force: true })
})

function copy(name: string): string {
  const dir = path.join(scratch, name)
  cpSync(run, dir, { recursive: true })
  rmSync(path.join(dir, 'analysis.json'), { force: true })
  return dir
}

describe('lmsload analyze', () => {
  it('ends quietly, with its own exit code, when the reader closes the pipe early (| head)', async () => {
    const { spawnSync } = await import('node:child_process')
    const { LMSLOAD_BIN } = await import('../helpers/cli.ts')
    const dir = copy('piped')
    // `true` reads nothing and exits at once: the pipe is closed long before lmsload writes (as `head` does mid-output).
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${LMSLOAD_BIN}" analyze "${dir}" --format json 2>"${dir}/stderr" | true`], { encoding: 'utf8' })
    expect(readFileSync(path.join(dir, 'stderr'), 'utf8')).toBe('')
    expect(r.status).toBe(0)
    // A failed gate stays failed when the output is cut: exit 99, still without a stack.
    const budget = path.join(dir, 'tight.json')
    writeFileSync(budget, JSON.stringify({ budgets: { overall: ['p95 < 1us'] } }))
    const gated = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${LMSLOAD_BIN}" analyze "${dir}" --budget "${budget}" --format json 2>"${dir}/stderr" | true`], { encoding: 'utf8' })
    expect(readFileSync(path.join(dir, 'stderr'), 'utf8')).toBe('')
    expect(gated.status).toBe(99)
  })

  it('prints analysis.json with --format json and exits 0 when every budget holds', async () => {
    const dir = copy('json')
    const r = await runCli(['analyze', dir, '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const a = JSON.parse(r.stdout)
    expect(a.schema).toBe('lmsload.analysis/1')
    expect(a.endpoints[0]).toMatchObject({ name: 'GET /x/:id', errors: 0 })
    expect(a.endpoints[0].count).toBe(a.arrivals.started)
    expect(Object.keys(a.endpoints[0].latencyMs)).toEqual(['min', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'])
    expect(a.endpoints[0].throughputPerSec).toBeGreaterThan(0)
    expect(a.overall.latencyMs.p50).toBeGreaterThan(19)
    expect(a.budgets.every((b: { passed: boolean }) => b.passed)).toBe(true)
    expect(Array.isArray(a.findings)).toBe(true)
    expect(JSON.parse(readFileSync(path.join(dir, 'analysis.json'), 'utf8'))).toEqual(a)
  })

  it('exits 99 when a budget fails, from a --budget file', async () => {
    const dir = copy('gate')
    const file = path.join(scratch, 'tight.json')
    writeFileSync(file, JSON.stringify({ budgets: { 'GET /x/:id': ['p95 < 5ms'] } }))
    const r = await runCli(['analyze', dir, '--budget', file])
    expect(r.code).toBe(99)
    // Four budgets of the file and the scenario, and the default journey budget.
    expect(r.stdout).toMatch(/^1 of 5 budgets failed \(worst: GET \/x\/:id p95 < 5ms, measured [\d.]+ ms\)/)
    expect(r.stdout).toMatch(/FAIL {2}GET \/x\/:id: p95 < 5ms/)
  })

  it('does not judge, and fails the gate (exit 99) on, a budget for an endpoint the run never saw, naming the closest', async () => {
    const f = path.join(scratch, 'typo.json')
    writeFileSync(f, JSON.stringify({ budgets: { 'GET /y/:id': ['p95 < 1s'] } }))
    const r = await runCli(['analyze', copy('typo'), '--budget', f])
    expect(r.code).toBe(99)
    expect(r.stdout).toMatch(/NOT JUDGED {2}GET \/y\/:id: p95 < 1s \(not judged: the run never called this endpoint \(did you mean 'GET \/x\/:id'\?\); this fails the gate\)/)
    expect(r.stdout).not.toMatch(/FAIL {2}GET \/y/)
  })

  it('analyses a run killed before its end (run.json still running), up to its last whole second', async () => {
    const dir = copy('killed')
    const runFile = path.join(dir, 'run.json')
    const json = JSON.parse(readFileSync(runFile, 'utf8'))
    writeFileSync(runFile, JSON.stringify({ ...json, status: 'running', endpoints: [], result: undefined }))
    writeFileSync(path.join(dir, 'intervals.ndjson'), readFileSync(path.join(dir, 'intervals.ndjson'), 'utf8') + '{"t":9,"arr')
    const r = await runCli(['analyze', dir, '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const a = JSON.parse(r.stdout)
    expect(a.trust.incomplete).toBe(true)
    expect(a.endpoints[0].name).toBe('GET /x/:id')
    expect(a.warnings.join(' ')).toMatch(/last line is incomplete/)
    expect(existsSync(path.join(dir, 'analysis.json'))).toBe(true)
  })

  it.each([
    ['a missing directory', () => [path.join(scratch, 'nope')], /nope: no such run directory/],
    ['a budget file that is not JSON', () => {
      const f = path.join(scratch, 'bad.json')
      writeFileSync(f, '{"budgets": {"overall": ["p95 < 1s"],}}')
      return [copy('badjson'), '--budget', f]
    }, /bad\.json: not valid JSON: .*position/],
    ['a budget file with a malformed rule', () => {
      const f = path.join(scratch, 'rule.json')
      writeFileSync(f, JSON.stringify({ budgets: { overall: ['p95 <'] } }))
      return [copy('badrule'), '--budget', f]
    }, /rule\.json: budgets\.overall\.0 must match pattern .*rules look like 'p95 < 800ms'/],
    ['an unknown --format', () => [copy('fmt'), '--format', 'xml'], /--format: expected text or json, got 'xml'/],
  ])('refuses %s in one line, exit 1', async (_name, args, message) => {
    const r = await runCli(['analyze', ...args()])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(message)
  })
})

describe('lmsload capacity fit and compare', () => {
  it('fits a CSV and prints the contract fields as JSON', async () => {
    const f = path.join(scratch, 'data.csv')
    writeFileSync(f, 'N,X\n1,100\n2,190\n4,340\n8,520\n16,600\n32,560\n')
    const r = await runCli(['capacity', 'fit', '--input', f, '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['lambda', 'sigma', 'kappa', 'r2', 'peakN', 'peakX'])
    const amdahl = path.join(scratch, 'amdahl.csv')
    writeFileSync(amdahl, 'N,X\n1,50\n2,90.9\n4,153.8\n8,235.3\n16,320\n')
    const t = await runCli(['capacity', 'fit', '--input', amdahl])
    expect(t.stdout).toMatch(/contention-limited \(Amdahl\)/)
    expect(JSON.parse((await runCli(['capacity', 'fit', '--input', amdahl, '--format', 'json'])).stdout)).toMatchObject({ peakN: null, peakX: null })
  })

  it('refuses a malformed CSV and a missing --slo in one line', async () => {
    const f = path.join(scratch, 'few.csv')
    writeFileSync(f, 'N,X\n1,2\n')
    const r = await runCli(['capacity', 'fit', '--input', f])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/few\.csv: 1 data rows; fitting the USL \(3 parameters\) needs at least 4/)
    const s = await runCli(['capacity', 'scenarios/smoke.ts'])
    expect(s.stderr.trim()).toBe("lmsload: capacity: --slo is required, e.g. --slo 'p95<800ms'")
  })

  it('compares a run with itself as an error, and another run without regression', async () => {
    const same = await runCli(['compare', run, run])
    expect(same.stderr.trim()).toBe('lmsload: compare: the baseline and the candidate are the same run directory')
    const r = await runCli(['compare', run, copy('again')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/no regression beyond 10 %/)
  })
})
