// run.json: what a run was (scenario, target, options, environment) and how it ended. Written when
// the run starts and replaced atomically when it ends; a run killed mid-way keeps `running`.
// The reader validates it against the schema generated from RunJson (scripts/validators.ts).

export const RUN_SCHEMA = 'lmsload.run/1'

export type RunStatus = 'running' | 'completed' | 'aborted' | 'failed'

/**
 * Why a run ended: `completed` (the plan ran out), `interrupted` (a signal: exit 130),
 * `stopped-by-budget` (a live budget or a ladder's SLO watch stopped it), `failed` (exit 1).
 */
export type EndReason = 'completed' | 'interrupted' | 'stopped-by-budget' | 'failed'

/** The end a finished status implies when nothing more precise is known (runs before `end`, imports). */
export function endReasonOfStatus(status: Exclude<RunStatus, 'running'>): EndReason {
  return status === 'completed' ? 'completed' : status === 'aborted' ? 'interrupted' : 'failed'
}

export interface RunStream {
  name: string
  model: 'open' | 'closed'
  startAfterMs: number
  profile: Record<string, unknown>
  journeys: string[]
  learners: number
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
    /**
     * A scenario written with `streams`: each stream's model, start, profile, journeys (by name,
     * unique across streams) and planned learners. Its endpoints and steps are then recorded per
     * stream (`endpoints[].stream`) and intervals.ndjson has a `streams` part.
     */
    streams?: RunStream[]
    /** Budget rules that stopped the run when broken (abortOnFail), judged live on a rolling window. */
    aborts?: Array<{ target: string; rule: string; delayMs: number; windowMs: number }>
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
    /** --env parameters the scenario read with env(). */
    env?: Record<string, string>
    /** Names of the --secret parameters (their values are never recorded). */
    secrets?: string[]
  }
  environment: { lmsloadVersion: string; node: string; platform: string; arch: string; cpus: number; cpuModel: string; totalMemBytes: number; hostname: string }
  plan: { learners: number; durationMs: number; startMs?: number }
  /** Endpoint ids of latency.hlog and intervals.ndjson; `stream` in a run of a scenario with streams. */
  endpoints: Array<{ id: string; name: string; stream?: string }>
  steps: Array<{ id: string; name: string; stream?: string }>
  startedAt: string
  endedAt?: string
  /** A capacity ladder (`lmsload capacity`): its SLO, steps and plan, so that analysing the run gives its capacity. */
  capacity?: LadderSpec
  /** One shard of a sharded run (`lmsload run --shard K/N`): `lmsload merge` joins the N into one run. */
  shard?: ShardOfRun
  /** A run merged from shards (`lmsload merge`): which, and how far apart their clocks may have been. */
  sharded?: ShardedRun
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

/** A shard's clock against the reference (local − reference, ms): the true offset lies in [lowMs, highMs]. */
export interface ShardClock {
  method: 'date-header' | 'clock-url'
  offsetMs: number
  lowMs: number
  highMs: number
  url?: string
}

export interface ShardOfRun {
  /** K of `--shard K/N` (from 1). */
  index: number
  count: number
  /** The id every shard of the run shares (from the agreed start): the merged run's. */
  runId: string
  /** The agreed start (epoch ms) every shard's plan began at. */
  startAtMs: number
  /** The same on every shard of one run (app/shard/plan.ts): scenario, shape, seed, plans, setup, target. */
  planDigest: string
  setupDigest: string
  clock: ShardClock
}

export interface ShardedRun {
  runId: string
  count: number
  planDigest: string
  /** The clock skew between the farthest two shards: proven (at least) and possible (at most). */
  skew: { provenMs: number; atMostMs: number }
  shards: Array<{ index: number; dir: string; host: string; workers: number; startAtMs: number; clock: ShardClock; arrivals: { planned: number; started: number; dropped: number }; requests: number; status: RunStatus }>
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
  /** In a scenario with streams, the stream the ladder ramped (the others were held at their average). */
  stream?: string
}

/** A run's id and directory name: `yyyymmdd-hhmmss-<name>` (local time). */
export function runId(name: string, at = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}-${name}`
}
