import { cpus, hostname, totalmem } from 'node:os'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { HttpClient } from '../engine/http/client.ts'
import { UserError, EXIT } from '../core/errors.ts'
import { displayPath } from '../core/paths.ts'
import { parseDurationMs } from '../core/units.ts'
import { runEngine, type EngineResult } from '../engine/coordinator.ts'
import type { EngineConfig, TargetTls } from '../engine/config.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { shapeLoad, type LoadShape } from '../scenario/shape.ts'
import { FanoutSink, type EngineSink } from '../metrics/interval.ts'
import { RUN_SCHEMA, runId, type LadderSpec, type RunJson, type RunStatus } from '../record/layout/run-json.ts'
import { HostSampler, ProcessSampler } from '../record/samplers/proc.ts'
import { PrometheusSampler } from '../record/samplers/prometheus.ts'
import type { Sampler } from '../record/samplers/index.ts'
import { RunDirWriter } from '../record/writer.ts'
import type { Scenario, SetupContext } from '../scenario/types.ts'

import { startBundledBackend, type BundledBackend } from './bundled-backend.ts'
import { lmsloadVersion } from '../core/install.ts'
import { defaultRunDir } from './outputs.ts'
import { resolveScenario } from './scenarios.ts'
import { ProgressSink, type Progress } from './progress.ts'
import { GeneratorWatch } from './generator-watch.ts'
import { ResourceRecorder } from './resources.ts'
import { analyzeDir, loadBudgetFile } from './analyze.ts'
import type { WrittenReports } from './report.ts'
import type { Analysis } from '../analyze/analysis.ts'
import { isLoopbackHost, parseTarget } from './target.ts'

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

export interface RunRequest {
  scenarioFile: string
  target?: string
  allowRemote?: boolean
  shape?: LoadShape
  workers?: number
  seed?: number
  out?: string
  scrape?: string[]
  pids?: number[]
  maxLearners?: number
  connections?: number
  spacing?: 'poisson' | 'uniform'
  /** How an HTTPS target's certificate is trusted (--ca, --insecure). */
  tls?: TargetTls & { caFile?: string }
  backendProfile?: string
  backendWorkers?: number
  /** A budget file evaluated with the scenario's budgets. */
  budgetFile?: string
  /** More budgets (a capacity SLO), evaluated with the scenario's. */
  extraBudgets?: { budgets: Record<string, string[]>; where: string }
  /** `$GITHUB_STEP_SUMMARY`: the Markdown summary is appended to it. */
  stepSummaryFile?: string
  /** Overrides the scenario's `options.gracefulStop` (a shortened run need not wait for long journeys). */
  gracefulStopMs?: number
  /** A capacity ladder: recorded in run.json, so the analysis computes the ladder's capacity. */
  capacity?: LadderSpec
}

export interface RunHooks {
  signal: AbortSignal
  /** Another subscriber to the engine's seconds (a live SLO watch). */
  sink?: EngineSink
  onProgress?(progress: Progress): void
  /** Notable moments, one line each (backend started, run directory, warnings). */
  onNotice?(line: string): void
  /** The target is known and answers (the bundled backend started); the load has not begun. */
  onTarget?(target: { url: URL; bundled: BundledBackend | undefined }): Promise<void>
  /** The run directory is closed (run.json final) and not yet analysed: a drill writes drill.json here. */
  beforeAnalyze?(dir: string): Promise<void>
}

export interface RunOutcome {
  dir: string
  status: RunStatus
  exitCode: number
  run: RunJson
  engine: EngineResult
  /** The analysis written beside the run (budgets evaluated from what was recorded). */
  analysis: Analysis
  /** report.html, summary.md and junit.xml in the run directory. */
  reports: WrittenReports
}

function setupContext(target: string, seed: number, plannedLearners: number, client: HttpClient): SetupContext {
  return {
    target, seed, plannedLearners,
    async fetchJson(p, init = {}) {
      const headers: string[] = []
      if (init.json !== undefined) headers.push('content-type', 'application/json')
      if (init.token) headers.push('authorization', `Bearer ${init.token}`)
      const url = new URL(p, target)
      const method = init.method ?? 'GET'
      const res = await client.send(url.origin, {
        method, path: `${url.pathname}${url.search}`, headers, body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }, true)
      const text = res.body?.toString('utf8') ?? ''
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // not JSON: the text is the body
      }
      return { status: res.status, body: body as never }
    },
  }
}

async function preflight(target: URL, client: HttpClient): Promise<void> {
  try {
    await client.send(target.origin, { method: 'GET', path: `${target.pathname}${target.search}`, headers: [], timeoutMs: 10_000 }, false)
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message
    throw new UserError('LMSLOAD_TARGET', `--target: cannot reach ${target.origin} (${code})`)
  }
}

function defaultWorkers(target: URL): number {
  const cores = cpus().length
  return Math.max(1, isLoopbackHost(target.hostname) ? cores - 1 : cores)
}

function runJson(id: string, scenario: Scenario, file: string, target: { url: string; bundled: BundledBackend | undefined }, config: EngineConfig, scrape: string[], pids: number[], capacity: LadderSpec | undefined, tls: RunRequest['tls']): RunJson {
  const load = shapeLoad(scenario, config.shape)
  const cpu = cpus()
  return {
    schema: RUN_SCHEMA,
    id,
    status: 'running',
    scenario: {
      name: scenario.name, description: scenario.description, file, model: scenario.model,
      profile: (load.arrival ?? load.concurrency)!.describe(),
      journeys: scenario.journeys.map((j) => ({ name: j.name, weight: j.weight })),
      budgets: scenario.budgets, tags: scenario.tags,
    },
    target: {
      url: target.url, bundled: target.bundled !== undefined,
      ...(target.bundled ? { backendProfile: target.bundled.profile, backendWorkers: target.bundled.workers, database: 'sqlite' } : {}),
    },
    options: {
      seed: config.seed, ...(config.shape.scale !== undefined ? { scale: config.shape.scale } : {}), ...(config.shape.size ? { size: config.shape.size } : {}),
      ...(config.shape.durationMs !== undefined ? { durationMs: config.shape.durationMs } : {}),
      workers: config.workers, maxLearners: config.maxLearners, connections: config.connections, requestTimeoutMs: config.requestTimeoutMs,
      gracefulStopMs: config.gracefulStopMs, spacing: config.spacing, scrape, pids,
      ...(tls?.insecure ? { insecure: true } : {}), ...(tls?.caFile ? { ca: tls.caFile } : {}),
    },
    environment: {
      lmsloadVersion: lmsloadVersion(), node: process.version, platform: process.platform, arch: process.arch, cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown', totalMemBytes: totalmem(), hostname: hostname(),
    },
    plan: { learners: load.learners, durationMs: load.durationMs },
    endpoints: [],
    steps: [],
    ...(capacity ? { capacity } : {}),
    startedAt: new Date().toISOString(),
  }
}

/** `lmsload run`: load the scenario, find or start the target, drive the load, record everything. */
export async function runScenario(req: RunRequest, hooks: RunHooks): Promise<RunOutcome> {
  const scenarioFile = path.resolve(resolveScenario(req.scenarioFile))
  const scenario = await importScenario(scenarioFile)
  // A malformed budget file fails before any load is sent.
  if (req.budgetFile) loadBudgetFile(req.budgetFile)
  const notice = hooks.onNotice ?? (() => {})
  let bundled: BundledBackend | undefined
  // The preflight and setup() go through the learners' HTTP client: the same certificate trust, and
  // no second HTTP stack to load at start.
  const direct = new HttpClient({ connections: 4, requestTimeoutMs: 30_000, ca: req.tls?.ca, insecure: req.tls?.insecure })
  let target: URL
  if (req.target !== undefined) {
    target = parseTarget(req.target, req.allowRemote === true)
    await preflight(target, direct).catch(async (error: unknown) => {
      await direct.close()
      throw error
    })
  } else {
    notice('starting the bundled reference backend (seeds demo data on first use)…')
    bundled = await startBundledBackend({ profile: req.backendProfile, workers: req.backendWorkers })
    target = new URL(bundled.url)
    notice(`reference backend on ${bundled.url} (profile ${bundled.profile}, pid ${bundled.pid})`)
  }
  try {
    const seed = req.seed ?? 1
    const shape = req.shape ?? {}
    const load = shapeLoad(scenario, shape)
    let setupData: unknown
    if (scenario.setup) {
      try {
        setupData = await scenario.setup(setupContext(target.href, seed, Math.round(load.learners), direct))
      } catch (error) {
        throw new UserError('LMSLOAD_SCENARIO', `${scenario.definedAt}: setup() failed: ${(error as Error).message}`)
      }
    }
    const config: EngineConfig = {
      scenarioFile,
      target: target.href,
      seed,
      shape,
      workers: req.workers ?? defaultWorkers(target),
      maxLearners: req.maxLearners ?? scenario.options.maxLearners,
      connections: req.connections ?? scenario.options.connections,
      requestTimeoutMs: parseDurationMs(scenario.options.requestTimeout, 'options.requestTimeout'),
      gracefulStopMs: req.gracefulStopMs ?? parseDurationMs(scenario.options.gracefulStop, 'options.gracefulStop'),
      spacing: req.spacing ?? 'poisson',
      ...(req.tls ? { tls: { ca: req.tls.ca, insecure: req.tls.insecure } } : {}),
      setupData,
    }
    const id = runId(scenario.name)
    const dir = req.out === undefined ? defaultRunDir(id) : path.resolve(req.out)
    const scrape = [...(req.scrape ?? [])]
    const pids = [...(req.pids ?? [])]
    const writer = RunDirWriter.create(dir, runJson(id, scenario, path.relative(process.cwd(), config.scenarioFile), { url: target.href, bundled }, config, scrape, pids, req.capacity, req.tls))
    notice(`recording to ${displayPath(dir)}`)

    const samplers: Sampler[] = [new HostSampler(), new ProcessSampler(process.pid, 'generator', false)]
    if (bundled) {
      samplers.push(new PrometheusSampler(new URL('/metrics', target).href, 'target'))
      samplers.push(new ProcessSampler(() => bundled!.pid, 'target:process'))
    }
    for (const url of scrape) samplers.push(new PrometheusSampler(url))
    for (const pid of pids) samplers.push(new ProcessSampler(pid))
    // A write that fails mid-run (disk full) stops the arrivals: load that cannot be recorded is
    // load for nothing. The run ends as `failed` with a one-line error.
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
    await hooks.onTarget?.({ url: target, bundled })
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
    await hooks.beforeAnalyze?.(dir)
    const analyzed = analyzeDir(dir, { budgetFile: req.budgetFile, extraBudgets: req.extraBudgets, stepSummaryFile: req.stepSummaryFile })
    const exitCode = engine.status === 'aborted' ? (run.end?.reason === 'stopped-by-budget' ? EXIT.gateFailed : EXIT.interrupted) : engine.status === 'failed' ? EXIT.usage : analyzed.exitCode
    return { dir, status: engine.status, exitCode, run, engine, analysis: analyzed.analysis, reports: analyzed.reports! }
  } finally {
    await direct.close()
    await bundled?.stop()
  }
}
