import type { Clock, Timers } from '../../core/clock.ts'

/** A journey an executor started, as far as the executor needs it. */
export interface StartedJourney {
  /** Ends the journey at its next wait or request. */
  interrupt(): void
}

/**
 * What an executor drives its learners through: the runner that owns the learners, the stats and
 * the connection pools. One runner may host several executors (one per traffic stream).
 */
export interface ExecutorHost {
  readonly clock: Clock
  readonly timers: Timers
  /** The run's start instant (epoch ms): every executor's plan is relative to it. */
  readonly startAtMs: number
  /** True once the run is stopping: executors start nothing more. */
  readonly stopping: boolean
  /** Learners active now, across the runner. */
  readonly activeCount: number
  /** The runner's bound on active learners: arrivals beyond it are dropped. */
  readonly maxActive: number
  /** True while more requests wait for a connection than the target could serve in time: arrivals are dropped. */
  readonly backlogged: boolean
  /**
   * Starts learner `id`'s journey in stream `stream` (its index in the scenario); `arrivalAtMs` is
   * its intended start (latency is timed from it), `afterEnd` runs when the journey ends, however it ends.
   */
  startJourney(stream: number, id: number, arrivalAtMs: number, releaseAtMs: number, afterEnd?: () => void): StartedJourney
  /** Counts an arrival of `stream` dropped at `atMs` (never delayed: a delayed arrival would hide the queue it met). */
  dropArrival(stream: number, atMs: number): void
}

/**
 * One load model driving one stream of learners (k6's executors): the open model starts arrivals
 * from a seeded plan, the closed model keeps a target of learners busy.
 */
export interface Executor {
  /** Drives the load; resolves when this executor's part of the run is over. */
  run(): Promise<void>
  /** Stops starting learners and cancels this executor's timers (the run is stopping). */
  stop(): void
  /** Connections worth opening before the start instant (see LoadRunner.prepare). */
  connectionsAtStart(): number
  /** Starts whatever is due by `nowMs`; called after every response. Cheap when nothing is. */
  releaseDue(nowMs: number): void
}
