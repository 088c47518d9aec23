// `lmsload probe`: one endpoint hammered by autocannon (its programmatic API), every response
// folded into lmsload's per-second records as it arrives, so a raw throughput/latency probe becomes
// a run directory that analyze, report and compare treat like any run. autocannon's own result is
// kept beside it and compared, as the imports compare with their tool's summary.
//
// A probe is a closed loop (each connection sends when its last answer came), like autocannon
// itself: latencies are response times, not corrected for coordinated omission. Under --rate,
// autocannon sends each connection's share of a second in a burst and corrects its own histogram
// with a 1 ms expected interval (lib/run.js: Math.ceil(1 / rate)), which inflates its percentiles;
// lmsload records the raw times and does not compare latencies in that mode.
import autocannon from 'autocannon'
import { latencyHistogram } from '../../metrics/histogram.ts'
import { templatedPath } from '../../scenario/route.ts'
import { openImportRun, REORDER_WINDOW_SEC } from '../import/seconds.ts'
import { summaryLine, type SummaryLine } from '../import/summary.ts'
import { classifyTransportError } from '../../metrics/outcome.ts'
import { isExpectedStatus } from '../../scenario/expect.ts'

export interface ProbeRequest {
  url: string
  dir: string
  name: string
  connections: number
  durationSec: number
  /** Requests per second over all connections (autocannon's overallRate); unset: as fast as answers come. */
  rate?: number
  method: string
  headers: Record<string, string>
  body?: string
  timeoutSec: number
  pipelining: number
  signal?: AbortSignal
  onSecond?: (second: number, requests: number) => void
}

export interface ProbeOutcome {
  requests: number
  seconds: number
  comparison: SummaryLine[]
  autocannon: autocannon.Result
  endpoint: string
}


const line = (metric: string, tool: number, lmsload: number, allowed: number, absolute = 0): SummaryLine => summaryLine('probe', metric, tool, lmsload, allowed, absolute)

export async function probe(req: ProbeRequest): Promise<ProbeOutcome> {
  const endpoint = `${req.method} ${templatedPath(req.url)}`
  const startMs = Date.now()
  const run = openImportRun(req.dir, {
    tool: 'autocannon', name: req.name, description: `autocannon probe of ${req.method} ${req.url}`, sources: [req.url], target: new URL(req.url).origin,
    model: 'closed', generators: 1,
    profile: { connections: req.connections, durationSec: req.durationSec, rate: req.rate ?? null, pipelining: req.pipelining, method: req.method },
  }, startMs)
  const folder = run.folder
  // Each connection is a learner of the closed loop: there from the start to the end.
  folder.active(startMs, req.connections)
  for (let i = 0; i < req.connections; i++) folder.arrival(startMs)
  // Responses of 2xx only, in whole milliseconds (truncated), as autocannon's own histogram keeps
  // them: the comparison then checks that the same responses were seen, not the rounding.
  const ok2xx = latencyHistogram()
  let lastSecond = -1
  let inSecond = 0
  let settle!: { resolve: (r: autocannon.Result) => void; reject: (e: unknown) => void }
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = { resolve, reject }
  })
  const instance = autocannon({
    url: req.url, method: req.method as autocannon.Request['method'], headers: req.headers, body: req.body, connections: req.connections,
    duration: req.durationSec, timeout: req.timeoutSec, pipelining: req.pipelining,
    ...(req.rate !== undefined ? { overallRate: req.rate } : {}),
  }, (error, result) => (error ? settle.reject(error) : settle.resolve(result)))
  let ok2xxCount = 0
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    const now = Date.now()
    folder.request(now, endpoint, { latencyMs: responseTime, status: statusCode, ok: isExpectedStatus(statusCode, undefined), bytesIn: resBytes })
    if (statusCode >= 200 && statusCode < 300) {
      ok2xxCount++
      ok2xx.recordValue(Math.floor(responseTime))
    }
    const second = Math.floor((now - startMs) / 1000)
    if (second !== lastSecond) {
      if (lastSecond >= 0) req.onSecond?.(lastSecond, inSecond)
      lastSecond = second
      inSecond = 0
      folder.active(now, req.connections)
      // Seconds before this one are complete: responses arrive in time order.
      folder.advance(now + (REORDER_WINDOW_SEC - 1) * 1000)
    }
    inSecond++
  })
  let noAnswer = 0
  instance.on('reqError', (error: Error & { code?: string }) => {
    noAnswer++
    const kind = classifyTransportError(error)
    folder.request(Date.now(), endpoint, { latencyMs: kind === 'timeout' ? req.timeoutSec * 1000 : 0, status: 0, ok: false, error: kind })
  })
  const onAbort = () => instance.stop()
  req.signal?.addEventListener('abort', onAbort, { once: true })
  const result = await finished.finally(() => req.signal?.removeEventListener('abort', onAbort))
  // The probe's plan is its -d: rates are per second of it, as autocannon's own are.
  const written = run.finish(req.signal?.aborted ? undefined : req.durationSec * 1000)
  const t = folder.totals
  const q = (p: number) => ok2xx.getValueAtPercentile(p)
  const comparison = [
    line('responses', result.requests.total, t.requests - noAnswer, 0),
    line('errors (no answer)', result.errors, noAnswer, 0),
    line('non-2xx', result.non2xx, t.requests - noAnswer - ok2xxCount, 0),
  ]
  // autocannon keeps 2xx latencies only, in whole milliseconds: compared when there are some and no --rate.
  if (ok2xxCount > 0 && req.rate === undefined) {
    comparison.push(
      line('mean ms', result.latency.average, ok2xx.mean, 0.02, 0.01),
      line('p50 ms', result.latency.p50, q(50), 0.01, 0),
      line('p90 ms', result.latency.p90, q(90), 0.01, 0),
      line('p99 ms', result.latency.p99, q(99), 0.01, 0),
      line('max ms', result.latency.max, ok2xx.maxValue, 0.01, 0),
    )
  }
  return { requests: t.requests, seconds: written.result?.seconds ?? t.seconds, comparison, autocannon: result, endpoint }
}
