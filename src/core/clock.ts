import { performance } from 'node:perf_hooks'

/** Time as the engine sees it: milliseconds, high resolution, comparable across worker threads. */
export interface Clock {
  /** Milliseconds since the Unix epoch, sub-millisecond resolution. */
  nowMs(): number
}

// performance.timeOrigin differs per thread; timeOrigin + now() is an absolute instant that every
// worker agrees on, unlike performance.now() alone.
export const systemClock: Clock = {
  nowMs: () => performance.timeOrigin + performance.now(),
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private t: number
  constructor(startMs = 0) {
    this.t = startMs
  }
  nowMs(): number {
    return this.t
  }
  advance(ms: number): void {
    this.t += ms
  }
}
