// Stage 3 of runScenario: run.json as the run starts (status running; the writer completes it).
import { cpus, hostname, totalmem } from 'node:os'
import { lmsloadVersion } from '../../core/install.ts'
import type { EngineConfig } from '../../engine/config.ts'
import { RUN_SCHEMA, type LadderSpec, type RunJson } from '../../record/layout/run-json.ts'
import { shapeLoad, type ShapedStream } from '../../scenario/shape.ts'
import type { Scenario } from '../../scenario/types.ts'
import type { BundledBackend } from '../bundled-backend.ts'

const profileOf = (s: ShapedStream): Record<string, unknown> => (s.arrival ?? s.concurrency)!.describe()

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
      profile: load.streams.length === 1 ? profileOf(load.streams[0]!) : { kind: 'streams', streams: load.streams.map((s) => s.name) },
      journeys: scenario.streams.flatMap((s) => s.journeys.map((j) => ({ name: j.name, weight: j.weight }))),
      budgets: scenario.budgets, tags: scenario.tags,
      ...(scenario.aborts.length ? { aborts: scenario.aborts.map((a) => ({ ...a })) } : {}),
      ...(scenario.streamed ? {
        streams: load.streams.map((s, i) => ({
          name: s.name, model: s.arrival ? 'open' as const : 'closed' as const, startAfterMs: Math.round(s.startAfterMs), profile: profileOf(s),
          journeys: scenario.streams[i]!.journeys.map((j) => j.name), learners: s.learners,
        })),
      } : {}),
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
      ...(Object.keys(config.parameters.env).length ? { env: { ...config.parameters.env } } : {}),
      ...(Object.keys(config.parameters.secrets).length ? { secrets: Object.keys(config.parameters.secrets) } : {}),
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

