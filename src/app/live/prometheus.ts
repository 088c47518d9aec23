// --output prometheus=URL: every second of the run pushed with Prometheus remote write (protobuf,
// snappy; encoded by the prometheus-remote-write package), labelled by run id, scenario, stream and
// endpoint template, so the load and the LMS's own metrics sit on one dashboard
// (docs/grafana-dashboard.json). Counters are cumulative: a batch that is lost costs a second's
// resolution, never the totals. Batches wait in a bounded queue and go one request at a time
// (several queued seconds in one request); a receiver that is slow or gone makes the queue drop its
// oldest batches, counted, and never slows the run.
import { pushTimeseries } from 'prometheus-remote-write'
import { LATENCY_BUCKETS_S, type LiveSecond, type LiveStart, type Output, type OutputReport } from './output.ts'

/** Seconds kept waiting for the receiver; older ones are dropped. */
export const PROMETHEUS_QUEUE_SECONDS = 60
/** One request's deadline. */
export const PROMETHEUS_TIMEOUT_MS = 5000

type Series = { labels: { __name__: string; [key: string]: string }; samples: Array<{ value: number; timestamp: number }> }

const QUANTILES: Array<['p50' | 'p95' | 'p99', string]> = [['p50', '0.5'], ['p95', '0.95'], ['p99', '0.99']]
const LE = [...LATENCY_BUCKETS_S.map((b) => String(b)), '+Inf']

export class PrometheusOutput implements Output {
  readonly name: string
  private readonly url: string
  private base: Record<string, string> = {}
  private readonly queue: Array<{ t: number; series: Series[] }> = []
  private readonly totals = new Map<string, number>()
  private sending: Promise<void> | undefined
  private sent = 0
  private dropped = 0
  private readonly reasons = new Map<string, number>()

  constructor(name: string, url: string) {
    this.name = name
    this.url = url
  }

  start(info: LiveStart): void {
    this.base = { run_id: info.runId, scenario: info.scenario, ...(info.shard ? { shard: info.shard } : {}) }
  }

  /** Adds `value` to the cumulative counter `key` and returns its total. */
  private total(key: string, value: number): number {
    const v = (this.totals.get(key) ?? 0) + value
    this.totals.set(key, v)
    return v
  }

  private batchOf(s: LiveSecond): Series[] {
    const out: Series[] = []
    const at = s.atMs
    const sample = (name: string, labels: Record<string, string>, value: number) => out.push({ labels: { __name__: name, ...this.base, ...labels }, samples: [{ value, timestamp: at }] })
    for (const st of s.streams) {
      const l = { stream: st.stream }
      sample('lmsload_arrivals_planned_total', l, this.total(`planned|${st.stream}`, st.planned))
      sample('lmsload_arrivals_started_total', l, this.total(`started|${st.stream}`, st.started))
      sample('lmsload_arrivals_dropped_total', l, this.total(`dropped|${st.stream}`, st.dropped))
      sample('lmsload_active_learners', l, st.active)
    }
    const byStream = new Map<string, number[]>()
    for (const e of s.endpoints) {
      const l = { stream: e.stream, endpoint: e.endpoint }
      const key = `${e.stream}|${e.endpoint}`
      sample('lmsload_requests_total', l, this.total(`requests|${key}`, e.requests))
      sample('lmsload_request_errors_total', l, this.total(`errors|${key}`, e.errors))
      for (const [p, q] of QUANTILES) if (e[p] !== null) sample('lmsload_request_duration_seconds', { ...l, quantile: q }, e[p]! / 1000)
      const sum = byStream.get(e.stream) ?? new Array<number>(LE.length).fill(0)
      e.buckets.forEach((c, i) => (sum[i]! += c))
      byStream.set(e.stream, sum)
    }
    // The run's latency per stream as a classic histogram: cumulative over buckets and over the run.
    for (const [stream, counts] of byStream) {
      let cumulative = 0
      counts.forEach((c, i) => {
        cumulative += c
        sample('lmsload_request_latency_seconds_bucket', { stream, le: LE[i]! }, this.total(`bucket|${stream}|${i}`, cumulative))
      })
      sample('lmsload_request_latency_seconds_count', { stream }, this.total(`count|${stream}`, cumulative))
    }
    return out
  }

  second(s: LiveSecond): void {
    this.queue.push({ t: s.t, series: this.batchOf(s) })
    while (this.queue.length > PROMETHEUS_QUEUE_SECONDS) {
      this.queue.shift()
      this.drop('the queue was full (the receiver did not keep up)')
    }
    this.sending ??= this.drain().finally(() => (this.sending = undefined))
  }

  private drop(reason: string, n = 1): void {
    this.dropped += n
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n)
  }

  /** Sends queued seconds, several per request, one request at a time. */
  private async drain(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    while (this.queue.length > 0 && Date.now() < deadline) {
      const batches = this.queue.splice(0, this.queue.length)
      // One series per name and labels, its samples in time order (a series' samples must ascend).
      const merged = new Map<string, Series>()
      for (const b of batches) {
        for (const s of b.series) {
          const key = JSON.stringify(s.labels)
          const into = merged.get(key)
          if (into) into.samples.push(...s.samples)
          else merged.set(key, { labels: s.labels, samples: [...s.samples] })
        }
      }
      const reason = await this.post([...merged.values()], Math.min(PROMETHEUS_TIMEOUT_MS, Math.max(1, deadline - Date.now())))
      if (reason === undefined) this.sent += batches.length
      else this.drop(reason, batches.length)
    }
  }

  /** One remote-write request; undefined when the receiver took it, else why not. */
  private async post(series: Series[], timeoutMs: number): Promise<string | undefined> {
    try {
      const result = await pushTimeseries(series, {
        url: this.url,
        headers: { 'X-Prometheus-Remote-Write-Version': '0.1.0' },
        fetch: (url, init) => fetch(url, { method: init?.method, headers: init?.headers, body: init?.body as unknown as Uint8Array, signal: AbortSignal.timeout(timeoutMs) }),
      })
      if (result.status >= 200 && result.status < 300) return undefined
      return `HTTP ${result.status}${result.errorMessage ? `: ${result.errorMessage.trim().slice(0, 120)}` : ''}`
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } }
      return e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message
    }
  }

  async stop(deadlineMs: number): Promise<OutputReport> {
    const deadline = Date.now() + deadlineMs
    if (this.sending) await Promise.race([this.sending, new Promise((r) => setTimeout(r, deadlineMs).unref())])
    if (this.queue.length > 0 && Date.now() < deadline) await this.drain(deadline)
    if (this.queue.length > 0) {
      this.drop('the run ended before the receiver took them', this.queue.length)
      this.queue.length = 0
    }
    const reasons = [...this.reasons.entries()].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} × ${r}`)
    return { output: this.name, sent: this.sent, dropped: this.dropped, reasons }
  }
}
