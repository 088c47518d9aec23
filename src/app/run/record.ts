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
import type { AbortBudget, Scenario } from '../../scenario/types.ts'
import { parseBudgetRule } from '../../core/budget-rule.ts'
import { BudgetWatch, type WatchedBudget } from '../budget-watch.ts'
import { OutputsSink, type Output, type OutputReport } from '../live/index.ts'
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

/** How long live outputs may take to send what they hold when the run ends. */
const OUTPUT_FLUSH_MS = 5000

/** A scenario's abortOnFail rule as the watch judges it: every second, on its window, once broken. */
function watchedBudget(a: AbortBudget): WatchedBudget {
  return {
    label: `${a.target}: ${a.rule}`, target: a.target, rules: [parseBudgetRule(a.rule, a.target)],
    delaySec: Math.ceil(a.delayMs / 1000), windowSec: Math.max(1, Math.round(a.windowMs / 1000)), forSec: 1,
  }
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
  /** Live outputs (--output) and the labels they carry. */
  outputs?: { list: readonly Output[]; runId: string; scenario: string; shard?: string }
  onProgress?(progress: Progress): void
  onTarget?(target: { url: URL; bundled: RunTarget['bundled'] }): Promise<void>
}

/**
 * Runs the engine with the writer, progress, generator watch and the caller's sink subscribed, the
 * samplers recording beside it. A write that fails mid-run (disk full) stops the arrivals — load
 * that cannot be recorded is load for nothing — and is thrown after run.json says `failed`.
 */
export async function recordRun(writer: RunDirWriter, scenario: Scenario, config: EngineConfig, target: RunTarget, samplers: Sampler[], hooks: RecordHooks, notice: (line: string) => void): Promise<{ engine: EngineResult; run: RunJson; outputs: OutputReport[] }> {
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
  // The scenario's abortOnFail rules: a subscriber that stops the run, never the engine's own loop.
  const aborts = scenario.aborts.length === 0 ? [] : [new BudgetWatch(scenario.aborts.map(watchedBudget), (broken) => {
    notice(`${broken.label} broke: stopping the run (abortOnFail)`)
    stop.abort(new StopByBudget(broken.label))
  })]
  const live = hooks.outputs?.list.length ? new OutputsSink(hooks.outputs.list, { runId: hooks.outputs.runId, scenario: hooks.outputs.scenario, ...(hooks.outputs.shard ? { shard: hooks.outputs.shard } : {}) }) : undefined
  const sinks = new FanoutSink(writer, progress, ...aborts, ...(live ? [live] : []), ...(hooks.sink ? [hooks.sink] : []))
  const watch = new GeneratorWatch((event) => sinks.event(event))
  try {
    engine = await runEngine(scenario, config, new FanoutSink(watch, sinks), stop.signal)
  } finally {
    hooks.signal.removeEventListener('abort', forward)
    await recorder.stop()
  }
  // Outputs get a few seconds to send what they hold; what they lost is said and recorded.
  const outputs = live ? await live.stop(OUTPUT_FLUSH_MS) : []
  for (const o of outputs) {
    if (o.dropped === 0) continue
    const line = `output ${o.output}: ${o.dropped} of ${o.sent + o.dropped} batches dropped (${o.reasons.join('; ')})`
    notice(line)
    writer.event({ type: 'warning', atMs: Date.now(), message: line })
  }
  if (writer.failed) {
    writer.finish('failed', { ...engine, generatorSaturated: watch.saturated, failure: writer.failed.message })
    throw writer.failed
  }
  const run = writer.finish(engine.status, { ...engine, generatorSaturated: watch.saturated, end: endOf(engine.status, stop.signal.reason) })
  return { engine, run, outputs }
}
