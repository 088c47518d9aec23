import { Worker } from 'node:worker_threads'
import { systemClock } from '../core/clock.ts'
import { UserError } from '../core/errors.ts'
import { siblingModule } from '../core/install.ts'
import { decodeHistogram, latencyHistogram, mergeEncoded, type Histogram } from '../metrics/histogram.ts'
import { addOutcomeCounts, addTallies } from '../metrics/outcome.ts'
import type { Scenario } from '../scenario/types.ts'
import type { EngineConfig, StartCommand, WorkerInit } from './config.ts'
import type { WorkerInterval, WorkerMessage } from './messages.ts'
import { serveStrippedSources, STRIPPED_WORKER_BOOTSTRAP } from './typescript-threads.ts'
import { arrivalPlan, plannedPerSecond } from './schedule/arrival-plan.ts'
import { shapeLoad } from '../scenario/shape.ts'
import { addJourneyCounts, addJourneyErrors, HIGH_CARDINALITY_NAMES, journeyCounts, journeyErrorKey, type EndpointInterval, type EngineSink, type IntervalRecord } from '../metrics/interval.ts'

const START_DELAY_MS = 250

export interface EngineResult {
  status: 'completed' | 'aborted' | 'failed'
  startMs: number
  endMs: number
  seconds: number
  failure?: string
}

function merge(parts: WorkerInterval[], planned: number, startMs: number): IntervalRecord {
  const endpoints = new Map<string, EndpointInterval>()
  const steps = new Map<string, { count: number; failed: number; duration: Histogram }>()
  const record: IntervalRecord = {
    second: parts[0]!.second,
    startMs: startMs + parts[0]!.second * 1000,
    arrivals: { planned, started: 0, dropped: 0 },
    activeLearners: 0,
    peakActive: 0,
    journeys: {},
    endpoints,
    steps,
    checks: {},
    startLag: latencyHistogram(),
    journeyErrors: [],
    generator: { workers: [] },
  }
  for (const p of parts) {
    record.arrivals.started += p.arrivals.started
    record.arrivals.dropped += p.arrivals.dropped
    record.activeLearners += p.activeLearners
    record.peakActive += p.peakActive
    for (const [name, j] of Object.entries(p.journeys)) {
      addJourneyCounts((record.journeys[name] ??= journeyCounts()), j)
    }
    for (const [label, c] of Object.entries(p.checks)) {
      const into = (record.checks[label] ??= { pass: 0, fail: 0 })
      into.pass += c.pass
      into.fail += c.fail
    }
    record.startLag.add(decodeHistogram(p.startLag))
    addJourneyErrors(record.journeyErrors, p.journeyErrors)
    for (const [name, e] of Object.entries(p.endpoints)) {
      let into = endpoints.get(name)
      if (!into) {
        into = { count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, latency: latencyHistogram(), timing: new Map(), timingDesc: {} }
        endpoints.set(name, into)
      }
      addOutcomeCounts(into, e)
      addTallies(into.timingDesc, e.timingDesc)
      into.latency.add(decodeHistogram(e.latency))
      for (const [component, encoded] of Object.entries(e.timing)) into.timing.set(component, mergeEncoded(into.timing.get(component), encoded))
    }
    for (const [name, s] of Object.entries(p.steps)) {
      const into = steps.get(name)
      if (into) {
        into.count += s.count
        into.failed += s.failed
        into.duration.add(decodeHistogram(s.duration))
      } else {
        steps.set(name, { count: s.count, failed: s.failed, duration: decodeHistogram(s.duration) })
      }
    }
    record.generator.workers[p.worker] = p.self
  }
  return record
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
  const load = shapeLoad(scenario, config.shape)
  const planned = load.arrival ? plannedPerSecond(arrivalPlan(load.arrival, { seed: config.seed, spacing: config.spacing })) : undefined
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
        const record = merge(parts, planned?.[nextSecond] ?? 0, startMs)
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
              startMs = systemClock.nowMs() + START_DELAY_MS
              sink.start({
                startMs, plannedLearners: load.learners, durationMs: load.durationMs, plannedPerSecond: planned,
                model: scenario.model, workers: config.workers,
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
    if (parts.length > 0) sink.interval(merge(parts, planned?.[second] ?? 0, startMs))
  }
  const endMs = systemClock.nowMs()
  sink.event({ type: 'phase', phase: 'end', atMs: endMs })
  return {
    status: failure ? 'failed' : signal.aborted ? 'aborted' : 'completed',
    startMs, endMs, seconds: nextSecond, failure,
  }
}
