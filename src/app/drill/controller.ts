// The drill as a controller with explicit states: armed → killed → (restored) → (restarted) →
// recovered | not-recovered, or cancelled when the run ends before the kill time. Time, the target
// and the recovery probe are injected, so its sequence is tested without a process to kill.
import type { DrillMoment } from '../../record/layout/drill-json.ts'
import type { DrillTarget, TargetAction } from './target.ts'

export type DrillState = 'armed' | 'killed' | 'restored' | 'restarted' | 'recovered' | 'not-recovered' | 'cancelled'

export interface DrillClock {
  nowMs(): number
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Something that watches the target: resolves at the first answer after `afterMs`, undefined after the timeout. */
export interface RecoveryWatch {
  answeredAfter(afterMs: number, timeoutMs: number): Promise<number | undefined>
}

export interface DrillTimeline {
  kill?: DrillMoment
  restore?: DrillMoment & { durationSec: number }
  restart?: DrillMoment
  recovered?: { atSec: number }
  rtoSec?: number | null
}

export class DrillController {
  state: DrillState = 'armed'
  readonly timeline: DrillTimeline = {}
  readonly problems: string[] = []
  private readonly cancelled = new AbortController()
  private readonly target: DrillTarget
  private readonly clock: DrillClock
  private readonly watch: RecoveryWatch
  private readonly o: { startMs: number; killAtMs: number; downForMs: number; recoveryTimeoutMs: number; notice: (line: string) => void }

  constructor(target: DrillTarget, clock: DrillClock, watch: RecoveryWatch, options: DrillController['o']) {
    this.target = target
    this.clock = clock
    this.watch = watch
    this.o = options
  }

  private sec(atMs: number): number {
    return Math.round(atMs - this.o.startMs) / 1000
  }

  private moment(action: string, atMs: number, detail?: string): void {
    this.o.notice(`drill: ${action} at ${this.sec(atMs).toFixed(1)} s${detail ? ` (${detail})` : ''}`)
  }

  private note(action: TargetAction | undefined): boolean {
    if (action?.problem) this.problems.push(action.problem)
    return action !== undefined && action.happened !== false
  }

  /** The run ended before the kill time: nothing will be killed. */
  cancel(): void {
    if (this.state === 'armed') this.state = 'cancelled'
    this.cancelled.abort()
  }

  /** Waits for the kill time, then kills, waits, restores, restarts and watches for recovery. */
  async run(): Promise<void> {
    await this.clock.sleep(Math.max(0, this.o.startMs + this.o.killAtMs - this.clock.nowMs()), this.cancelled.signal)
    if (this.cancelled.signal.aborted) return
    const killedAt = this.clock.nowMs()
    const kill = await this.target.kill()
    this.note(kill)
    this.timeline.kill = { atSec: this.sec(killedAt), how: kill.how }
    this.state = 'killed'
    this.moment('kill', killedAt, kill.how)
    await this.clock.sleep(this.o.downForMs)
    if (this.target.restore) {
      const t0 = this.clock.nowMs()
      const restore = await this.target.restore()
      if (this.note(restore)) {
        this.timeline.restore = { atSec: this.sec(t0), how: restore!.how, durationSec: (this.clock.nowMs() - t0) / 1000 }
        this.state = 'restored'
        this.moment('restore', t0, restore!.how.replace(/^restore from /, ''))
      }
    }
    const t0 = this.clock.nowMs()
    const restart = await this.target.restart()
    if (this.note(restart)) {
      this.timeline.restart = { atSec: this.sec(t0), how: restart!.how }
      this.state = 'restarted'
      this.moment('restart', t0, restart!.how.startsWith('command: ') ? restart!.how.slice(9) : undefined)
    }
    const answered = await this.watch.answeredAfter(killedAt, this.o.recoveryTimeoutMs)
    if (answered !== undefined) {
      this.timeline.recovered = { atSec: this.sec(answered) }
      this.timeline.rtoSec = Math.round(answered - killedAt) / 1000
      this.state = 'recovered'
      this.moment('recovered', answered, `RTO ${this.timeline.rtoSec.toFixed(1)} s`)
    } else {
      this.timeline.rtoSec = null
      this.state = 'not-recovered'
      this.problems.push(`the target did not answer the probe within ${this.o.recoveryTimeoutMs / 1000} s of the kill`)
    }
  }
}
