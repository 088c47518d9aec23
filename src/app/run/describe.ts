// Stage 3 of runScenario: run.json as the run starts (status running; the writer completes it).
import { cpus, hostname, totalmem } from 'node:os'
import { lmsloadVersion } from '../../core/install.ts'
import type { EngineConfig } from '../../engine/config.ts'
import { RUN_SCHEMA, type LadderSpec, type RunJson } from '../../record/layout/run-json.ts'
import { shapeLoad } from '../../scenario/shape.ts'
import type { Scenario } from '../../scenario/types.ts'
import type { BundledBackend } from '../bundled-backend.ts'

/** run.json of a run about to start: the scenario, target, options, environment and plan. */
export function describeRun(id: string, scenario: Scenario, file: string, target: { url: string; bundled: BundledBackend | undefined }, config: EngineConfig, scrape: string[], pids: number[], capacity: LadderSpec | undefined, tls: { insecure?: boolean; caFile?: string } | undefined): RunJson {
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

