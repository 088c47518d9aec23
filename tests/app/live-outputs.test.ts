// Live outputs against a real Prometheus (remote-write receiver on loopback): what PromQL says of a
// run agrees with analysis.json, and a receiver that is gone costs the run nothing.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { readRun } from '../../src/record/reader.ts'
import { freePort, startPrometheus, type TestPrometheus } from '../helpers/prometheus.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

const SCENARIO = writeScenario(`
  import { defineScenario, arrival } from 'lmsload'
  export default defineScenario({
    name: 'live',
    streams: {
      browse: { arrival: arrival.constant({ rate: 30, duration: '3s' }), journeys: { page: { weight: 1, run: async (l) => { await l.get('/slow', { query: { delay: l.random.int(40) } }) } } } },
      exam: { arrival: arrival.constant({ rate: 20, duration: '2s' }), startAfter: '1s', journeys: { start: { weight: 1, run: async (l) => { await l.post('/items/:id', { params: { id: l.id } }) } } } },
    },
  })`)

const out = () => path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-live-')), 'run')

describe('live outputs', () => {
  let prom: TestPrometheus
  beforeAll(async () => {
    prom = await startPrometheus()
  }, 60_000)
  afterAll(async () => {
    await prom?.stop()
  })

  it('pushes every second to Prometheus: PromQL gives analysis.json\'s request count exactly and its p95 within one bucket', async () => {
    const dir = out()
    const lines = `${dir}.ndjson`
    const outcome = await runScenario({ scenarioFile: SCENARIO, target: target.url, out: dir, workers: 1, outputs: [`prometheus=${prom.writeUrl}`, `ndjson=${lines}`] }, { signal: new AbortController().signal })
    expect(outcome.status).toBe('completed')
    expect(outcome.outputs.map((o) => [o.output.split('=')[0], o.dropped])).toEqual([['prometheus', 0], ['ndjson', 0]])
    const a = outcome.analysis
    const id = outcome.run.id
    const at = Date.now() / 1000
    // Counters are cumulative: their last value over the run is the total.
    expect(await prom.query(`sum(max_over_time(lmsload_requests_total{run_id="${id}"}[1h]))`, at)).toBe(a.overall.count)
    expect(await prom.query(`sum(max_over_time(lmsload_requests_total{run_id="${id}",stream="exam"}[1h]))`, at)).toBe(a.streams!.find((s) => s.name === 'exam')!.overall.count)
    expect(await prom.query(`sum(max_over_time(lmsload_arrivals_started_total{run_id="${id}"}[1h]))`, at)).toBe(a.arrivals.started)
    // The run's latency histogram (×1.2 buckets): histogram_quantile interpolates inside the bucket that holds the true p95.
    const p95 = (await prom.query(`histogram_quantile(0.95, sum by (le) (max_over_time(lmsload_request_latency_seconds_bucket{run_id="${id}"}[1h])))`, at))! * 1000
    const ratio = p95 / a.overall.latencyMs!.p95
    expect(ratio).toBeGreaterThan(1 / 1.2)
    expect(ratio).toBeLessThan(1.2)
    // The NDJSON output: a start line, then one line per recorded second.
    const parsed = readFileSync(lines, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(parsed[0]).toMatchObject({ type: 'start', runId: id, scenario: 'live' })
    expect(parsed.slice(1).map((l) => l.t)).toEqual(readRun(dir).intervals.map((l) => l.t))
    expect(parsed.slice(1).reduce((n, l) => n + l.endpoints.reduce((m: number, e: { requests: number }) => m + e.requests, 0), 0)).toBe(a.overall.count)
    // The shipped Grafana dashboard: every query of every panel runs on this Prometheus and finds the run
    // (the errors panel shows only endpoints with errors, and this run had none).
    const dashboard = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> }
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        const expr = t.expr.replaceAll('$run_id', id).replaceAll('$stream', '.*').replaceAll('$__rate_interval', '1m')
        const found = await prom.query(expr, at)
        if (/errors|dropped/.test(expr)) continue
        expect(found, `${panel.title}: ${expr}`).not.toBeNull()
      }
    }
  }, 90_000)

  it('a receiver stopped mid-run costs the run nothing: it completes on plan and reports the dropped batches', async () => {
    const doomed = await startPrometheus()
    const dir = out()
    const started = Date.now()
    // Prometheus is killed as soon as it has taken a first write (its own request counter says so):
    // the rest of the run's seconds find it gone, however fast or slow this machine is today.
    const watcher = setInterval(() => {
      void fetch(`${doomed.url}/metrics`).then((r) => r.text()).then((text) => {
        if (/prometheus_http_requests_total\{code="204",handler="\/api\/v1\/write"\} [1-9]/.test(text)) void doomed.stop()
      }, () => {})
    }, 50)
    const outcome = await runScenario({ scenarioFile: SCENARIO, target: target.url, out: dir, workers: 1, outputs: [`prometheus=${doomed.writeUrl}`] }, { signal: new AbortController().signal })
    const took = Date.now() - started
    clearInterval(watcher)
    await doomed.stop()
    expect(outcome.status).toBe('completed')
    const r = outcome.run.result!
    expect(r.arrivals.dropped).toBe(0)
    expect(r.arrivals.started).toBe(r.arrivals.planned)
    const report = outcome.outputs[0]!
    expect(report.sent).toBeGreaterThan(0)
    expect(report.dropped).toBeGreaterThan(0)
    expect(report.sent + report.dropped).toBe(r.seconds)
    expect(readRun(dir).events.some((e) => e.type === 'warning' && /output prometheus=.*batches dropped/.test(e.message))).toBe(true)
    // A 3 s plan: the run is not held up by a dead receiver (its flush at the end is bounded by 5 s).
    expect(took).toBeLessThan(20_000)
  }, 90_000)

  it('a receiver that never was: every batch dropped and counted, the run on plan', async () => {
    const port = await freePort()
    const outcome = await runScenario({ scenarioFile: SCENARIO, target: target.url, out: out(), workers: 1, shape: { durationMs: 2000 }, outputs: [`prometheus=http://127.0.0.1:${port}/api/v1/write`] }, { signal: new AbortController().signal })
    expect(outcome.status).toBe('completed')
    expect(outcome.run.result!.arrivals.started).toBe(outcome.run.result!.arrivals.planned)
    expect(outcome.outputs[0]).toMatchObject({ sent: 0, dropped: outcome.run.result!.seconds })
    expect(outcome.outputs[0]!.reasons.join(' ')).toMatch(/ECONNREFUSED/)
  }, 60_000)
})
