import type { LoadShape } from '../scenario/shape.ts'

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
}

export interface WorkerInit {
  config: EngineConfig
  worker: number
}

export interface StartCommand {
  type: 'start'
  startAtMs: number
}
