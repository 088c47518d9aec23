// One worker's share of a run, without the thread: its learners, executors, stats and pools.
// worker.ts wires it to a message port; tests drive it with a ManualClock and a fake sender.
// The English build only: the package's index loads every locale (about 390 ms of CPU per worker
// on this machine against 60 ms), and a run's learners draw in English.
import { faker } from '@faker-js/faker/locale/en'
import type { Clock, TimerHandle, Timers } from '../core/clock.ts'
import { Rng } from '../core/rng.ts'
import type { GeneratorSelf } from '../metrics/interval.ts'
import { JourneyPicker } from '../scenario/journey-picker.ts'
import type { Scenario, Stream } from '../scenario/types.ts'
import type { EngineConfig } from './config.ts'
import { ClosedConcurrency } from './executors/closed-concurrency.ts'
import type { Executor, ExecutorHost } from './executors/executor.ts'
import { OpenArrivals } from './executors/open-arrivals.ts'
import type { RequestSender } from './http/client.ts'
import { journeyErrorMessage, journeyErrorSite } from './journey-error.ts'
import { Interrupted, LearnerContext, type LearnerHost } from './learner.ts'
import type { WorkerInterval, WorkerMessage } from './messages.ts'
import { laneOf, runLoad, type StreamRun } from './schedule/streams.ts'
import { IntervalStats } from './stats.ts'

/** A second's report is sent this long after the second ends, so responses that straddle the boundary land in it. */
const FLUSH_DELAY_MS = 15
/** After the grace period, interrupted journeys get this long to unwind before the runner reports done. */
const UNWIND_MS = 2000

/** The generator's view of itself each second (thread CPU, event-loop delay, heap). */
export interface SelfSampler {
  sample(): Omit<GeneratorSelf, 'poolQueued' | 'poolRunning' | 'poolConnected'>
  stop(): void
}

export interface RunnerDeps {
  clock: Clock
  timers: Timers
  http: RequestSender
  monitor: SelfSampler
  post(message: WorkerMessage): void
}

export class LoadRunner implements LearnerHost, ExecutorHost {
  readonly clock: Clock
  readonly timers: Timers
  readonly seed: number
  readonly origin: string
  readonly http: RequestSender
  readonly data: unknown
  /** One instance per thread, shared: `l.faker` reseeds it on every access and draws are synchronous. */
  readonly faker = faker
  private readonly abort = new AbortController()
  readonly signal: AbortSignal = this.abort.signal
  readonly maxActive: number
  private readonly connections: number
  private readonly timeoutSeconds: number
  /** Most responses this worker received in one second of the run so far. */
  private peakAnswered = 0
  private readonly index: number
  /** Per stream: its index, name and journey picker; `activeByStream` counts its learners active now. */
  private readonly streams: Array<{ index: number; name: string; picker: JourneyPicker<Stream['journeys'][number]> }>
  private readonly activeByStream: number[]
  private readonly gracefulStopMs: number
  private readonly monitor: SelfSampler
  private readonly post: (message: WorkerMessage) => void
  private readonly active = new Set<LearnerContext>()
  private readonly executors: Executor[]
  private stats: IntervalStats
  private second = 0
  startAtMs = 0
  stopping = false
  private flushTimer: TimerHandle | undefined
  private finished: () => void = () => {}

  constructor(config: EngineConfig, index: number, scenario: Scenario, deps: RunnerDeps) {
    this.clock = deps.clock
    this.timers = deps.timers
    this.http = deps.http
    this.monitor = deps.monitor
    this.post = deps.post
    this.index = index
    this.seed = config.seed
    this.origin = new URL(config.target).origin
    this.data = config.setupData
    this.streams = scenario.streams.map((st, i) => ({ index: i, name: st.name, picker: new JourneyPicker(st.journeys) }))
    this.activeByStream = scenario.streams.map(() => 0)
    this.stats = new IntervalStats(scenario.streams.length)
    // A shard's workers are lanes of the whole run (schedule/streams.ts): the cap is the run's, shared.
    const { lane, lanes } = laneOf(config.shard, index, config.workers)
    this.maxActive = Math.max(1, Math.ceil(config.maxLearners / lanes))
    this.connections = config.connections
    this.timeoutSeconds = config.requestTimeoutMs / 1000
    this.gracefulStopMs = config.gracefulStopMs
    // Plans are made here, before the worker reports ready, not at the start instant: 100,000
    // arrivals take about 10 ms to plan, which the first arrivals would otherwise start late by.
    this.executors = runLoad(scenario, config.shape, config).streams.map((st) => executorFor(this, st, lane, lanes))
  }

  get activeCount(): number {
    return this.active.size
  }

  statsAt(atMs: number): IntervalStats {
    const second = Math.floor((atMs - this.startAtMs) / 1000)
    while (second > this.second) this.flush()
    return this.stats
  }

  releaseDue(atMs: number): void {
    const executors = this.executors
    for (let i = 0; i < executors.length; i++) executors[i]!.releaseDue(atMs)
  }

  /**
   * The bounded wait queue: an arrival is dropped while more requests wait for a connection than
   * the target, at the best rate this worker has seen it answer (and at least one response per
   * connection per second, before any answer), can serve within the scenario's timeout. Its request
   * would most likely time out in the queue; dropped now, it costs a counter instead of a learner,
   * a promise chain and a queued request, and the worker stays on plan for the arrivals it can serve.
   */
  get backlogged(): boolean {
    const queued = this.http.queued
    return queued > this.connections && queued > Math.max(this.peakAnswered, this.connections) * this.timeoutSeconds
  }

  dropArrival(stream: number, atMs: number): void {
    this.statsAt(atMs).streams[stream]!.dropped++
  }

  /** Sends the current second and starts the next. */
  private flush(): void {
    const drained = this.stats.drain(this.activeByStream)
    let answered = 0
    for (const st of drained.streams) for (const name in st.endpoints) answered += st.endpoints[name]!.count
    if (answered > this.peakAnswered) this.peakAnswered = answered
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
    this.flushTimer = this.timers.setTimeout(() => {
      this.statsAt(this.clock.nowMs())
      this.scheduleFlush()
    }, Math.max(0, nextBoundary - this.clock.nowMs()))
  }

  startJourney(streamIndex: number, id: number, arrivalAtMs: number, releaseAtMs: number, afterEnd?: () => void): LearnerContext {
    const now = this.clock.nowMs()
    const stats = this.statsAt(now)
    const stream = this.streams[streamIndex]!
    const own = stats.streams[streamIndex]!
    const random = new Rng(this.seed, id)
    const journey = stream.picker.pick(random)
    const learner = new LearnerContext(this, id, journey.name, random, arrivalAtMs, releaseAtMs, stream)
    own.started++
    if (this.active.size >= stats.peakActive) stats.peakActive = this.active.size + 1
    const streamActive = ++this.activeByStream[streamIndex]!
    if (streamActive > own.peakActive) own.peakActive = streamActive
    own.journey(journey.name).started++
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
        this.statsAt(this.clock.nowMs()).streams[streamIndex]!.journey(journey.name).completed++
      },
      (error: unknown) => {
        const s = this.statsAt(this.clock.nowMs())
        if (error instanceof Interrupted || learner.interrupted) {
          s.streams[streamIndex]!.journey(journey.name).interrupted++
        } else {
          s.streams[streamIndex]!.journey(journey.name).failed++
          s.journeyError(journey.name, journeyErrorMessage(error), journeyErrorSite(error))
        }
      },
    ).finally(() => {
      this.active.delete(learner)
      this.activeByStream[streamIndex]!--
      afterEnd?.()
      if (this.stopping && this.active.size === 0) this.finished()
    })
    return learner
  }

  /** Lets running journeys finish within the grace period, then interrupts the rest. */
  private async drain(graceMs: number, interruptWaitingNow: boolean): Promise<void> {
    this.stopping = true
    for (const e of this.executors) e.stop()
    if (interruptWaitingNow) for (const l of this.active) if (l.waiting) l.interrupt()
    if (this.active.size > 0) await this.untilFinished(graceMs)
    for (const l of this.active) l.interrupt()
    this.abort.abort()
    // Requests carry no AbortSignal (one shared signal with a listener per request costs O(n) per
    // listener in Node's EventTarget: 100,000 queued requests stalled the worker); destroying the
    // pools ends every queued and running request at once instead.
    this.http.destroyNow()
    if (this.active.size > 0) await this.untilFinished(UNWIND_MS)
  }

  /**
   * Until the last journey ends or `ms` pass. The timer is cleared when journeys end first: a
   * pending timer keeps the worker thread alive, and the coordinator would wait for it (or
   * terminate the thread) at the end of every run.
   */
  private async untilFinished(ms: number): Promise<void> {
    let timer: TimerHandle | undefined
    await new Promise<void>((resolve) => {
      this.finished = resolve
      timer = this.timers.setTimeout(resolve, ms)
    })
    this.timers.clearTimeout(timer)
  }

  /**
   * Opens the target connections the first second will need, before the worker reports ready. The
   * pool's connections are the generator's, not the learners' (learners share them), so making them
   * before the clock starts keeps a burst of connects, costly to a generator and a freshly started
   * target alike, out of the first arrivals' latency. Only TCP (and TLS) handshakes: no request.
   */
  async prepare(): Promise<void> {
    let wanted = 0
    for (const e of this.executors) wanted += e.connectionsAtStart()
    if (wanted > 0) await this.http.preconnect(this.origin, wanted)
  }

  /** Runs this worker's share from `startAtMs` until its load ends or `stopped` settles, then reports done. */
  async run(startAtMs: number, stopped: Promise<unknown>): Promise<void> {
    this.startAtMs = startAtMs
    this.second = 0
    this.stats = new IntervalStats(this.streams.length)
    const wait = startAtMs - this.clock.nowMs()
    if (wait > 0) await new Promise<void>((resolve) => this.timers.setTimeout(resolve, wait))
    this.scheduleFlush()
    const natural = Promise.all(this.executors.map((e) => e.run()))
    const outcome = await Promise.race([natural.then(() => 'ended' as const), stopped.then(() => 'stopped' as const)])
    await this.drain(this.gracefulStopMs, outcome === 'stopped')
    this.timers.clearTimeout(this.flushTimer)
    this.statsAt(this.clock.nowMs())
    this.flush()
    await this.http.close()
    this.monitor.stop()
    this.post({ type: 'done', worker: this.index, lastSecond: this.second - 1 })
  }
}

/** The executor of a stream: the open model from its seeded plan, or the closed model. */
function executorFor(host: ExecutorHost, stream: StreamRun, lane: number, lanes: number): Executor {
  if (stream.plan) return new OpenArrivals(host, { ...stream, plan: stream.plan }, lane, lanes)
  return new ClosedConcurrency(host, { ...stream, concurrency: stream.concurrency! }, lane, lanes)
}
