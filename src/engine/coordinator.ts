import { Worker } from 'node:worker_threads'
import { systemClock } from '../core/clock.ts'
import { UserError } from '../core/errors.ts'
import { siblingModule } from '../core/install.ts'
import { decodeHistogram, latencyHistogram, mergeEncoded, type Histogram } from '../metrics/histogram.ts'
import { addOutcomeCounts, addTallies } from '../metrics/outcome.ts'
import type { Scenario } from '../scenario/types.ts'
import type { EngineConfig, StartCommand, WorkerInit } from './config.ts'
import type { StreamSnapshot, WorkerInterval, WorkerMessage } from './messages.ts'
import { serveStrippedSources, STRIPPED_WORKER_BOOTSTRAP } from './typescript-threads.ts'
import { runLoad, shardShare, WHOLE_RUN } from './schedule/streams.ts'
import { addCheckTallies, addJourneyCounts, addJourneyErrors, HIGH_CARDINALITY_NAMES, journeyCounts, journeyErrorKey, type EndpointInterval, type EngineSink, type IntervalRecord, type StreamInterval } from '../metrics/interval.ts'

const START_DELAY_MS = 250

export interface EngineResult {
  status: 'completed' | 'aborted' | 'failed'
  startMs: number
  endMs: number
  seconds: number
  failure?: string
}

type StepInterval = { count: number; failed: number; duration: Histogram }

const emptyEndpoint = (): EndpointInterval => ({ count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, latency: latencyHistogram(), timing: new Map(), timingDesc: {} })

function emptyStream(name: string, planned: number): StreamInterval {
  return { name, arrivals: { planned, started: 0, dropped: 0 }, activeLearners: 0, peakActive: 0, journeys: {}, endpoints: new Map(), steps: new Map(), checks: {} }
}

/** Adds the counters every stream second has (arrivals started and dropped, journeys, checks) of `from` into `into`. */
function addStreamCounts(into: StreamInterval, from: Pick<StreamSnapshot, 'arrivals' | 'activeLearners' | 'peakActive' | 'journeys' | 'checks'>): void {
  into.arrivals.started += from.arrivals.started
  into.arrivals.dropped += from.arrivals.dropped
  into.activeLearners += from.activeLearners
  into.peakActive += from.peakActive
  for (const [name, j] of Object.entries(from.journeys)) addJourneyCounts((into.journeys[name] ??= journeyCounts()), j)
  addCheckTallies(into.checks, from.checks)
}

/** A worker's stream second (histograms encoded) into the merged stream second. */
function addSnapshot(into: StreamInterval, p: StreamSnapshot): void {
  addStreamCounts(into, p)
  for (const [name, e] of Object.entries(p.endpoints)) {
    let sum = into.endpoints.get(name)
    if (!sum) into.endpoints.set(name, (sum = emptyEndpoint()))
    addOutcomeCounts(sum, e)
    addTallies(sum.timingDesc, e.timingDesc)
    sum.latency.add(decodeHistogram(e.latency))
    for (const [component, encoded] of Object.entries(e.timing)) sum.timing.set(component, mergeEncoded(sum.timing.get(component), encoded))
  }
  for (const [name, st] of Object.entries(p.steps)) {
    const sum = into.steps.get(name)
    if (sum) {
      sum.count += st.count
      sum.failed += st.failed
      sum.duration.add(decodeHistogram(st.duration))
    } else {
      into.steps.set(name, { count: st.count, failed: st.failed, duration: decodeHistogram(st.duration) })
    }
  }
}

/** The run's second over all streams: endpoints and steps of the same name summed across streams. */
function sumStreams(streams: StreamInterval[]): StreamInterval {
  if (streams.length === 1) return streams[0]!
  const total = emptyStream('', streams.reduce((t, s) => t + s.arrivals.planned, 0))
  for (const s of streams) {
    addStreamCounts(total, s)
    for (const [name, e] of s.endpoints) {
      let sum = total.endpoints.get(name)
      if (!sum) total.endpoints.set(name, (sum = emptyEndpoint()))
      addOutcomeCounts(sum, e)
      addTallies(sum.timingDesc, e.timingDesc)
      sum.latency.add(e.latency)
      for (const [component, h] of e.timing) {
        let into = sum.timing.get(component)
        if (!into) sum.timing.set(component, (into = latencyHistogram()))
        into.add(h)
      }
    }
    for (const [name, st] of s.steps) {
      let sum: StepInterval | undefined = total.steps.get(name)
      if (!sum) total.steps.set(name, (sum = { count: 0, failed: 0, duration: latencyHistogram() }))
      sum.count += st.count
      sum.failed += st.failed
      sum.duration.add(st.duration)
    }
  }
  return total
}

function merge(parts: WorkerInterval[], names: readonly string[], planned: ReadonlyArray<Uint32Array | undefined>, startMs: number, streamed: boolean): IntervalRecord {
  const second = parts[0]!.second
  const streams = names.map((name, i) => emptyStream(name, planned[i]?.[second] ?? 0))
  const startLag = latencyHistogram()
  const journeyErrors: IntervalRecord['journeyErrors'] = []
  const generator: IntervalRecord['generator'] = { workers: [] }
  let activeLearners = 0
  let peakActive = 0
  for (const p of parts) {
    p.streams.forEach((snapshot, i) => addSnapshot(streams[i]!, snapshot))
    activeLearners += p.activeLearners
    peakActive += p.peakActive
    startLag.add(decodeHistogram(p.startLag))
    addJourneyErrors(journeyErrors, p.journeyErrors)
    generator.workers[p.worker] = p.self
  }
  const { name: _, ...total } = sumStreams(streams)
  return {
    ...total, second, startMs: startMs + second * 1000, activeLearners, peakActive, startLag, journeyErrors, generator,
    ...(streamed ? { streams } : {}),
  }
}

/**
 * Runs a scenario across worker threads and merges their seconds into one stream for the sinks.
 * Stops early (gracefully) when `signal` aborts.
 */
// A worker that said 'done' closes its port and exits by itself; terminate() is for one that does
// not (a crashed or stuck worker). Terminating threads that are already on their way out races
// with their own teardown, which crashes Node now and then (nodejs/node#56312: a segfault of the
// test process was seen once in CI with terminate() at every run's end).
const WORKER_EXIT_MS = 5000

/**
 * Waits for a worker's own exit (`exited` resolves on its 'exit' event), terminating it only when
 * it overstays; `onOverstay` says so (a handle left open in the worker, which delays every run's end).
 */
async function stopWorker(worker: Worker, exited: Promise<unknown>, onOverstay: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const overstayed = new Promise<'overstayed'>((resolve) => (timer = setTimeout(() => resolve('overstayed'), WORKER_EXIT_MS)))
  if ((await Promise.race([exited, overstayed])) === 'overstayed') {
    onOverstay()
    await worker.terminate()
  }
  clearTimeout(timer)
}

export async function runEngine(scenario: Scenario, config: EngineConfig, sink: EngineSink, signal: AbortSignal): Promise<EngineResult> {
  const { load, learners, streams, plannedPerSecond: planned, plannedPerStream } = runLoad(scenario, config.shape, config)
  const names = streams.map((s) => s.name)
  const mergeSecond = (parts: WorkerInterval[]) => merge(parts, names, plannedPerStream, startMs, scenario.streamed)
  const workers: Worker[] = []
  const exits: Array<Promise<unknown>> = []
  const pending = new Map<number, WorkerInterval[]>()
  const doneAt = new Map<number, number>()
  const seenEndpoints = new Set<string>()
  const seenErrors = new Set<string>()
  let nextSecond = 0
  let startMs = 0
  let failure: string | undefined

  const alive = () => workers.length - doneAt.size

  const emitReady = () => {
    for (;;) {
      const parts = pending.get(nextSecond) ?? []
      const expected = workers.filter((_, i) => !doneAt.has(i) || doneAt.get(i)! >= nextSecond).length
      if (expected === 0 && parts.length === 0) return
      if (parts.length < expected) return
      pending.delete(nextSecond)
      if (parts.length > 0) {
        const record = mergeSecond(parts)
        for (const name of record.endpoints.keys()) {
          if (!seenEndpoints.has(name)) {
            seenEndpoints.add(name)
            sink.event({ type: 'endpoint', name })
            if (seenEndpoints.size === HIGH_CARDINALITY_NAMES + 1) {
              sink.event({ type: 'high-cardinality', atMs: record.startMs, names: seenEndpoints.size, sample: [...seenEndpoints].slice(-5) })
            }
          }
        }
        for (const e of record.journeyErrors) {
          // Each distinct error once in events.ndjson; every occurrence is counted in the seconds.
          const key = journeyErrorKey(e)
          if (seenErrors.has(key)) continue
          seenErrors.add(key)
          sink.event({ type: 'journey-error', atMs: record.startMs, journey: e.journey, message: e.message, ...(e.location ? { location: e.location } : {}) })
        }
        for (const part of parts) {
          for (const [kind, key, value, at] of part.writes) sink.event({ type: 'write', atMs: at, kind, key, value })
        }
        sink.interval(record)
      }
      nextSecond++
    }
  }

  const finished = new Promise<void>((resolve, reject) => {
    let ready = 0
    for (let w = 0; w < config.workers; w++) {
      const init: WorkerInit = { config, worker: w }
      // The worker strips no TypeScript itself: this thread does it for the worker (typescript-threads.ts says why).
      const strip = serveStrippedSources()
      const worker = new Worker(STRIPPED_WORKER_BOOTSTRAP, {
        eval: true, workerData: { ...init, entry: siblingModule('./worker.ts', import.meta.url).href, strip: strip.channel }, transferList: strip.transfer,
      })
      workers.push(worker)
      exits.push(new Promise((resolve) => worker.once('exit', () => resolve(strip.close()))))
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            if (++ready === config.workers) {
              const now = systemClock.nowMs()
              // A shard starts at the run's agreed instant, whenever its workers were ready before it.
              if (config.startAtMs !== undefined && config.startAtMs < now + 1) {
                failure = `the agreed start (${new Date(config.startAtMs).toISOString()}) passed ${((now - config.startAtMs) / 1000).toFixed(1)} s before this shard's workers were ready; give the shards a later --start-at`
                // The workers wait for a start that will not come, and have no request in flight.
                for (const wk of workers) void wk.terminate()
                reject(new UserError('LMSLOAD_SHARD', failure))
                break
              }
              startMs = config.startAtMs ?? now + START_DELAY_MS
              sink.start({
                startMs, plannedLearners: learners, durationMs: load.durationMs, plannedPerSecond: planned,
                model: scenario.model, workers: config.workers,
                ...(scenario.streamed ? {
                  streams: streams.map((s, i) => ({ name: s.name, model: s.plan ? 'open' as const : 'closed' as const, startAfterMs: s.startAfterMs, plannedLearners: s.plan ? shardShare(s.plan.times.length, config.shard ?? WHOLE_RUN) : shardShare(s.learners, config.shard ?? WHOLE_RUN), plannedPerSecond: plannedPerStream[i] })),
                } : {}),
              })
              sink.event({ type: 'phase', phase: 'start', atMs: startMs })
              for (const wk of workers) wk.postMessage({ type: 'start', startAtMs: startMs } satisfies StartCommand)
            }
            break
          case 'interval': {
            const list = pending.get(message.second) ?? []
            list.push(message)
            pending.set(message.second, list)
            emitReady()
            break
          }
          case 'done':
            doneAt.set(message.worker, message.lastSecond)
            emitReady()
            if (alive() === 0) resolve()
            break
          case 'failed':
            failure = message.message
            reject(new UserError('LMSLOAD_SCENARIO', message.message))
            break
        }
      })
      worker.on('error', (error) => {
        failure = error.message
        doneAt.set(w, nextSecond - 1)
        sink.event({ type: 'warning', atMs: systemClock.nowMs(), message: `load worker ${w} crashed: ${error.message}` })
        if (alive() === 0) resolve()
      })
    }
  })

  const onAbort = () => {
    sink.event({ type: 'abort', atMs: systemClock.nowMs(), reason: String(signal.reason ?? 'interrupted') })
    for (const w of workers) w.postMessage({ type: 'stop', reason: 'interrupted' })
  }
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })

  try {
    await finished
  } finally {
    signal.removeEventListener('abort', onAbort)
    await Promise.all(workers.map((w, i) => stopWorker(w, exits[i]!, () => {
      sink.event({ type: 'warning', atMs: systemClock.nowMs(), message: `load worker ${i} did not exit within ${WORKER_EXIT_MS / 1000} s of its end and was terminated` })
    })))
  }
  // Anything left (a worker that crashed mid-second) is flushed in order.
  for (const second of [...pending.keys()].sort((a, b) => a - b)) {
    nextSecond = second
    const parts = pending.get(second)!
    if (parts.length > 0) sink.interval(mergeSecond(parts))
  }
  const endMs = systemClock.nowMs()
  sink.event({ type: 'phase', phase: 'end', atMs: endMs })
  return {
    status: failure ? 'failed' : signal.aborted ? 'aborted' : 'completed',
    startMs, endMs, seconds: nextSecond, failure,
  }
}
