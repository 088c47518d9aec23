// Stage 2 of runScenario: the scenario's setup() run once against the target, and the engine's
// configuration from the request, the scenario's options and the setup data.
import { cpus } from 'node:os'
import { UserError } from '../../core/errors.ts'
import { parseDurationMs } from '../../core/units.ts'
import type { EngineConfig, TargetTls } from '../../engine/config.ts'
import type { HttpClient } from '../../engine/http/client.ts'
import { shapeLoad, type LoadShape } from '../../scenario/shape.ts'
import type { Scenario, SetupContext } from '../../scenario/types.ts'
import { dataTables } from '../../scenario/data.ts'
import type { RunParameters } from '../../scenario/params.ts'
import { runLoad, type Shard } from '../../engine/schedule/streams.ts'
import { isLoopbackHost } from '../target.ts'

/** What of a run request the engine's configuration reads. */
export interface ConfigRequest {
  seed?: number
  shape?: LoadShape
  workers?: number
  maxLearners?: number
  connections?: number
  spacing?: 'poisson' | 'uniform'
  gracefulStopMs?: number
  tls?: TargetTls
  parameters?: RunParameters
  /** What setup() returned in `lmsload setup` (a sharded run's setup runs once, for every shard). */
  setup?: { data: unknown }
  shard?: Shard
  startAtMs?: number
}

/**
 * A unique hand-out gives every learner its own row: refused before the run when the plan has more
 * learners than the file has rows, or a closed stream (its learners are not planned: they keep coming).
 */
function checkUniqueHandOuts(scenario: Scenario, shape: LoadShape, seed: number, spacing: 'poisson' | 'uniform'): void {
  const unique = dataTables().filter((t) => t.handOut === 'unique')
  if (unique.length === 0) return
  const { streams } = runLoad(scenario, shape, { seed, spacing })
  const closed = streams.find((s) => !s.plan)
  const planned = streams.reduce((n, s) => n + (s.plan?.times.length ?? 0), 0)
  for (const t of unique) {
    if (closed) throw new UserError('LMSLOAD_SCENARIO', `${t.definedAt}: ${t.file}: a unique hand-out needs a row per learner, and stream '${closed.name}' uses a closed model, whose learners are not planned (hand out 'sequential' or 'random' rows instead)`)
    if (planned > t.rows) throw new UserError('LMSLOAD_SCENARIO', `${t.definedAt}: ${t.file}: a unique hand-out needs a row per learner: the plan has ${planned} learners, the file ${t.rows} rows (add rows, lower --scale, or hand out 'sequential' rows)`)
  }
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

function defaultWorkers(target: URL): number {
  const cores = cpus().length
  return Math.max(1, isLoopbackHost(target.hostname) ? cores - 1 : cores)
}

/** The load of the whole run setup() is told of (a shard's setup is the whole run's). */
export function setupContextOf(scenario: Scenario, shape: LoadShape, target: URL, seed: number, client: HttpClient): SetupContext {
  return setupContext(target.href, seed, Math.round(shapeLoad(scenario, shape).learners), client)
}

/**
 * The engine's configuration; runs the scenario's setup() first (through `client`, the learners'
 * HTTP stack), so its data travels to the workers. A failing setup() is the scenario's error.
 */
export async function engineConfig(req: ConfigRequest, scenario: Scenario, scenarioFile: string, target: URL, client: HttpClient): Promise<EngineConfig> {
  const seed = req.seed ?? 1
  const shape = req.shape ?? {}
  checkUniqueHandOuts(scenario, shape, seed, req.spacing ?? 'poisson')
  let setupData: unknown = req.setup?.data
  if (scenario.setup && !req.setup) {
    try {
      setupData = await scenario.setup(setupContextOf(scenario, shape, target, seed, client))
    } catch (error) {
      throw new UserError('LMSLOAD_SCENARIO', `${scenario.definedAt}: setup() failed: ${(error as Error).message}`)
    }
  }
  return {
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
    parameters: req.parameters ?? { env: {}, secrets: {} },
    ...(req.shard ? { shard: req.shard } : {}),
    ...(req.startAtMs !== undefined ? { startAtMs: req.startAtMs } : {}),
  }
}
