// A load worker: imports the scenario, takes its share of the arrival plan (every n-th
// arrival) or of the concurrent learners, drives them, and reports each second to the coordinator.
import { parentPort, workerData } from 'node:worker_threads'
import { Faker, en } from '@faker-js/faker'
import { systemClock } from '../core/clock.ts'
import { Rng } from '../core/rng.ts'
import type { Scenario } from '../scenario/types.ts'
import type { StartCommand, WorkerInit } from './config.ts'
import { HttpClient } from './http/client.ts'
import { warmUpRequestPath } from './http/warm-up.ts'
import { Interrupted, LearnerContext, type LearnerHost } from './learner.ts'
import { importScenario } from './load-scenario.ts'
import type { StopCommand, WorkerInterval, WorkerMessage } from './messages.ts'
import { arrivalPlan, type ArrivalPlan } from './schedule/arrival-plan.ts'
import { JourneyPicker } from '../scenario/journey-picker.ts'
import { SelfMonitor } from './self-monitor.ts'
import { shapeLoad, type ShapedLoad } from '../scenario/shape.ts'
import { IntervalStats } from './stats.ts'
import { journeyErrorMessage, journeyErrorSite } from './journey-error.ts'

const FLUSH_DELAY_MS = 15
const CLOSED_TICK_MS = 100

class LoadWorker implements LearnerHost {
  readonly clock = systemClock
  readonly seed: number
  readonly origin: string
  readonly http: HttpClient
  readonly data: unknown
  readonly faker = new Faker({ locale: [en] })
  private readonly abort = new AbortController()
  readonly signal = this.abort.signal
  private readonly index: number
  private readonly workers: number
  private readonly scenario: Scenario
  private readonly load: ShapedLoad
  private readonly picker: JourneyPicker<Scenario['journeys'][number]>
  private readonly maxActive: number
  private readonly plan: ArrivalPlan | undefined
  private readonly gracefulStopMs: number
  private readonly monitor = new SelfMonitor()
  private readonly active = new Set<LearnerContext>()
  private stats = new IntervalStats()
  private second = 0
  private startAtMs = 0
  private stopping = false
  private flushTimer: NodeJS.Timeout | undefined
  /** The open model's progress through this worker's share of the plan. */
  private open: { plan: ArrivalPlan; next: number; done: () => void } | undefined
  /** When this worker's next planned arrival is due (epoch ms); +∞ when none is left. */
  private nextDueAt = Number.POSITIVE_INFINITY
  private arrivalTimer: NodeJS.Timeout | undefined
  private finished: () => void = () => {}

  constructor(init: WorkerInit, scenario: Scenario) {
    const { config } = init
    this.index = init.worker
    this.workers = config.workers
    this.scenario = scenario
    this.seed = config.seed
    this.origin = new URL(config.target).origin
    this.data = config.setupData
    this.load = shapeLoad(scenario, config.shape)
    this.picker = new JourneyPicker(scenario.journeys)
    this.maxActive = Math.max(1, Math.ceil(config.maxLearners / config.workers))
    this.gracefulStopMs = config.gracefulStopMs
    this.http = new HttpClient({ connections: config.connections, requestTimeoutMs: config.requestTimeoutMs })
    // Made before the worker reports ready, not at the start instant: 100,000 arrivals take about
    // 10 ms to plan, which the first arrivals would otherwise start late by.
    this.plan = this.load.arrival ? arrivalPlan(this.load.arrival, { seed: this.seed, spacing: config.spacing }) : undefined
  }

  statsAt(atMs: number): IntervalStats {
    const second = Math.floor((atMs - this.startAtMs) / 1000)
    while (second > this.second) this.flush()
    return this.stats
  }

  private post(message: WorkerMessage): void {
    parentPort!.postMessage(message)
  }

  /** Sends the current second and starts the next. */
  private flush(): void {
    const drained = this.stats.drain()
    const pool = this.http.stats()
    const self = this.monitor.sample()
    const message: WorkerInterval = {
      type: 'interval', worker: this.index, second: this.second, activeLearners: this.active.size, ...drained,
      peakActive: Math.max(drained.peakActive, this.active.size),
      self: { ...self, poolQueued: pool.queued, poolRunning: pool.running, poolConnected: pool.connected },
    }
    this.post(message)
    this.stats.peakActive = this.active.size
    this.second++
  }

  private scheduleFlush(): void {
    const nextBoundary = this.startAtMs + (this.second + 1) * 1000 + FLUSH_DELAY_MS
    this.flushTimer = setTimeout(() => {
      this.statsAt(this.clock.nowMs())
      this.scheduleFlush()
    }, Math.max(0, nextBoundary - this.clock.nowMs()))
  }

  private startJourney(id: number, arrivalAtMs: number, releaseAtMs: number, afterEnd?: () => void): LearnerContext {
    const now = this.clock.nowMs()
    const stats = this.statsAt(now)
    const random = new Rng(this.seed, id)
    const journey = this.picker.pick(random)
    const learner = new LearnerContext(this, id, journey.name, random, arrivalAtMs, releaseAtMs)
    stats.started++
    if (this.active.size >= stats.peakActive) stats.peakActive = this.active.size + 1
    stats.journey(journey.name).started++
    stats.startLag.recordValue(Math.max(1, Math.min(3_600_000_000, Math.round((now - arrivalAtMs) * 1000))))
    this.active.add(learner)
    let run: Promise<void>
    try {
      run = journey.run(learner)
    } catch (error) {
      run = Promise.reject(error)
    }
    run.then(
      () => {
        this.statsAt(this.clock.nowMs()).journey(journey.name).completed++
      },
      (error: unknown) => {
        const s = this.statsAt(this.clock.nowMs())
        if (error instanceof Interrupted || learner.interrupted) {
          s.journey(journey.name).interrupted++
        } else {
          s.journey(journey.name).failed++
          s.journeyError(journey.name, journeyErrorMessage(error), journeyErrorSite(error))
        }
      },
    ).finally(() => {
      this.active.delete(learner)
      afterEnd?.()
      if (this.stopping && this.active.size === 0) this.finished()
    })
    return learner
  }

  /**
   * Open model: start every arrival of this worker's share at its planned instant.
   *
   * Timer strategy: one timer, set for the next due arrival (Node's timers have 1 ms granularity,
   * so arrivals falling in the same millisecond start in one batch), and a check after every
   * response (`releaseDue`): when the event loop is busy with responses, the timer fires late,
   * but responses keep arriving, and each one releases whatever is due. The check is one
   * comparison on the hot path. Neither changes what is measured: a journey's intended start is
   * its planned instant whichever of the two starts it, so lateness is still charged to latency.
   */
  private runOpen(plan: ArrivalPlan): Promise<void> {
    return new Promise((resolve) => {
      this.open = { plan, next: this.index, done: resolve }
      this.nextDueAt = plan.times.length > this.index ? this.startAtMs + plan.times[this.index]! : Number.POSITIVE_INFINITY
      this.arrivalTick()
    })
  }

  private arrivalTick(): void {
    const open = this.open
    if (!open) return
    if (this.stopping) return this.endArrivals()
    const now = this.clock.nowMs()
    this.releaseDue(now)
    const { plan, next } = open
    if (next >= plan.times.length) {
      const untilEnd = this.startAtMs + plan.durationMs - now
      if (untilEnd > 0) this.arrivalTimer = setTimeout(() => this.endArrivals(), untilEnd)
      else this.endArrivals()
      return
    }
    this.arrivalTimer = setTimeout(() => this.arrivalTick(), Math.max(0, this.nextDueAt - now))
  }

  private endArrivals(): void {
    const open = this.open
    if (!open) return
    this.open = undefined
    this.nextDueAt = Number.POSITIVE_INFINITY
    clearTimeout(this.arrivalTimer)
    open.done()
  }

  /** Starts every arrival of this worker due by `now` (epoch ms); cheap when none is. */
  releaseDue(now: number): void {
    if (now < this.nextDueAt || this.stopping) return
    const open = this.open!
    const times = open.plan.times
    const releases = open.plan.releases
    const step = this.workers
    let next = open.next
    const elapsed = now - this.startAtMs
    while (next < times.length && times[next]! <= elapsed) {
      const at = this.startAtMs + times[next]!
      if (this.active.size >= this.maxActive) {
        // Dropped, never delayed: a delayed arrival would hide the queue it met.
        this.statsAt(now).dropped++
      } else {
        this.startJourney(next, at, releases ? this.startAtMs + releases[next]! : at)
      }
      next += step
    }
    open.next = next
    this.nextDueAt = next < times.length ? this.startAtMs + times[next]! : Number.POSITIVE_INFINITY
  }

  /** Closed model: keep this worker's share of the target of concurrent learners busy. */
  private runClosed(): Promise<void> {
    const profile = this.load.concurrency!
    let nextId = this.index
    const vus: Array<{ retiring: boolean; retiredAt: number; learner?: LearnerContext }> = []
    return new Promise((resolve) => {
      const loop = (vu: (typeof vus)[number]) => {
        if (vu.retiring || this.stopping) {
          vus.splice(vus.indexOf(vu), 1)
          return
        }
        const now = this.clock.nowMs()
        const id = nextId
        nextId += this.workers
        vu.learner = this.startJourney(id, now, now, () => loop(vu))
      }
      const tick = () => {
        const elapsed = this.clock.nowMs() - this.startAtMs
        if (this.stopping || elapsed >= profile.durationMs) {
          for (const vu of vus) vu.retiring = true
          return resolve()
        }
        const total = profile.targetAt(elapsed)
        const mine = Math.floor(total / this.workers) + (this.index < total % this.workers ? 1 : 0)
        const working = vus.filter((v) => !v.retiring)
        for (let i = working.length; i < mine; i++) {
          const vu = { retiring: false, retiredAt: 0 }
          vus.push(vu)
          loop(vu)
        }
        for (let i = working.length - 1; i >= mine; i--) {
          working[i]!.retiring = true
          working[i]!.retiredAt = elapsed
        }
        // Ramp-down: a retiring learner finishes its journey, unless it overstays the grace.
        for (const vu of vus) if (vu.retiring && elapsed - vu.retiredAt > profile.gracefulRampDownMs) vu.learner?.interrupt()
        setTimeout(tick, CLOSED_TICK_MS)
      }
      tick()
    })
  }

  /** Lets running journeys finish within the grace period, then interrupts the rest. */
  private async drain(graceMs: number, interruptWaitingNow: boolean): Promise<void> {
    this.stopping = true
    this.endArrivals()
    if (interruptWaitingNow) for (const l of this.active) if (l.waiting) l.interrupt()
    if (this.active.size > 0) await this.untilFinished(graceMs)
    for (const l of this.active) l.interrupt()
    this.abort.abort()
    // Requests carry no AbortSignal (one shared signal with a listener per request costs O(n) per
    // listener in Node's EventTarget: 100,000 queued requests stalled the worker); destroying the
    // pools ends every queued and running request at once instead.
    this.http.destroyNow()
    if (this.active.size > 0) await this.untilFinished(2000)
  }

  /**
   * Until the last journey ends or `ms` pass. The timer is cleared when journeys end first: a
   * pending timer keeps the worker thread alive, and the coordinator would wait for it (or
   * terminate the thread) at the end of every run.
   */
  private async untilFinished(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await new Promise<void>((resolve) => {
      this.finished = resolve
      timer = setTimeout(resolve, ms)
    })
    clearTimeout(timer)
  }

  async run(startAtMs: number, stopped: Promise<StopCommand>): Promise<void> {
    this.startAtMs = startAtMs
    this.second = 0
    this.stats = new IntervalStats()
    const wait = startAtMs - this.clock.nowMs()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    this.scheduleFlush()
    const plan = this.plan
    const natural = plan ? this.runOpen(plan) : this.runClosed()
    const outcome = await Promise.race([natural.then(() => 'ended' as const), stopped.then(() => 'stopped' as const)])
    if (outcome === 'stopped') await this.drain(this.gracefulStopMs, true)
    else await this.drain(this.gracefulStopMs, false)
    clearTimeout(this.flushTimer)
    this.statsAt(this.clock.nowMs())
    this.flush()
    await this.http.close()
    this.monitor.stop()
    this.post({ type: 'done', worker: this.index, lastSecond: this.second - 1 })
  }
}

const init = workerData as WorkerInit
const workerConfig = init.config

async function main(): Promise<void> {
  const port = parentPort!
  let scenario: Scenario
  try {
    scenario = await importScenario(workerConfig.scenarioFile)
  } catch (error) {
    port.postMessage({ type: 'failed', worker: init.worker, message: (error as Error).message } satisfies WorkerMessage)
    return
  }
  const worker = new LoadWorker(init, scenario)
  // Failing to warm up (no loopback listener allowed, say) only costs the first second's speed.
  await warmUpRequestPath().catch(() => {})
  let stop: (command: StopCommand) => void = () => {}
  const stopped = new Promise<StopCommand>((resolve) => (stop = resolve))
  const started = new Promise<StartCommand>((resolve) => {
    port.on('message', (message: StartCommand | StopCommand) => {
      if (message.type === 'start') resolve(message)
      else if (message.type === 'stop') stop(message)
    })
  })
  port.postMessage({ type: 'ready', worker: init.worker } satisfies WorkerMessage)
  const { startAtMs } = await started
  await worker.run(startAtMs, stopped)
  port.close()
}

await main()
