import type { TimerHandle } from '../../core/clock.ts'
import type { ConcurrencyProfile } from '../../scenario/concurrency/index.ts'
import type { StreamRun } from '../schedule/streams.ts'
import type { Executor, ExecutorHost, StartedJourney } from './executor.ts'

/** How often the target of concurrent learners is re-read (ramps are followed at this step). */
export const CLOSED_TICK_MS = 100

interface Slot {
  retiring: boolean
  /** Run time (ms) at which the slot was told to retire. */
  retiredAt: number
  learner?: StartedJourney
}

/**
 * The closed model: keeps this worker's share of the profile's target of concurrent learners
 * busy, each slot starting its next learner (a new id) as soon as its journey ends. Ramp-down
 * retires slots: a retiring learner finishes its journey unless it overstays the profile's grace.
 */
export class ClosedConcurrency implements Executor {
  private readonly host: ExecutorHost
  private readonly profile: ConcurrencyProfile
  private readonly stream: number
  /** The stream's start, ms after the run's. */
  private readonly offsetMs: number
  private readonly idBase: number
  private readonly idStep: number
  private readonly index: number
  private readonly workers: number
  /** This lane's learners so far: the n-th has id idBase + idStep × (index + n × lanes) (`workers` counts lanes: workers × shards). */
  private nextSlot: number
  private readonly slots: Slot[] = []
  private timer: TimerHandle | undefined
  private done: (() => void) | undefined

  constructor(host: ExecutorHost, stream: Pick<StreamRun, 'index' | 'startAfterMs' | 'idBase' | 'idStep'> & { concurrency: ConcurrencyProfile }, index: number, workers: number) {
    this.host = host
    this.profile = stream.concurrency
    this.stream = stream.index
    this.offsetMs = stream.startAfterMs
    this.idBase = stream.idBase
    this.idStep = stream.idStep
    this.index = index
    this.workers = workers
    this.nextSlot = index
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve
      this.tick()
    })
  }

  /** Slots that are not retiring. */
  get working(): number {
    return this.slots.filter((s) => !s.retiring).length
  }

  private loop(slot: Slot): void {
    if (slot.retiring || this.host.stopping || !this.done) {
      this.slots.splice(this.slots.indexOf(slot), 1)
      return
    }
    const now = this.host.clock.nowMs()
    const id = this.idBase + this.idStep * this.nextSlot
    this.nextSlot += this.workers
    slot.learner = this.host.startJourney(this.stream, id, now, now, () => this.loop(slot))
  }

  private tick(): void {
    const host = this.host
    const elapsed = host.clock.nowMs() - host.startAtMs - this.offsetMs
    if (host.stopping || elapsed >= this.profile.durationMs) return this.stop()
    if (elapsed < 0) {
      // The stream starts later in the run.
      this.timer = host.timers.setTimeout(() => this.tick(), -elapsed)
      return
    }
    const total = this.profile.targetAt(elapsed)
    const mine = Math.floor(total / this.workers) + (this.index < total % this.workers ? 1 : 0)
    const working = this.slots.filter((s) => !s.retiring)
    for (let i = working.length; i < mine; i++) {
      const slot: Slot = { retiring: false, retiredAt: 0 }
      this.slots.push(slot)
      this.loop(slot)
    }
    for (let i = working.length - 1; i >= mine; i--) {
      working[i]!.retiring = true
      working[i]!.retiredAt = elapsed
    }
    for (const slot of this.slots) if (slot.retiring && elapsed - slot.retiredAt > this.profile.gracefulRampDownMs) slot.learner?.interrupt()
    this.timer = host.timers.setTimeout(() => this.tick(), CLOSED_TICK_MS)
  }

  stop(): void {
    this.host.timers.clearTimeout(this.timer)
    this.timer = undefined
    for (const slot of this.slots) slot.retiring = true
    const done = this.done
    this.done = undefined
    done?.()
  }

  releaseDue(): void {}

  /** None: each learner's first request opens its connection, as a real learner's would. */
  connectionsAtStart(): number {
    return 0
  }
}
