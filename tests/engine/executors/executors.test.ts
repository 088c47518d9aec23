// The engine without threads, sockets or real time: executors and the load runner driven by a
// ManualClock and a fake request sender, so timing rules are checked to the millisecond in
// milliseconds of test time. The integration tests in run.test.ts run the real thing.
import { describe, expect, it } from 'vitest'
import { ManualClock, type TimerHandle } from '../../../src/core/clock.ts'
import { decodeHistogram } from '../../../src/metrics/histogram.ts'
import { arrival, concurrency, defineScenario } from '../../../src/scenario/index.ts'
import type { Journey } from '../../../src/scenario/types.ts'
import type { ConcurrencyProfile } from '../../../src/scenario/concurrency/index.ts'
import type { EngineConfig } from '../../../src/engine/config.ts'
import { ClosedConcurrency, CLOSED_TICK_MS } from '../../../src/engine/executors/closed-concurrency.ts'
import type { ExecutorHost, StartedJourney } from '../../../src/engine/executors/executor.ts'
import { OpenArrivals } from '../../../src/engine/executors/open-arrivals.ts'
import type { OutgoingRequest, RequestSender, ResponseParts } from '../../../src/engine/http/client.ts'
import type { WorkerInterval, WorkerMessage } from '../../../src/engine/messages.ts'
import { LoadRunner } from '../../../src/engine/runner.ts'
import { laneOf, runLoad, shardShare } from '../../../src/engine/schedule/streams.ts'

const START = 1_000_000

/** An executor host that records what it was asked to start; journeys last `journeyMs` of fake time. */
class FakeHost implements ExecutorHost {
  readonly clock = new ManualClock(START)
  readonly timers = this.clock
  readonly startAtMs = START
  stopping = false
  activeCount = 0
  backlogged = false
  readonly started: Array<{ stream: number; id: number; at: number; arrivalAt: number; releaseAt: number }> = []
  readonly dropped: number[] = []
  readonly interrupted: number[] = []
  readonly maxActive: number
  private readonly journeyMs: number
  constructor(maxActive = Number.POSITIVE_INFINITY, journeyMs = 0) {
    this.maxActive = maxActive
    this.journeyMs = journeyMs
  }

  startJourney(stream: number, id: number, arrivalAtMs: number, releaseAtMs: number, afterEnd?: () => void): StartedJourney {
    this.started.push({ stream, id, at: this.clock.nowMs() - START, arrivalAt: arrivalAtMs - START, releaseAt: releaseAtMs - START })
    this.activeCount++
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      this.activeCount--
      afterEnd?.()
    }
    const timer = this.journeyMs > 0 ? this.clock.setTimeout(end, this.journeyMs) : undefined
    if (timer === undefined) queueMicrotask(end)
    return {
      interrupt: () => {
        this.interrupted.push(id)
        this.clock.clearTimeout(timer)
        end()
      },
    }
  }

  dropArrival(_stream: number, atMs: number): void {
    this.dropped.push(atMs - START)
  }
}

const plan = (times: number[], durationMs: number, releases?: number[]) => ({ times: Float64Array.from(times), releases: releases ? Float64Array.from(releases) : undefined, durationMs })
/** The scenario's only stream, starting with the run. */
const stream = (p: ReturnType<typeof plan>, startAfterMs = 0, idBase = 0) => ({ index: 0, startAfterMs, idBase, plan: p })
const closedStream = (profile: ConcurrencyProfile, startAfterMs = 0) => ({ index: 0, startAfterMs, idBase: 0, idStep: 1, concurrency: profile })

describe('OpenArrivals with fake time', () => {
  const cases = [
    { name: 'one worker starts every arrival at its planned millisecond', times: [0, 0.4, 3, 3, 250, 999.5], index: 0, step: 1, ids: [0, 1, 2, 3, 4, 5], at: [0, 1, 3, 3, 250, 1000] },
    { name: 'worker 1 of 2 takes every other arrival', times: [0, 10, 20, 30, 40], index: 1, step: 2, ids: [1, 3], at: [10, 30] },
    { name: 'worker 2 of 3 takes arrivals 2, 5, …', times: [0, 1, 2, 3, 4, 5, 6], index: 2, step: 3, ids: [2, 5], at: [2, 5] },
    { name: 'an empty share starts nothing', times: [5], index: 1, step: 2, ids: [], at: [] },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const host = new FakeHost()
      const executor = new OpenArrivals(host, stream(plan(c.times, 2000)), c.index, c.step)
      let ended = false
      void executor.run().then(() => (ended = true))
      // Timers fire at whole milliseconds in Node; the fake clock fires them exactly, so an
      // arrival planned at 0.4 ms starts when the clock is moved past it.
      for (let t = 0; t <= 1000; t++) await host.clock.advanceTo(START + t)
      expect(host.started.map((s) => s.id)).toEqual(c.ids)
      expect(host.started.map((s) => Math.ceil(s.at))).toEqual(c.at)
      // The intended start is the plan's instant, never the moment it was started.
      expect(host.started.map((s) => Math.round(s.arrivalAt * 1e6) / 1e6)).toEqual(c.ids.map((i) => c.times[i]))
      expect(ended).toBe(false)
      await host.clock.advanceTo(START + 2000)
      expect(ended).toBe(true)
      expect(host.clock.timers).toBe(0)
    })
  }

  it('releases due arrivals after a response without waiting for its timer, once each', async () => {
    const host = new FakeHost()
    const executor = new OpenArrivals(host, stream(plan([5, 6, 7, 50], 100)), 0, 1)
    void executor.run()
    host.clock.setTimeout(() => {}, 0)
    // The loop was busy: the clock moved on without the timer firing.
    ;(host.clock as unknown as { t: number }).t = START + 8
    executor.releaseDue(host.clock.nowMs())
    expect(host.started.map((s) => [s.id, s.at, s.arrivalAt])).toEqual([[0, 8, 5], [1, 8, 6], [2, 8, 7]])
    executor.releaseDue(host.clock.nowMs())
    await host.clock.advanceTo(START + 100)
    expect(host.started.map((s) => s.id)).toEqual([0, 1, 2, 3])
  })

  it('drops arrivals beyond the bound on active learners, counted, never delayed', async () => {
    const host = new FakeHost(2, 100)
    const executor = new OpenArrivals(host, stream(plan([0, 10, 20, 30, 150, 160], 300)), 0, 1)
    void executor.run()
    await host.clock.advanceTo(START + 300)
    expect(host.started.map((s) => s.id)).toEqual([0, 1, 4, 5])
    expect(host.dropped).toEqual([20, 30])
  })

  it('drops arrivals while the host is backlogged, counted, and starts them again once it is not', async () => {
    const host = new FakeHost()
    const executor = new OpenArrivals(host, stream(plan([0, 10, 20, 30, 40], 100)), 0, 1)
    void executor.run()
    await host.clock.advanceTo(START + 15)
    host.backlogged = true
    await host.clock.advanceTo(START + 35)
    host.backlogged = false
    await host.clock.advanceTo(START + 100)
    expect(host.started.map((s) => s.id)).toEqual([0, 1, 4])
    expect(host.dropped).toEqual([20, 30])
  })

  it('keeps barrier releases apart from arrivals', async () => {
    const host = new FakeHost()
    void new OpenArrivals(host, stream(plan([1, 2], 100, [50, 50])), 0, 1).run()
    await host.clock.advanceTo(START + 100)
    expect(host.started.map((s) => [s.arrivalAt, s.releaseAt])).toEqual([[1, 50], [2, 50]])
  })

  it('stops at once when told: no timer left behind', async () => {
    const host = new FakeHost()
    const executor = new OpenArrivals(host, stream(plan([0, 500, 900], 1000)), 0, 1)
    let ended = false
    void executor.run().then(() => (ended = true))
    await host.clock.advanceTo(START + 100)
    executor.stop()
    await host.clock.advance(0)
    expect(ended).toBe(true)
    expect(host.clock.timers).toBe(0)
    await host.clock.advanceTo(START + 1000)
    expect(host.started).toHaveLength(1)
  })
})

describe('ClosedConcurrency with fake time', () => {
  it('keeps its share of the target busy, starting a new learner id as each journey ends', async () => {
    const host = new FakeHost(Number.POSITIVE_INFINITY, 250)
    const profile = concurrency.constant({ learners: 5, duration: '1s' })
    const executor = new ClosedConcurrency(host, closedStream(profile), 1, 2)
    void executor.run()
    await host.clock.advanceTo(START + 999)
    // Worker 1 of 2 holds 2 of the 5 (worker 0 holds 3); each journey lasts 250 ms.
    expect(host.started.filter((s) => s.at === 0).map((s) => s.id)).toEqual([1, 3])
    expect(host.started.map((s) => s.at)).toEqual([0, 0, 250, 250, 500, 500, 750, 750])
    expect(host.started.map((s) => s.id)).toEqual([1, 3, 5, 7, 9, 11, 13, 15])
    // A closed learner starts when its slot frees: its intended start is its actual start.
    expect(host.started.every((s) => s.arrivalAt === s.at)).toBe(true)
  })

  const rampCases = [
    { name: 'a ramp up adds slots at each tick', stages: [{ target: 4, duration: '400ms' }, { target: 4, duration: '600ms' }], at: 500, working: 4 },
    { name: 'a ramp down retires slots, whose journeys end on their own within the grace', stages: [{ target: 4, duration: '100ms' }, { target: 1, duration: '100ms' }, { target: 1, duration: '800ms' }], at: 900, working: 1 },
  ]
  for (const c of rampCases) {
    it(c.name, async () => {
      const host = new FakeHost(Number.POSITIVE_INFINITY, 50)
      const executor = new ClosedConcurrency(host, closedStream(concurrency.ramp({ stages: c.stages, gracefulRampDown: '10s' })), 0, 1)
      void executor.run()
      await host.clock.advanceTo(START + c.at)
      expect(executor.working).toBe(c.working)
      expect(host.activeCount).toBeLessThanOrEqual(c.working)
      expect(host.interrupted).toEqual([])
    })
  }

  it('interrupts a retiring learner that overstays the ramp-down grace', async () => {
    const host = new FakeHost(Number.POSITIVE_INFINITY, 5000)
    const profile = concurrency.ramp({ stages: [{ target: 2, duration: '100ms' }, { target: 0, duration: '100ms' }, { target: 0, duration: '2s' }], gracefulRampDown: '500ms' })
    void new ClosedConcurrency(host, closedStream(profile), 0, 1).run()
    await host.clock.advanceTo(START + 300)
    expect(host.interrupted).toEqual([])
    await host.clock.advanceTo(START + 200 + 500 + 2 * CLOSED_TICK_MS)
    expect(host.interrupted.sort()).toEqual([0, 1])
    expect(host.activeCount).toBe(0)
  })
})

describe('shards: lanes of one run (--shard K/N × workers)', () => {
  it('N shards of W workers start every arrival of the plan once, at its instant, with its id', async () => {
    const times = Array.from({ length: 23 }, (_, i) => i * 37.5)
    const started: Array<{ id: number; at: number; arrivalAt: number }> = []
    for (let shard = 0; shard < 3; shard++) {
      for (let worker = 0; worker < 2; worker++) {
        const host = new FakeHost()
        const { lane, lanes } = laneOf({ index: shard, count: 3 }, worker, 2)
        void new OpenArrivals(host, stream(plan(times, 1000)), lane, lanes).run()
        await host.clock.advanceTo(START + 1000)
        started.push(...host.started)
        // Shard k runs arrivals ≡ k (mod 3): its part of the plan, whatever the number of its workers.
        expect(host.started.every((s) => s.id % 3 === shard)).toBe(true)
      }
    }
    expect(started.map((s) => s.id).sort((a, b) => a - b)).toEqual(times.map((_, i) => i))
    for (const s of started) {
      expect(s.arrivalAt).toBe(times[s.id])
      expect(s.at - s.arrivalAt).toBeLessThan(1)
    }
  })

  it('closed slots: slot s of the target on shard s mod N, ids unique across shards', async () => {
    const ids: number[][] = []
    for (let shard = 0; shard < 2; shard++) {
      const host = new FakeHost(Number.POSITIVE_INFINITY, 250)
      const { lane, lanes } = laneOf({ index: shard, count: 2 }, 0, 1)
      void new ClosedConcurrency(host, closedStream(concurrency.constant({ learners: 5, duration: '1s' })), lane, lanes).run()
      await host.clock.advanceTo(START + 999)
      ids.push(host.started.map((s) => s.id))
      // Shard 1 of 2 holds slots 0, 2, 4 (3 learners at once); shard 2 slots 1, 3.
      expect(host.started.filter((s) => s.at === 0)).toHaveLength(shard === 0 ? 3 : 2)
    }
    expect(new Set(ids.flat()).size).toBe(ids.flat().length)
    expect(ids[1]!.every((id) => id % 2 === 1)).toBe(true)
  })

  it('the shards\' planned seconds and learners add up to the whole plan', () => {
    const scenario = defineScenario({ name: 's', arrival: arrival.constant({ rate: 17, duration: '9s' }), journeys: { a: { weight: 1, run: async () => {} } } })
    const whole = runLoad(scenario, {}, { seed: 4, spacing: 'poisson' })
    const parts = [0, 1, 2, 3].map((index) => runLoad(scenario, {}, { seed: 4, spacing: 'poisson', shard: { index, count: 4 } }))
    expect(parts.reduce((n, p) => n + p.learners, 0)).toBe(whole.learners)
    const sum = whole.plannedPerSecond!.map((_, i) => parts.reduce((n, p) => n + p.plannedPerSecond![i]!, 0))
    expect([...sum]).toEqual([...whole.plannedPerSecond!])
    expect(parts.map((p) => p.learners)).toEqual([0, 1, 2, 3].map((k) => shardShare(whole.learners, { index: k, count: 4 })))
  })
})

/** Answers every request after `latencyMs` of fake time with 200 and a Server-Timing header. */
class FakeSender implements RequestSender {
  readonly sent: Array<{ at: number; path: string }> = []
  private destroyed = false
  private readonly pending = new Set<(error: Error) => void>()
  private readonly clock: ManualClock
  private readonly latencyMs: (path: string) => number
  constructor(clock: ManualClock, latencyMs: (path: string) => number) {
    this.clock = clock
    this.latencyMs = latencyMs
  }
  send(_origin: string, request: OutgoingRequest): Promise<ResponseParts> {
    this.sent.push({ at: this.clock.nowMs() - START, path: request.path })
    return new Promise((resolve, reject) => {
      if (this.destroyed) return reject(Object.assign(new Error('destroyed'), { code: 'UND_ERR_DESTROYED' }))
      let timer: TimerHandle | undefined
      const answer = () => {
        this.running++
        timer = this.clock.setTimeout(() => {
          this.pending.delete(fail)
          this.running--
          this.waiting.shift()?.()
          resolve({ status: 200, headers: { 'server-timing': 'db;dur=3' }, serverTiming: 'db;dur=3', setCookie: undefined, bytes: 2, body: Buffer.from('{}') })
        }, this.latencyMs(request.path))
      }
      const fail = (error: Error) => {
        this.clock.clearTimeout(timer)
        reject(error)
      }
      this.pending.add(fail)
      if (this.running < this.slots) answer()
      else this.waiting.push(answer)
    })
  }
  /** Connections: requests beyond this many in flight wait for one, in order. */
  slots = Number.POSITIVE_INFINITY
  private running = 0
  private readonly waiting: Array<() => void> = []
  get queued(): number {
    return this.waiting.length
  }
  preconnect(): Promise<void> {
    return Promise.resolve()
  }
  stats() {
    return { queued: this.queued, running: this.running, connected: 1 }
  }
  destroyNow(): void {
    this.destroyed = true
    for (const fail of this.pending) fail(Object.assign(new Error('destroyed'), { code: 'UND_ERR_DESTROYED' }))
    this.pending.clear()
  }
  async close(): Promise<void> {}
}

function runnerFor(journeys: Record<string, Journey>, load: { arrival?: ReturnType<typeof arrival.constant>; concurrency?: ReturnType<typeof concurrency.constant> }, latencyMs: (path: string) => number, overrides: Partial<EngineConfig> = {}) {
  const clock = new ManualClock(START - 500)
  const scenario = defineScenario({ name: 'fake', ...load, journeys } as Parameters<typeof defineScenario>[0])
  const config: EngineConfig = {
    scenarioFile: 'fake.ts', target: 'http://127.0.0.1:9', seed: 7, shape: {}, workers: 1, maxLearners: 1000, connections: 10,
    requestTimeoutMs: 30_000, gracefulStopMs: 1000, spacing: 'uniform', setupData: undefined, parameters: { env: {}, secrets: {} }, ...overrides,
  }
  const messages: WorkerMessage[] = []
  const sender = new FakeSender(clock, latencyMs)
  const monitor = { sample: () => ({ elu: 0, lagP99Ms: 0, lagMaxMs: 0, cpuRatio: 0, heapUsedBytes: 0 }), stop: () => {} }
  const runner = new LoadRunner(config, 0, scenario, { clock, timers: clock, http: sender, monitor, post: (m) => messages.push(m) })
  return { clock, runner, sender, messages, intervals: () => messages.filter((m): m is WorkerInterval => m.type === 'interval') }
}

describe('LoadRunner with fake time and a fake sender', () => {
  it('times requests from their intended start, reports each second once, and ends with done', async () => {
    const { clock, runner, sender, messages, intervals } = runnerFor(
      { read: { weight: 1, run: async (l) => { await l.get('/a'); await l.think('200ms'); await l.get('/b') } } },
      { arrival: arrival.constant({ rate: 4, duration: '3s' }) },
      (path) => (path === '/a' ? 30 : 70),
    )
    const done = runner.run(START, new Promise(() => {}))
    await clock.advanceTo(START + 10_000)
    await done
    // 12 uniform arrivals at 125, 375, … ms; each: /a at its arrival, /b 30 + 200 ms later.
    expect(sender.sent.filter((s) => s.path === '/a').map((s) => s.at)).toEqual([125, 375, 625, 875, 1125, 1375, 1625, 1875, 2125, 2375, 2625, 2875])
    expect(sender.sent.filter((s) => s.path === '/b').map((s) => s.at).slice(0, 2)).toEqual([355, 605])
    const seconds = intervals().map((i) => i.second)
    expect(seconds).toEqual([0, 1, 2, 3])
    const requests = intervals().reduce((n, i) => n + Object.values(i.streams[0]!.endpoints).reduce((m, e) => m + e.count, 0), 0)
    expect(requests).toBe(24)
    const a = intervals()[1]!.streams[0]!.endpoints['GET /a']!
    const latency = decodeHistogram(a.latency)
    expect(latency.minNonZeroValue).toBeGreaterThanOrEqual(29_900)
    expect(latency.maxValue).toBeLessThanOrEqual(30_100)
    expect(decodeHistogram(a.timing.db!).maxValue).toBeLessThanOrEqual(3_010)
    expect(messages.at(-1)).toEqual({ type: 'done', worker: 0, lastSecond: 3 })
    expect(clock.timers).toBe(0)
  })

  it('gives each learner faker draws of its own, the same for the same seed in any runner, in English', async () => {
    const draw = async () => {
      const names = new Map<number, string[]>()
      const { clock, runner } = runnerFor(
        { read: { weight: 1, run: async (l) => { names.set(l.id, [l.faker.person.firstName(), l.faker.lorem.word()]); await l.get('/a') } } },
        { arrival: arrival.constant({ rate: 4, duration: '1s' }) },
        () => 10,
      )
      const done = runner.run(START, new Promise(() => {}))
      await clock.advanceTo(START + 5_000)
      await done
      return names
    }
    const [first, second] = [await draw(), await draw()]
    expect(first.size).toBe(4)
    expect([...second]).toEqual([...first])
    expect(new Set([...first.values()].map((v) => v.join(' '))).size).toBe(4)
    for (const [name] of first.values()) expect(name).toMatch(/^[A-Z][a-z'-]+$/)
  })

  it('bounds the wait for a connection: arrivals the target could not serve within the timeout are dropped', async () => {
    // Two connections, a 1 s timeout, a target answering after 500 ms: 4 responses/s at best.
    // 20 arrivals/s for 4 s would queue without end; the runner admits what the bound allows.
    const outcome = (slots: number) => {
      const r = runnerFor(
        { read: { weight: 1, run: async (l) => { await l.get('/a') } } },
        { arrival: arrival.constant({ rate: 20, duration: '4s' }) },
        () => 500,
        { connections: 2, requestTimeoutMs: 1000 },
      )
      r.sender.slots = slots
      return r
    }
    const bounded = outcome(2)
    const done = bounded.runner.run(START, new Promise(() => {}))
    await bounded.clock.advanceTo(START + 10_000)
    await done
    const started = bounded.intervals().reduce((n, i) => n + i.streams[0]!.arrivals.started, 0)
    const dropped = bounded.intervals().reduce((n, i) => n + i.streams[0]!.arrivals.dropped, 0)
    expect(started + dropped).toBe(80)
    // At most 2 waiting beyond the 2 running in second 0 (one response per connection per second
    // before any answer), then up to the best second's answers × 1 s.
    expect(bounded.intervals()[0]!.streams[0]!.arrivals.started).toBeLessThanOrEqual(8)
    expect(dropped).toBeGreaterThan(40)
    // So an admitted request waits about the timeout at most (unbounded, the last would wait ~20 s).
    const slowest = Math.max(...bounded.intervals().flatMap((i) => (i.streams[0]!.endpoints['GET /a'] ? [decodeHistogram(i.streams[0]!.endpoints['GET /a'].latency).maxValue] : [])))
    expect(slowest).toBeLessThan(2_500_000)
    // The same run with no queue at all (every request has a connection) drops nothing.
    const free = outcome(Number.POSITIVE_INFINITY)
    const freeDone = free.runner.run(START, new Promise(() => {}))
    await free.clock.advanceTo(START + 10_000)
    await freeDone
    expect(free.intervals().reduce((n, i) => n + i.streams[0]!.arrivals.dropped, 0)).toBe(0)
  })

  it('charges a late start to latency: a request issued after a stalled loop is timed from the plan', async () => {
    const { clock, runner, intervals } = runnerFor(
      { read: { weight: 1, run: async (l) => { await l.get('/a') } } },
      { arrival: arrival.constant({ rate: 1, duration: '2s' }) },
      () => 10,
    )
    const done = runner.run(START, new Promise(() => {}))
    await clock.advanceTo(START + 400)
    // The arrival was due at 500 ms; the loop "stalls" until 800 ms, then the timer fires.
    ;(clock as unknown as { t: number }).t = START + 800
    await clock.advanceTo(START + 5000)
    await done
    const first = intervals().find((i) => i.streams[0]!.endpoints['GET /a'])!
    const latency = decodeHistogram(first.streams[0]!.endpoints['GET /a']!.latency)
    expect(latency.minNonZeroValue).toBeGreaterThanOrEqual(309_000)
    expect(decodeHistogram(first.startLag).maxValue).toBeGreaterThanOrEqual(299_000)
  })

  it('on stop, interrupts thinking learners at once and lets requests in flight finish within the grace', async () => {
    const { clock, runner, intervals } = runnerFor(
      {
        thinker: { weight: 1, run: async (l) => { await l.get('/a'); await l.think('10s'); await l.get('/b') } },
        slow: { weight: 1, run: async (l) => { await l.get('/slow') } },
      },
      { arrival: arrival.constant({ rate: 10, duration: '5s' }) },
      (path) => (path === '/slow' ? 600 : 10),
    )
    let stop: (v: unknown) => void = () => {}
    const done = runner.run(START, new Promise((resolve) => (stop = resolve)))
    await clock.advanceTo(START + 1000)
    stop('interrupted')
    await clock.advanceTo(START + 4000)
    await done
    const journeys: Record<string, { started: number; completed: number; interrupted: number; failed: number }> = {}
    for (const i of intervals()) for (const [name, j] of Object.entries(i.streams[0]!.journeys)) {
      const t = (journeys[name] ??= { started: 0, completed: 0, interrupted: 0, failed: 0 })
      t.started += j.started
      t.completed += j.completed
      t.interrupted += j.interrupted
      t.failed += j.failed
    }
    expect(journeys.thinker!.completed).toBe(0)
    // Thinking learners end at the stop (second 1), not when the grace runs out (second 2).
    expect(intervals().filter((i) => i.second >= 2).reduce((n, i) => n + (i.streams[0]!.journeys.thinker?.interrupted ?? 0), 0)).toBe(0)
    expect(journeys.thinker!.interrupted).toBe(journeys.thinker!.started)
    // Slow requests in flight at the stop end within the 1 s grace: completed, not cut off.
    expect(journeys.slow!.completed).toBe(journeys.slow!.started)
    expect(journeys.slow!.failed).toBe(0)
    expect(clock.nowMs()).toBe(START + 4000)
    expect(clock.timers).toBe(0)
  })

  it('closes a second with the responses that straddle its boundary, and sends empty seconds too', async () => {
    const { clock, runner, intervals } = runnerFor(
      { read: { weight: 1, run: async (l) => { await l.get('/a') } } },
      { concurrency: concurrency.constant({ learners: 1, duration: '3s' }) },
      () => 1500,
    )
    const done = runner.run(START, new Promise(() => {}))
    await clock.advanceTo(START + 10_000)
    await done
    // One learner, 1.5 s per request: responses end at 1.5 s and 3.0 s; the third, sent at 3.0 s,
    // is still in flight when the 1 s grace ends at 4.0 s: cut off, interrupted, not a response.
    expect(intervals().map((i) => [i.second, Object.values(i.streams[0]!.endpoints).reduce((n, e) => n + e.count, 0)])).toEqual([[0, 0], [1, 1], [2, 0], [3, 1], [4, 0]])
    expect(intervals().reduce((n, i) => n + (i.streams[0]!.journeys.read?.interrupted ?? 0), 0)).toBe(1)
  })
})
