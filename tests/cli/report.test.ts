// The reporting commands as a user runs them: the demo (the README's first command, squeezed in
// time), `lmsload report` from an existing analysis.json, and the GitHub step summary.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

const tmp = () => mkdtempSync(path.join(tmpdir(), 'lmsload-report-cli-'))

const PING = `import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'ping',
  arrival: arrival.constant({ rate: 20, duration: '2s' }),
  journeys: { ping: { weight: 1, run: async (l) => { await l.get('/ping') } } },
  budgets: { 'GET /ping': ['p95 < 1ms'] },
})
`

describe('lmsload demo', () => {
  it('starts the bundled LMS, runs the exam spike, and writes a report whose path it prints', async () => {
    const out = path.join(tmp(), 'demo')
    // Squeezed to 12 s (CI time), the exam's journeys outlast some budgets: 99 is the gate speaking, as in package.test.ts.
    const r = await runCli(['demo', '--scale', '0.01', '--duration', '12s', '--out', out, '--quiet'])
    expect([0, 99], r.stderr).toContain(r.code)
    expect(r.stderr).toMatch(/^lmsload demo: 20 learners start an exam on the bundled reference LMS…$/m)
    expect(r.stdout).toMatch(/^run completed after \d+ s: 20 learners started \(100\.0 % of plan 20\)/m)
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`report: ${path.join(out, 'report.html')}`)
    for (const f of ['analysis.json', 'report.html', 'summary.md', 'junit.xml']) expect(existsSync(path.join(out, f)), f).toBe(true)
    const analysis = JSON.parse(readFileSync(path.join(out, 'analysis.json'), 'utf8'))
    expect(analysis.run.scenario).toBe('exam-spike')
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(`<p class="sentence">${analysis.verdict.sentence.replace(/'/g, '&#39;')}</p>`)
  }, 120_000)
})

describe('reports from the command line', () => {
  it('run appends the Markdown summary to $GITHUB_STEP_SUMMARY and exits 99 on the failed budget', async () => {
    const dir = tmp()
    const summary = path.join(dir, 'step-summary.md')
    writeFileSync(summary, '# earlier step\n')
    const out = path.join(dir, 'run')
    const r = await runCli(['run', writeScenario(PING), '--target', target.url, '--out', out, '--workers', '1', '--quiet'], { GITHUB_STEP_SUMMARY: summary })
    expect(r.code, r.stderr).toBe(99)
    const text = readFileSync(summary, 'utf8')
    expect(text.startsWith('# earlier step\n## lmsload: ping — ❌ 1 of 2 budgets failed\n')).toBe(true)
    expect(text).toContain('| ❌ | GET /ping | p95 < 1ms |')
    expect(XMLValidator.validate(readFileSync(path.join(out, 'junit.xml'), 'utf8'))).toBe(true)
  }, 60_000)

  it('lmsload report rewrites the reports from analysis.json and refuses a directory without one', async () => {
    const dir = tmp()
    const out = path.join(dir, 'run')
    expect((await runCli(['run', writeScenario(PING), '--target', target.url, '--out', out, '--workers', '1', '--quiet'])).code).toBe(99)
    const before = readFileSync(path.join(out, 'report.html'), 'utf8')
    const r = await runCli(['report', out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`report: ${path.join(out, 'report.html')}`)
    // Same analysis, same report (the analysis carries its own generation time).
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toBe(before)

    const missing = await runCli(['report', dir])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe(`lmsload: ${path.join(dir, 'analysis.json')}: missing (run \`lmsload analyze ${dir}\` first)`)
    writeFileSync(path.join(dir, 'analysis.json'), '{"schema":"lmsload.analysis/0"}')
    const old = await runCli(['report', dir])
    expect(old.code).toBe(1)
    expect(old.stderr.trim().split('\n')).toHaveLength(1)
    expect(old.stderr).toMatch(/schema is 'lmsload\.analysis\/0', expected 'lmsload\.analysis\/1'/)
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toBe(before)
  }, 60_000)
})
