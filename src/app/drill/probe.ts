// The recovery probe of a drill: one GET every 100 ms from the load's start to its end; answered =
// any status below 500. Its timeline goes into drill.json; the controller waits on it for recovery.
import { request } from 'undici'
import type { RecoveryWatch } from './controller.ts'

export const PROBE_INTERVAL_MS = 100
export const PROBE_TIMEOUT_MS = 1000

export const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

export /** The probe: one GET every 100 ms from the load's start to its end, answered = any status below 500. */
class RecoveryProbe implements RecoveryWatch {
  readonly timeline: Array<[number, 0 | 1]> = []
  private running = true
  private loop: Promise<void> | undefined
  readonly url: URL
  private startMs = 0
  private waiters: Array<{ afterMs: number; resolve: (atMs: number) => void }> = []

  constructor(url: URL) {
    this.url = url
  }

  start(startMs: number): void {
    this.startMs = startMs
    this.loop = this.run()
  }

  private async run(): Promise<void> {
    while (this.running) {
      const at = Date.now()
      let ok: 0 | 1 = 0
      try {
        const res = await request(this.url, { headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS, reset: true })
        await res.body.dump()
        ok = res.statusCode < 500 ? 1 : 0
      } catch {
        ok = 0
      }
      this.timeline.push([Math.round(at - this.startMs) / 1000, ok])
      if (ok) {
        for (const w of this.waiters.filter((x) => at >= x.afterMs)) w.resolve(at)
        this.waiters = this.waiters.filter((x) => at < x.afterMs)
      }
      await sleep(Math.max(0, PROBE_INTERVAL_MS - (Date.now() - at)))
    }
  }

  /** Resolves at the first answered probe sent after `afterMs`, or undefined after the timeout. */
  answeredAfter(afterMs: number, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs)
      this.waiters.push({ afterMs, resolve: (at) => { clearTimeout(timer); resolve(at) } })
    })
  }

  async stop(): Promise<void> {
    this.running = false
    await this.loop
  }
}

