// lmsload probe: autocannon against a real loopback server, recorded as a run directory whose
// numbers agree with autocannon's own result and which analyze/compare treat like any run.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runProbe } from '../../../src/app/probe.ts'
import { readRun } from '../../../src/record/reader.ts'
import { runCli } from '../../helpers/cli.ts'
import { startTarget, type TestTarget } from '../../helpers/target.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-probe-'))
let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

describe('lmsload probe', () => {
  it('records every response per second and agrees with autocannon’s own result', async () => {
    const dir = path.join(scratch, 'fast')
    const outcome = await runProbe({ url: `${target.url}/api/courses/7?delay=2`, connections: 4, durationMs: 5000, out: dir, name: 'courses' })
    expect(outcome.endpoint).toBe('GET /api/courses/:id')
    expect(outcome.comparison.filter((c) => !c.ok)).toEqual([])
    expect(outcome.comparison.map((c) => c.metric)).toEqual(['responses', 'errors (no answer)', 'non-2xx', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'])
    expect(target.hits.get('/api/courses/7')).toBeGreaterThanOrEqual(outcome.requests)
    // Four connections, each waiting ≥ 2 ms per answer: at most ~2,000 requests a second.
    expect(outcome.requests).toBeGreaterThan(100)
    expect(outcome.requests / 5).toBeLessThan(2100)
    const run = readRun(dir)
    expect(run.run.status).toBe('completed')
    expect(run.run.scenario.profile).toMatchObject({ kind: 'import:autocannon', connections: 4 })
    expect(run.intervals.reduce((a, i) => a + (i.requests ?? 0), 0)).toBe(outcome.requests)
    expect(Math.max(...run.intervals.map((i) => i.active))).toBe(4)
    const e = outcome.analysis.analysis.endpoints[0]!
    expect(e.latencyMs!.p50).toBeGreaterThanOrEqual(2)
    // Rates are per second of the probe's -d (autocannon's own denominator), never of the 6 calendar seconds it straddles.
    expect(e.throughputPerSec).toBeCloseTo(outcome.requests / 5, 6)
    expect(existsSync(path.join(dir, 'report.html'))).toBe(true)
    expect(JSON.parse(readFileSync(path.join(dir, 'import.json'), 'utf8')).autocannon.requests.total).toBe(outcome.requests)
  })

  it('--rate caps the request rate; a slower server shows in compare against the first probe', async () => {
    const dir = path.join(scratch, 'rated')
    const rated = await runProbe({ url: `${target.url}/api/courses/7?delay=12`, connections: 4, durationMs: 5000, rate: 100, out: dir, name: 'courses' })
    expect(rated.requests).toBeGreaterThan(400)
    // autocannon refills each second's quota from its own setInterval: a 5 s run sees five refills,
    // or six when its end timer fires after the sixth tick on a busy machine (600 seen in CI).
    expect(rated.requests).toBeLessThanOrEqual(610)
    expect(rated.comparison.map((c) => c.metric)).toEqual(['responses', 'errors (no answer)', 'non-2xx'])
    expect(rated.comparison.every((c) => c.ok)).toBe(true)
    // A rate-capped probe is another load: refused as a gate unless the user says so.
    const refused = await runCli(['compare', path.join(scratch, 'fast'), dir])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toMatch(/^lmsload: compare: the runs are not comparable \(load profile differs: .*\); pass --allow-different to compare them anyway/)
    const result = await runCli(['compare', path.join(scratch, 'fast'), dir, '--allow-different'])
    expect(result.stdout).toMatch(/REGRESSION +GET \/api\/courses\/:id: p50 \+\d/)
    expect(result.code).toBe(99)
  })

  it('errors: refused connections are transport errors, not latencies', async () => {
    const dir = path.join(scratch, 'refused')
    const outcome = await runProbe({ url: 'http://127.0.0.1:1/x', connections: 2, durationMs: 1000, out: dir, timeoutMs: 1000 })
    expect(outcome.requests).toBeGreaterThan(0)
    const e = outcome.analysis.analysis.endpoints[0]!
    expect(e.errorRate).toBe(1)
    expect(Object.keys(e.errorsByKind)).toEqual(['refused'])
  })

})

describe.concurrent('lmsload probe refuses', () => {
  it.each([
    [['probe', 'http://example.com/'], /example\.com is not loopback/],
    [['probe', 'not a url'], /--target: expected a URL/],
    [['probe', 'http://127.0.0.1:1/', '-c', '0'], /--connections: expected a whole number above 0/],
    [['probe', 'http://127.0.0.1:1/', '-d', '500ms'], /--duration: at least 1s/],
    [['probe', 'http://127.0.0.1:1/', '-H', 'no-colon'], /--header: expected 'name: value'/],
    [['probe', 'http://127.0.0.1:1/', '-m', 'BREW'], /--method: expected one of GET/],
  ])('%j is refused in one line', async (args, message) => {
    const out = path.join(scratch, `bad-${Math.random().toString(36).slice(2)}`)
    const result = await runCli([...args, '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
    expect(existsSync(out)).toBe(false)
  })
})
