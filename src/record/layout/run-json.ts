// run.json: what a run was (scenario, target, options, environment) and how it ended. Written when
// the run starts and replaced atomically when it ends; a run killed mid-way keeps `running`.

export const RUN_SCHEMA = 'lmsload.run/1'

export type RunStatus = 'running' | 'completed' | 'aborted' | 'failed'

/**
 * Why a run ended: `completed` (the plan ran out), `interrupted` (a signal: exit 130),
 * `stopped-by-budget` (a live budget or a ladder's SLO watch stopped it), `failed` (exit 1).
 */
export type EndReason = 'completed' | 'interrupted' | 'stopped-by-budget' | 'failed'
export const END_REASONS: readonly EndReason[] = ['completed', 'interrupted', 'stopped-by-budget', 'failed']

/** The end a finished status implies when nothing more precise is known (runs before `end`, imports). */
export function endReasonOfStatus(status: Exclude<RunStatus, 'running'>): EndReason {
  return status === 'completed' ? 'completed' : status === 'aborted' ? 'interrupted' : 'failed'
}

export interface RunJson {
  schema: typeof RUN_SCHEMA
  id: string
  status: RunStatus
  scenario: {
    name: string
    description: string
    file: string
    model: 'open' | 'closed'
    profile: Record<string, unknown>
    journeys: Array<{ name: string; weight: number }>
    budgets: Record<string, readonly string[]>
    tags: Record<string, string>
  }
  target: { url: string; bundled: boolean; backendProfile?: string; backendWorkers?: number; database?: string }
  options: {
    seed: number
    scale?: number
    size?: string
    durationMs?: number
    workers: number
    maxLearners: number
    connections: number
    requestTimeoutMs: number
    gracefulStopMs: number
    spacing: 'poisson' | 'uniform'
    /** --insecure: the target's certificate was not checked. */
    insecure?: boolean
    /** --ca: the file of authorities trusted for the target. */
    ca?: string
    scrape: string[]
    pids: number[]
  }
  environment: { lmsloadVersion: string; node: string; platform: string; arch: string; cpus: number; cpuModel: string; totalMemBytes: number; hostname: string }
  plan: { learners: number; durationMs: number; startMs?: number }
  endpoints: Array<{ id: string; name: string }>
  steps: Array<{ id: string; name: string }>
  startedAt: string
  endedAt?: string
  /** A capacity ladder (`lmsload capacity`): its SLO, steps and plan, so that analysing the run gives its capacity. */
  capacity?: LadderSpec
  /** How the run ended (absent while running, and in runs recorded before 0.2: derive it from `status`). */
  end?: { reason: EndReason; detail?: string }
  result?: {
    seconds: number
    arrivals: { planned: number; started: number; dropped: number }
    requests: number
    generatorSaturated: boolean
    failure?: string
  }
}

/** What `lmsload capacity` records of its ladder in run.json. */
export interface LadderSpec {
  mode: 'ladder'
  /** A latency ceiling like 'p95<800ms'. */
  slo: string
  /** Share of failed requests a step may have and still meet the SLO. */
  errorBudget: number
  /** Learners arriving per second at the first and last step. */
  from: number
  to: number
  steps: number
  holdMs: number
  /** Today's peak (in learners arriving per second), yearly growth and instances, for the plan. */
  plan: { currentPeak?: number; growthPerYear?: number; instances?: number }
}

/** A run's id and directory name: `yyyymmdd-hhmmss-<name>` (local time). */
export function runId(name: string, at = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}-${name}`
}

/** JSON Schema of run.json: the reader validates every run directory it opens against it. */
export const RUN_JSON_SCHEMA = {
  type: 'object',
  required: ['schema', 'id', 'status', 'scenario', 'target', 'options', 'environment', 'plan', 'endpoints', 'steps', 'startedAt'],
  properties: {
    schema: { const: RUN_SCHEMA },
    id: { type: 'string' },
    status: { enum: ['running', 'completed', 'aborted', 'failed'] },
    scenario: {
      type: 'object', required: ['name', 'model', 'profile', 'journeys', 'budgets'],
      properties: { name: { type: 'string' }, model: { enum: ['open', 'closed'] }, profile: { type: 'object' }, journeys: { type: 'array' }, budgets: { type: 'object' } },
    },
    target: { type: 'object', required: ['url', 'bundled'], properties: { url: { type: 'string' }, bundled: { type: 'boolean' } } },
    options: { type: 'object', required: ['seed', 'workers'], properties: { seed: { type: 'number' }, workers: { type: 'integer', minimum: 1 } } },
    environment: { type: 'object' },
    plan: { type: 'object', required: ['learners', 'durationMs'], properties: { learners: { type: 'number' }, durationMs: { type: 'number' } } },
    endpoints: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    steps: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    startedAt: { type: 'string' },
    endedAt: { type: 'string' },
    end: { type: 'object', required: ['reason'], properties: { reason: { enum: END_REASONS }, detail: { type: 'string' } } },
    capacity: {
      type: 'object', required: ['mode', 'slo', 'errorBudget', 'from', 'to', 'steps', 'holdMs', 'plan'],
      properties: {
        mode: { const: 'ladder' }, slo: { type: 'string' }, errorBudget: { type: 'number', minimum: 0, maximum: 1 }, from: { type: 'number' }, to: { type: 'number' },
        steps: { type: 'integer', minimum: 1 }, holdMs: { type: 'number', minimum: 0 },
        plan: { type: 'object', properties: { currentPeak: { type: 'number' }, growthPerYear: { type: 'number' }, instances: { type: 'number' } } },
      },
    },
  },
} as const
