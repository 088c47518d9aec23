import type { TimerHandle } from '../../core/clock.ts'
import type { ArrivalPlan } from '../schedule/arrival-plan.ts'
import type { StreamRun } from '../schedule/streams.ts'
import type { Executor, ExecutorHost } from './executor.ts'

/** Arrivals due within this much of now count as due (1 µs: far below the start lag it avoids). */
const DUE_TOLERANCE_MS = 0.001

/**
 * The open model: starts every arrival of this worker's share of the seeded plan (arrivals
 * `index`, `index + step`, …) at its planned instant, whatever the target's speed.
 *
 * Timer strategy: one timer, set for the next due arrival (Node's timers have 1 ms granularity, so
 * arrivals falling in the same millisecond start in one batch), and a check after every response
 * (`releaseDue`): when the event loop is busy with responses, the timer fires late, but responses
 * keep arriving, and each one releases whatever is due. The check is one comparison on the hot
 * path. Neither changes what is measured: a journey's intended start is its planned instant
 * whichever of the two starts it, so lateness is still charged to its latency.
 */
export class OpenArrivals implements Executor {
  private readonly host: ExecutorHost
  private readonly plan: ArrivalPlan
  private readonly stream: number
  /** The stream's start, ms after the run's. */
  private readonly offsetMs: number
  /** Learner id of the plan's first arrival. */
  private readonly idBase: number
  private readonly step: number
  private next: number
  /** When the next arrival is due (epoch ms); +∞ when none is left or the executor is stopped. */
  private nextDueAt = Number.POSITIVE_INFINITY
  private timer: TimerHandle | undefined
  private done: (() => void) | undefined

  constructor(host: ExecutorHost, stream: Pick<StreamRun, 'index' | 'startAfterMs' | 'idBase'> & { plan: ArrivalPlan }, index: number, step: number) {
    this.host = host
    this.plan = stream.plan
    this.stream = stream.index
    this.offsetMs = stream.startAfterMs
    this.idBase = stream.idBase
    this.next = index
    this.step = step
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve
      this.nextDueAt = this.next < this.plan.times.length ? this.host.startAtMs + this.offsetMs + this.plan.times[this.next]! : Number.POSITIVE_INFINITY
      this.tick()
    })
  }

  private tick(): void {
    if (!this.done) return
    const host = this.host
    if (host.stopping) return this.stop()
    const now = host.clock.nowMs()
    this.releaseDue(now)
    if (this.next >= this.plan.times.length) {
      // The plan's last second runs to its end, though no arrival is left in it.
      const untilEnd = host.startAtMs + this.offsetMs + this.plan.durationMs - now
      if (untilEnd > 0) this.timer = host.timers.setTimeout(() => this.stop(), untilEnd)
      else this.stop()
      return
    }
    this.timer = host.timers.setTimeout(() => this.tick(), Math.max(0, this.nextDueAt - now))
  }

  /** Enough for this worker's first-second arrivals if each held a connection for 10 ms. */
  connectionsAtStart(): number {
    let n = 0
    for (let i = this.next; i < this.plan.times.length && this.plan.times[i]! + this.offsetMs < 1000; i += this.step) n++
    return Math.ceil(n / 100)
  }

  stop(): void {
    this.nextDueAt = Number.POSITIVE_INFINITY
    this.host.timers.clearTimeout(this.timer)
    this.timer = undefined
    const done = this.done
    this.done = undefined
    done?.()
  }

  releaseDue(now: number): void {
    // Plan times are fractional milliseconds: a timer set for an arrival may fire a rounding error
    // before it, and without the tolerance the arrival would wait for another 1 ms timer.
    if (now + DUE_TOLERANCE_MS < this.nextDueAt) return
    const host = this.host
    if (host.stopping) return
    const times = this.plan.times
    const releases = this.plan.releases
    const start = host.startAtMs + this.offsetMs
    const stream = this.stream
    const idBase = this.idBase
    const elapsed = now - start + DUE_TOLERANCE_MS
    let next = this.next
    while (next < times.length && times[next]! <= elapsed) {
      const at = start + times[next]!
      if (host.activeCount >= host.maxActive || host.backlogged) host.dropArrival(stream, now)
      else host.startJourney(stream, idBase + next, at, releases ? start + releases[next]! : at)
      next += this.step
    }
    this.next = next
    this.nextDueAt = next < times.length ? start + times[next]! : Number.POSITIVE_INFINITY
  }
}
