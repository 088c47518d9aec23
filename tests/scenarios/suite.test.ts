// Every ready scenario, shortened, against the real reference backend: each must produce a
// complete run directory with its plan honoured and no journey, check or HTTP failing.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { readRun } from '../../src/record/reader.ts'
import { backendForSuite } from '../helpers/backend.ts'

const SCENARIOS: Array<[string, { scale?: number; durationMs: number }]> = [
  ['smoke', { durationMs: 6000 }],
  ['exam-spike', { scale: 0.02, durationMs: 8000 }],
  ['video-start', { scale: 0.02, durationMs: 6000 }],
  ['enrollment-day', { scale: 0.02, durationMs: 6000 }],
  ['deadline-rush', { scale: 0.02, durationMs: 6000 }],
  ['daily-cycle', { scale: 0.5, durationMs: 6000 }],
  ['exam-day', { scale: 0.1, durationMs: 10000 }],
]

const suite = backendForSuite()

describe('the scenario suite against the reference backend', () => {
  it.each(SCENARIOS)('%s runs clean and leaves a complete run directory', async (name, shape) => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-suite-')), name)
    const outcome = await runScenario(
      { scenarioFile: `scenarios/${name}.ts`, target: suite.backend.url, out, workers: 1, shape: { scale: shape.scale, durationMs: shape.durationMs }, gracefulStopMs: 1000 },
      { signal: new AbortController().signal },
    )
    expect(outcome.status).toBe('completed')
    for (const file of ['run.json', 'latency.hlog', 'intervals.ndjson', 'resources.ndjson', 'events.ndjson']) expect(existsSync(path.join(out, file)), file).toBe(true)
    const run = readRun(out)
    expect(run.warnings).toEqual([])
    const r = run.run.result!
    expect(r.arrivals.planned).toBeGreaterThan(0)
    expect(r.arrivals.started).toBe(r.arrivals.planned)
    expect(r.requests).toBeGreaterThan(r.arrivals.started)
    const failedJourneys = run.intervals.reduce((n, i) => n + Object.values(i.journeys).reduce((m, j) => m + j.failed, 0), 0)
    const errors = run.events.filter((e) => e.type === 'journey-error').map((e) => e.message)
    expect(errors).toEqual([])
    expect(failedJourneys).toBe(0)
    const failedChecks = run.intervals.flatMap((i) => Object.entries(i.checks).filter(([, c]) => c.fail > 0).map(([label]) => label))
    expect(failedChecks).toEqual([])
    const httpErrors = run.intervals.flatMap((i) => Object.entries(i.endpoints).filter(([, e]) => e.count !== e.ok).map(([id, e]) => `${run.endpoints.get(id)}: ${JSON.stringify(e.statuses)} ${JSON.stringify(e.errors)}`))
    expect(httpErrors).toEqual([])
    for (const route of [...run.endpoints.values()]) expect(route).not.toMatch(/\/\d+(\/|$)/)
    if (name === 'exam-day') {
      // Three streams side by side, and the background's latency set against the exam's busy seconds.
      const a = outcome.analysis
      expect(a.streams!.map((s) => s.name)).toEqual(['background', 'exam', 'deadline'])
      for (const s of a.streams!) expect(s.overall.count, s.name).toBeGreaterThan(0)
      expect(a.streams![0]!.interference.map((i) => i.by)).toContain('exam')
      const html = readFileSync(path.join(out, 'report.html'), 'utf8')
      expect(html).toContain('<section id="streams">')
      expect(html).toContain('Streams: p95 latency side by side')
    }
  })
})
