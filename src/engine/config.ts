import type { LoadShape } from '../scenario/shape.ts'
import type { RunParameters } from '../scenario/params.ts'
import type { Shard } from './schedule/streams.ts'

export interface TargetTls {
  /** Certificates (PEM) trusted instead of the system's. */
  ca?: string | undefined
  /** Accept any certificate. */
  insecure?: boolean | undefined
}

/** Everything a run needs, in plain data: main passes it to every worker unchanged. */
export interface EngineConfig {
  scenarioFile: string
  target: string
  seed: number
  shape: LoadShape
  workers: number
  /** Overrides of the scenario's own options. */
  maxLearners: number
  connections: number
  requestTimeoutMs: number
  gracefulStopMs: number
  spacing: 'poisson' | 'uniform'
  /** How an HTTPS target's certificate is trusted (the system's authorities otherwise). */
  tls?: TargetTls
  /** What setup() returned, structured-cloned to the workers. */
  setupData: unknown
  /** --env and --secret values, set in each worker before it imports the scenario (never written anywhere). */
  parameters: RunParameters
  /** `--shard K/N`: this process runs one of N disjoint parts of the run's plan. */
  shard?: Shard | undefined
  /** `--start-at`: the agreed start (epoch ms) of a sharded run; otherwise the start is when the workers are ready. */
  startAtMs?: number | undefined
}

export interface WorkerInit {
  config: EngineConfig
  worker: number
}

export interface StartCommand {
  type: 'start'
  startAtMs: number
}
