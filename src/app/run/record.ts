// Stage 4 of runScenario: drive the engine and record everything — the seconds, events and
// histograms through the run directory's writer, the resources through the samplers — and close
// run.json with how the run ended.
import { runEngine, type EngineResult } from '../../engine/coordinator.ts'
import type { EngineConfig } from '../../engine/config.ts'
import { FanoutSink, type EngineSink } from '../../metrics/interval.ts'
import type { RunJson, RunStatus } from '../../record/layout/run-json.ts'
import type { Sampler } from '../../record/samplers/index.ts'
import { HostSampler, ProcessSampler } from '../../record/samplers/proc.ts'
import { PrometheusSampler } from '../../record/samplers/prometheus.ts'
import type { RunDirWriter } from '../../record/writer.ts'
import type { Scenario } from '../../scenario/types.ts'
import { GeneratorWatch } from '../generator-watch.ts'
import { ProgressSink, type Progress } from '../progress.ts'
import { ResourceRecorder } from '../resources.ts'
import type { RunTarget } from './target.ts'

/** The abort reason of a run stopped on purpose by a budget or a ladder's SLO watch (not an interruption). */
export class StopByBudget {
  readonly budget: string
  constructor(budget: string) {
    this.budget = budget
  }
}

function endOf(status: RunStatus, reason: unknown): { reason: 'completed' | 'interrupted' | 'stopped-by-budget' | 'failed'; detail?: string } {
  if (status === 'completed') return { reason: 'completed' }
  if (status === 'failed') return { reason: 'failed' }
  if (reason instanceof StopByBudget) return { reason: 'stopped-by-budget', detail: reason.budget }
  return { reason: 'interrupted', ...(typeof reason === 'string' ? { detail: reason } : {}) }
}

/** The machine and the generator always; the bundled backend's /metrics and process; every --scrape URL and --pid. */
export function samplersFor(target: RunTarget, scrape: string[], pids: number[]): Sampler[] {
  const samplers: Sampler[] = [new HostSampler(), new ProcessSampler(process.pid, 'generator', false)]
  const bundled = target.bundled
  if (bundled) {
    samplers.push(new PrometheusSampler(new URL('/metrics', target.url).href, 'target'))
    samplers.push(new ProcessSampler(() => bundled.pid, 'target:process'))
  }
  for (const url of scrape) samplers.push(new PrometheusSampler(url))
  for (const pid of pids) samplers.push(new ProcessSampler(pid))
  return samplers
}

export interface RecordHooks {
  signal: AbortSignal
  sink?: EngineSink
  onProgress?(progress: Progress): void
  onTarget?(target: { url: URL; bundled: RunTarget['bundled'] }): Promise<void>
}

/**
 * Runs the engine with the writer, progress, generator watch and the caller's sink subscribed, the
 * samplers recording beside it. A write that fails mid-run (disk full) stops the arrivals — load
 * that cannot be recorded is load for nothing — and is thrown after run.json says `failed`.
 */
export async function recordRun(writer: RunDirWriter, scenario: Scenario, config: EngineConfig, target: RunTarget, samplers: Sampler[], hooks: RecordHooks, notice: (line: string) => void): Promise<{ engine: EngineResult; run: RunJson }> {
  const stop = new AbortController()
  const forward = () => stop.abort(hooks.signal.reason)
  if (hooks.signal.aborted) forward()
  else hooks.signal.addEventListener('abort', forward, { once: true })
  writer.onFailure = (error) => {
    notice(`${error.message}: stopping arrivals`)
    stop.abort('run directory write failed')
  }
  const recorder = new ResourceRecorder(samplers, {
    record: (at, sample) => writer.resource(at, sample),
    failed: (at, source, message) => writer.event({ type: 'warning', atMs: at, message: `resource sampler ${source} failed: ${message}` }),
  })
  await hooks.onTarget?.({ url: target.url, bundled: target.bundled })
  const progress = new ProgressSink((p) => hooks.onProgress?.(p))
  recorder.start()
  let engine: EngineResult
  const sinks = new FanoutSink(writer, progress, ...(hooks.sink ? [hooks.sink] : []))
  const watch = new GeneratorWatch((event) => sinks.event(event))
  try {
    engine = await runEngine(scenario, config, new FanoutSink(watch, sinks), stop.signal)
  } finally {
    hooks.signal.removeEventListener('abort', forward)
    await recorder.stop()
  }
  if (writer.failed) {
    writer.finish('failed', { ...engine, generatorSaturated: watch.saturated, failure: writer.failed.message })
    throw writer.failed
  }
  const run = writer.finish(engine.status, { ...engine, generatorSaturated: watch.saturated, end: endOf(engine.status, stop.signal.reason) })
  return { engine, run }
}
