// The toolkit under faults, with real processes: the generator killed with SIGKILL, a target that
// hangs, a /metrics endpoint that hangs, a disk that fills mid-run, an output directory that
// cannot be created. (The target killed mid-run: tests/reliability/drill.test.ts.)
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Analysis } from '../../src/analyze/analysis.ts'
import { runScenario } from '../../src/app/run.ts'
import { LMSLOAD_BIN, runCli } from '../helpers/cli.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-faults-'))
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
  rmSync(scratch, { recursive: true, force: true })
})

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T

describe('the generator killed with SIGKILL', () => {
  it('leaves a run directory that analyze reads up to its last whole second, marked incomplete', async () => {
    const out = path.join(scratch, 'killed')
    const scenario = writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'long', arrival: arrival.constant({ rate: 40, duration: '30s' }),
  journeys: { a: { weight: 1, run: async (l) => { await l.get('/k/:id', { params: { id: l.id } }) } } },
})
`)
    const child = spawn(process.execPath, [LMSLOAD_BIN, 'run', scenario, '--target', target.url, '--out', out, '--quiet', '--workers', '1'], { stdio: 'ignore' })
    // Kill once four whole seconds are on disk.
    const deadline = Date.now() + 30_000
    const lines = () => (existsSync(path.join(out, 'intervals.ndjson')) ? readFileSync(path.join(out, 'intervals.ndjson'), 'utf8').split('\n').length - 1 : 0)
    while (lines() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    expect(readJson<{ status: string }>(path.join(out, 'run.json')).status).toBe('running')

    const r = await runCli(['analyze', out, '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const a = JSON.parse(r.stdout) as Analysis
    expect(a.run.complete).toBe(false)
    expect(a.trust.incomplete).toBe(true)
    expect(a.overall.count).toBeGreaterThanOrEqual(4 * 40 * 0.9)
    expect(a.run.durationSec).toBeLessThan(20)
    expect(a.warnings.join(' ')).toMatch(/never recorded its end/)
    expect(existsSync(path.join(out, 'report.html'))).toBe(true)
  }, 60_000)
})

describe('a target that hangs', () => {
  it('times requests out on schedule, caps what is in flight, and the analysis calls it an outage', async () => {
    const out = path.join(scratch, 'hang')
    const { analysis } = await runScenario({
      scenarioFile: writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'hang', arrival: arrival.constant({ rate: 60, duration: '5s' }),
  journeys: { a: { weight: 1, run: async (l) => { await l.get('/hang') } } },
  options: { requestTimeout: '1500ms', gracefulStop: '3s', maxLearners: 50 },
})
`),
      target: target.url, out, workers: 1,
    }, { signal: new AbortController().signal })
    // At most 50 learners wait at once; the arrivals beyond are dropped and counted, not queued.
    expect(analysis.arrivals.peakActive).toBeLessThanOrEqual(50)
    expect(analysis.arrivals.dropped).toBeGreaterThan(0)
    expect(analysis.arrivals.started + analysis.arrivals.dropped).toBe(analysis.arrivals.planned)
    expect(analysis.overall.errorsByKind.timeout).toBe(analysis.arrivals.started)
    const outage = analysis.outages[0]!
    expect(outage.failedByKind.timeout).toBeGreaterThan(0)
    expect(outage.startSec).toBeLessThanOrEqual(2)
    expect(outage.durationSec).toBeGreaterThanOrEqual(4)
    const ids = analysis.findings.map((f) => f.id)
    expect(ids).toContain('connection-failures')
    expect(ids).toContain('dropped-arrivals')
    expect(analysis.findings.find((f) => f.id === 'connection-failures')!.explanation).toMatch(/timeouts .* down or hung for \d+ s/)
  }, 60_000)
})

describe('a /metrics endpoint that hangs', () => {
  it('never slows the load: arrivals on plan, the failed scrape recorded as an event', async () => {
    const metrics = createServer(() => { /* never answers */ })
    await new Promise<void>((r) => metrics.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(metrics.address() as { port: number }).port}/metrics`
    const out = path.join(scratch, 'scrape')
    try {
      const { analysis } = await runScenario({
        scenarioFile: writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'scraped', arrival: arrival.constant({ rate: 50, duration: '4s' }),
  journeys: { a: { weight: 1, run: async (l) => { await l.get('/s') } } },
})
`),
        target: target.url, out, workers: 1, scrape: [url], spacing: 'uniform',
      }, { signal: new AbortController().signal })
      expect(analysis.arrivals.started).toBe(analysis.arrivals.planned)
      expect(analysis.arrivals.startLagMs!.p99).toBeLessThan(50)
      expect(analysis.overall.errors).toBe(0)
      const events = readFileSync(path.join(out, 'events.ndjson'), 'utf8')
      expect(events).toMatch(new RegExp(`"type":"warning".*resource sampler metrics:${url.replace(/[./]/g, '\\$&')} failed`))
    } finally {
      metrics.closeAllConnections()
      metrics.close()
    }
  }, 60_000)
})

/** A 96 kB tmpfs: the run directory fills it within seconds. Needs root (mount). */
function tinyDisk(): string | undefined {
  const dir = path.join(scratch, 'tiny')
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', dir], { stdio: 'ignore' })
    return dir
  } catch {
    return undefined
  }
}

describe('disk trouble', () => {
  const disk = tinyDisk()
  afterAll(() => {
    if (disk) execFileSync('umount', [disk])
  })

  // Without root (mount) the case cannot be staged here; CI runs as root.
  it.skipIf(disk === undefined)('a disk that fills mid-run stops the arrivals, keeps whole lines, and exits 1 in one line', async () => {
    const out = path.join(disk!, 'run')
    const scenario = writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'filler', arrival: arrival.constant({ rate: 200, duration: '30s' }),
  journeys: { a: { weight: 1, run: async (l) => { await l.get('/f/:id', { params: { id: l.id }, name: 'GET /f/' + (l.id % 40) }) } } },
})
`)
    const started = Date.now()
    const r = await runCli(['run', scenario, '--target', target.url, '--out', out, '--quiet', '--workers', '1'])
    expect(Date.now() - started).toBeLessThan(25_000)
    expect(r.code, r.stderr).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines.at(-1)).toMatch(new RegExp(`^lmsload: ${out.replace(/[./]/g, '\\$&')}: cannot write [a-z.]+: the disk is full$`))
    expect(r.stderr).not.toMatch(/^\s+at /m)
    // Whatever was written is whole lines: the directory is still analysable (elsewhere).
    const copy = path.join(scratch, 'full-copy')
    execFileSync('cp', ['-r', out, copy])
    writeFileSync(path.join(copy, 'note'), 'copied off the full disk')
    const a = await runCli(['analyze', copy, '--format', 'json'])
    expect(a.code, a.stderr).toBe(0)
    expect((JSON.parse(a.stdout) as Analysis).overall.count).toBeGreaterThan(0)
  }, 60_000)

  it('an output directory that cannot be created is refused before any load', async () => {
    const file = path.join(scratch, 'a-file')
    writeFileSync(file, 'not a directory')
    const before = target.hits.get('/nowhere') ?? 0
    const r = await runCli(['run', writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({ name: 'x', arrival: arrival.constant({ rate: 10, duration: '2s' }), journeys: { a: { weight: 1, run: async (l) => { await l.get('/nowhere') } } } })
`), '--target', target.url, '--out', path.join(file, 'run')])
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toMatch(/^lmsload: .*a-file\/run: cannot create the run directory: /)
    expect(target.hits.get('/nowhere') ?? 0).toBe(before)
    expect(readFileSync(file, 'utf8')).toBe('not a directory')
  })
})
