import { performance } from 'node:perf_hooks'

/** Time as the engine sees it: milliseconds, high resolution, comparable across worker threads. */
export interface Clock {
  /** Milliseconds since the Unix epoch, sub-millisecond resolution. */
  nowMs(): number
}

/** Timers as the engine uses them: injected with the clock, so tests can move time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle | undefined): void
}

export type TimerHandle = { readonly __timer: unique symbol } | NodeJS.Timeout

// performance.timeOrigin differs per thread; timeOrigin + now() is an absolute instant that every
// worker agrees on, unlike performance.now() alone.
export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
}

interface PendingTimer {
  at: number
  seq: number
  callback: () => void
}

/**
 * A clock and timers that tests move by hand. `advance` fires due timers in time order (ties in the
 * order they were set) and lets promise continuations run after each, so code that awaits a
 * timer and sets the next one behaves as it would in real time, in microseconds.
 */
export class ManualClock implements Clock, Timers {
  private t: number
  private seq = 0
  private readonly pending = new Set<PendingTimer>()

  constructor(startMs = 0) {
    this.t = startMs
  }

  nowMs(): number {
    return this.t
  }

  /** Like Node's: a delay under 1 ms (or not a number) is 1 ms. */
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.t + (ms >= 1 ? ms : 1), seq: this.seq++, callback }
    this.pending.add(timer)
    return timer as unknown as TimerHandle
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.pending.delete(handle as unknown as PendingTimer)
  }

  /** Timers still pending. */
  get timers(): number {
    return this.pending.size
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms)
  }

  async advanceTo(atMs: number): Promise<void> {
    await settle()
    for (;;) {
      let next: PendingTimer | undefined
      for (const p of this.pending) if (p.at <= atMs && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p
      if (!next) break
      this.pending.delete(next)
      this.t = Math.max(this.t, next.at)
      next.callback()
      await settle()
    }
    this.t = Math.max(this.t, atMs)
  }
}

/** Lets every queued promise continuation run (a real macrotask turn comes after the microtasks). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
