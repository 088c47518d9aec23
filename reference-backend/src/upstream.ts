import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { HttpError } from './http-error.ts'
import type { Metrics } from './metrics.ts'
import type { RequestState } from './request-state.ts'

/**
 * A simulated external dependency (proctoring registration, plagiarism check): a service with a
 * latency and a concurrency limit, as third-party APIs have. Calls beyond the limit queue.
 */
export class Upstream {
  private readonly latencyMs: number
  private readonly concurrency: number
  private readonly timeoutMs: number
  private readonly metrics: Metrics | undefined
  private inFlight = 0
  private readonly queue: Array<() => void> = []

  constructor(latencyMs: number, concurrency: number, timeoutMs: number, metrics?: Metrics) {
    this.latencyMs = latencyMs
    this.concurrency = concurrency
    this.timeoutMs = timeoutMs
    this.metrics = metrics
  }

  state(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length }
  }

  private free(): void {
    const next = this.queue.shift()
    if (next) next()
    else this.inFlight--
  }

  /** Waits for a concurrency slot; false when none came within the timeout. */
  private async waitForSlot(): Promise<boolean> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++
      return true
    }
    const ticket = new Promise<void>((resolve) => this.queue.push(resolve))
    const timer = new AbortController()
    const deadline = sleep(this.timeoutMs, false, { signal: timer.signal }).catch(() => false)
    const got = await Promise.race([ticket.then(() => true), deadline])
    timer.abort()
    // A ticket that resolves after the deadline hands its slot straight back.
    if (!got) ticket.then(() => this.free(), () => {})
    return got
  }

  async call(service: string, state: RequestState): Promise<void> {
    const start = performance.now()
    let outcome = 'ok'
    try {
      if (!(await this.waitForSlot())) {
        outcome = 'timeout'
        throw new HttpError(504, 'UPSTREAM_TIMEOUT', `${service} did not answer within ${this.timeoutMs} ms`)
      }
      try {
        // Service time varies ±25 % around the configured latency.
        await sleep(this.latencyMs * (0.75 + Math.random() * 0.5))
      } finally {
        this.free()
      }
    } finally {
      const ms = performance.now() - start
      state.upstreamMs += ms
      this.metrics?.upstreamDuration.labels(service, outcome).observe(ms / 1000)
    }
  }
}
