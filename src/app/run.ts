// `lmsload run` as a use case: the stages live in app/run/ (target, config, describe, record); this
// file wires them and analyses what was recorded.
import path from 'node:path'
import { EXIT, UserError } from '../core/errors.ts'
import { displayPath } from '../core/paths.ts'
import type { EngineResult } from '../engine/coordinator.ts'
import type { TargetTls } from '../engine/config.ts'
import { HttpClient } from '../engine/http/client.ts'
import { importScenario } from '../engine/load-scenario.ts'
import type { EngineSink } from '../metrics/interval.ts'
import { runId, type LadderSpec, type RunJson, type RunStatus } from '../record/layout/run-json.ts'
import { REDACTED, RunDirWriter } from '../record/writer.ts'
import type { LoadShape } from '../scenario/shape.ts'
import { secretValues, setRunParameters, type RunParameters } from '../scenario/params.ts'
import type { Analysis } from '../analyze/analysis.ts'
import type { BundledBackend } from './bundled-backend.ts'
import { defaultRunDir } from './outputs.ts'
import { resolveScenario } from './scenarios.ts'
import type { Progress } from './progress.ts'
import { analyzeDir, loadBudgetFile } from './analyze.ts'
import type { WrittenReports } from './report.ts'
import { engineConfig } from './run/config.ts'
import { createOutputs, type OutputReport } from './live/index.ts'
import { describeRun } from './run/describe.ts'
import { recordRun, samplersFor } from './run/record.ts'
import { openTarget, type RunTarget } from './run/target.ts'
import type { Shard } from '../engine/schedule/streams.ts'

export { StopByBudget } from './run/record.ts'

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
  /** --env and --secret values for the scenario (env(), secret()); secrets are never recorded. */
  parameters?: RunParameters
  /** Live outputs, --output KIND=WHERE ('prometheus=http://…/api/v1/write', 'ndjson=-'). */
  outputs?: string[]
  /** --shard K/N: one of N disjoint parts of the plan. */
  shard?: Shard
  /** --start-at: the agreed start of a sharded run (epoch ms). */
  startAtMs?: number
  /** --barrier: the start is agreed on a shared directory. */
  barrier?: { dir: string; delayMs: number; timeoutMs: number }
  /** --setup-from: setup()'s result from `lmsload setup`. */
  setupFile?: string
  /** --clock-url: a finer clock reference than the target's Date header. */
  clockUrl?: string
  /** --allow-skew: start even with this clock proven more than 1 s off. */
  allowSkew?: boolean
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
  /** What each live output sent and dropped. */
  outputs: OutputReport[]
}

function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error) || !secrets.some((v) => error.message.includes(v))) return error
  const message = secrets.reduce((m, v) => m.split(v).join(REDACTED), error.message)
  return error instanceof UserError ? new UserError(error.code, message, error.hint) : new Error(message)
}

/** `lmsload run`: load the scenario, find or start the target, drive the load, record everything, analyse. */
export async function runScenario(req: RunRequest, hooks: RunHooks): Promise<RunOutcome> {
  const scenarioFile = path.resolve(resolveScenario(req.scenarioFile))
  // Before the scenario is imported: it may read env() and secret() at its top level.
  const parameters = req.parameters ?? { env: {}, secrets: {} }
  setRunParameters(parameters)
  const scenario = await importScenario(scenarioFile)
  // A malformed budget file fails before any load is sent.
  if (req.budgetFile) loadBudgetFile(req.budgetFile)
  // So are malformed --output specs; a file output is opened (refusing one that exists) here.
  const outputs = await createOutputs(req.outputs ?? [])
  const notice = hooks.onNotice ?? (() => {})
  // The preflight and setup() go through the learners' HTTP client: the same certificate trust, and
  // no second HTTP stack to load at start.
  const direct = new HttpClient({ connections: 4, requestTimeoutMs: 30_000, ca: req.tls?.ca, insecure: req.tls?.insecure })
  let target: RunTarget | undefined
  try {
    target = await openTarget(req, direct, notice)
    // The sharding modules load only for a sharded run (start-up: npm run bench:startup).
    const setup = req.setupFile ? (await import('./shard/setup-file.ts')).readSetupFile(req.setupFile, scenario.name) : undefined
    const config = await engineConfig({ ...req, parameters, ...(setup ? { setup: { data: setup.data } } : {}) }, scenario, scenarioFile, target.url, direct)
    const shard = req.shard ? await (await import('./shard/join.ts')).joinShards(req, scenario, config, target, setup, direct, hooks.signal, notice) : undefined
    const id = shard ? shard.runId : runId(scenario.name)
    const dirName = shard ? `${id}-shard-${shard.index}-of-${shard.count}` : id
    const dir = req.out === undefined ? defaultRunDir(dirName) : path.resolve(req.out)
    const scrape = [...(req.scrape ?? [])]
    const pids = [...(req.pids ?? [])]
    // Every line of the run directory is written with the secrets' values replaced (a journey error that quotes a token).
    const described = describeRun(id, scenario, path.relative(process.cwd(), config.scenarioFile), { url: target.url.href, bundled: target.bundled }, config, scrape, pids, req.capacity, req.tls)
    const writer = RunDirWriter.create(dir, shard ? { ...described, shard } : described, { redact: secretValues() })
    notice(`recording to ${displayPath(dir)}`)
    const { engine, run, outputs: sent } = await recordRun(writer, scenario, config, target, samplersFor(target, scrape, pids), { ...hooks, outputs: { list: outputs, runId: id, scenario: scenario.name, ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}) } }, notice)
    await hooks.beforeAnalyze?.(dir)
    const analyzed = analyzeDir(dir, { budgetFile: req.budgetFile, extraBudgets: req.extraBudgets, stepSummaryFile: req.stepSummaryFile })
    const exitCode = engine.status === 'aborted' ? (run.end?.reason === 'stopped-by-budget' ? EXIT.gateFailed : EXIT.interrupted) : engine.status === 'failed' ? EXIT.usage : analyzed.exitCode
    return { dir, status: engine.status, exitCode, run, engine, analysis: analyzed.analysis, reports: analyzed.reports!, outputs: sent }
  } catch (error) {
    // A setup() or a scenario that fails quoting a secret: the message is printed, the secret is not.
    throw withoutSecrets(error, secretValues())
  } finally {
    await direct.close()
    await target?.bundled?.stop()
  }
}
