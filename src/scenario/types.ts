import type { Faker } from '@faker-js/faker'
import type { Rng } from '../core/rng.ts'
import type { ArrivalProfile } from './arrival/profile.ts'
import type { ConcurrencyProfile } from './concurrency/index.ts'
import type { ThinkTime } from './think.ts'

export type QueryValue = string | number | boolean | undefined

export interface RequestOptions {
  /** Values for the route template's `:name` segments. */
  params?: Record<string, string | number>
  query?: Record<string, QueryValue>
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown
  body?: string | Uint8Array
  headers?: Record<string, string>
  /** Record under this endpoint name instead of `METHOD /template`. */
  name?: string
  /** Statuses that count as success (default: 200–399). */
  expect?: number | readonly number[]
  /** Count the body's bytes without keeping them (video segments, downloads). */
  discardBody?: boolean
  /** Give up after this long (default: the run's request timeout). */
  timeout?: string
}

/** Why a request got no HTTP response. */
export type { TransportError } from '../core/transport-error.ts'
import type { TransportError } from '../core/transport-error.ts'

export interface Response {
  /** HTTP status, or 0 when no response arrived (see `error`). */
  readonly status: number
  /** The status is one of the expected ones. */
  readonly ok: boolean
  readonly error: TransportError | undefined
  readonly headers: Record<string, string | string[] | undefined>
  /** The body as text ('' when discarded). */
  readonly body: string
  /** Bytes of the body received. */
  readonly bytes: number
  /** From the intended send time to the last byte, in milliseconds. */
  readonly latencyMs: number
  /** The body parsed as JSON; throws when the body is not JSON. */
  json<T = any>(): T
}

export interface Learner<Data = unknown> {
  /** 0-based index of this learner in the run's arrival plan (unique across workers). */
  readonly id: number
  readonly journey: string
  /** The traffic stream the learner belongs to ('default' in a scenario without `streams`). */
  readonly stream: string
  /** The run's random seed (--seed): with `id`, what a data table's hand-out is a function of. */
  readonly seed: number
  /** What the scenario's setup() returned. */
  readonly data: Data
  /** Faker seeded for this learner: the same seed gives the same identity. */
  readonly faker: Faker
  /** A random stream of this learner's own. */
  readonly random: Rng
  /** Scratch space for the journey (tokens, ids). */
  readonly vars: Record<string, unknown>
  /** Aborted when the run stops: long waits should end early. */
  readonly signal: AbortSignal
  get(route: string, options?: RequestOptions): Promise<Response>
  post(route: string, options?: RequestOptions): Promise<Response>
  put(route: string, options?: RequestOptions): Promise<Response>
  patch(route: string, options?: RequestOptions): Promise<Response>
  delete(route: string, options?: RequestOptions): Promise<Response>
  /** Send `Authorization: Bearer <token>` on this learner's later requests (undefined clears it). */
  bearer(token: string | undefined): void
  /** Pause like a person reading or answering; the next request is scheduled from its end. */
  think(time: ThinkTime): Promise<void>
  /** Count a pass or fail under `label`; returns whether it passed. */
  check<T>(value: T, predicate: (value: T) => boolean, label: string): boolean
  /** Time a group of actions under `name` (for budgets per step). */
  step<T>(name: string, work: () => Promise<T>): Promise<T>
  /** Wait at the profile's barrier (an exam's opening); immediate when the profile has none. */
  waitForRelease(): Promise<void>
  /**
   * Notes a write the target acknowledged (an answer that got a 2xx): `kind` names what was written,
   * `key` identifies it, `value` is what must be read back. Recorded in events.ndjson; `lmsload
   * drill` checks every acknowledged write after the target recovers (the recovery point).
   */
  acknowledged(kind: string, key: string, value?: string | number): void
}

export interface Journey<Data = unknown> {
  /** Relative share of arrivals that take this journey. */
  weight: number
  run(learner: Learner<Data>): Promise<void>
}

/** What setup() gets: the target and an unrecorded HTTP helper for preparing data. */
/** What a scenario's `setup` gets: it runs once before the load, unrecorded. */
export interface SetupContext {
  /** The target's base URL (--target, or the bundled backend's). */
  target: string
  /** The run's random seed (--seed, default 1). */
  seed: number
  /** Learners planned for the run (after --scale/--size). */
  plannedLearners: number
  /**
   * One request to the target: `path` relative to it, `json` sent as the body, `token` as
   * `Authorization: Bearer …`. Resolves to the status and the parsed JSON body (the text when the
   * answer is not JSON); never throws on an HTTP error status, so check `status`.
   */
  fetchJson<T = any>(path: string, init?: { method?: string; json?: unknown; token?: string }): Promise<{ status: number; body: T }>
}

export interface ScenarioOptions {
  /** Cap on concurrently active learners; arrivals beyond it are dropped and counted (default 200,000). Arrivals are also dropped while more requests wait for a connection than the target could answer within `requestTimeout` (docs/scenarios.md). */
  maxLearners?: number
  /** Connections per target origin per worker (default 256). */
  connections?: number
  /** Per-request timeout (default '30s'). */
  requestTimeout?: string
  /** After the last arrival, how long running journeys may finish before being interrupted (default '10s'). */
  gracefulStop?: string
}

/** Budgets per endpoint (`'POST /api/quizzes/:id/attempts'`), per step (`'step:start exam'`) or `overall`. */
export type Budgets = Record<string, readonly string[]>

/**
 * A budget rule that also stops the run when broken (k6's `abortOnFail`): judged every second on
 * the last `window` of the run (default '30s'), from `delayAbortEval` on (default: the window's
 * length). The run then stops its arrivals, lets running journeys finish, writes everything and
 * exits 99, its end reason "stopped by a budget". After the run the rule is judged like any other.
 */
export interface AbortingRule {
  threshold: string
  abortOnFail: true
  delayAbortEval?: string
  window?: string
}

/** Budgets as a scenario writes them: rule texts, or rules that stop the run when broken. */
export type BudgetsDefinition = Record<string, ReadonlyArray<string | AbortingRule>>

/** A rule that stops the run when broken, as the run receives it. */
export interface AbortBudget {
  /** The budget target, with its stream when the rule is a stream's (`stream:exam …`). */
  target: string
  rule: string
  delayMs: number
  windowMs: number
}

/** One load model: exactly one of an arrival profile (open model) or a concurrency profile (closed model). */
type LoadModel = { arrival: ArrivalProfile; concurrency?: never } | { concurrency: ConcurrencyProfile; arrival?: never }

/**
 * One traffic stream of a scenario with several (`streams`): its own load model and journey mix,
 * started `startAfter` into the run, with budgets judged on its traffic alone.
 */
export type StreamDefinition<Data = unknown> = LoadModel & {
  journeys: Record<string, Journey<Data>>
  /** When the stream's profile starts, from the start of the run (default '0s'). */
  startAfter?: string
  /** Budgets on this stream's traffic only: keys as in the scenario's `budgets` ('overall', endpoints, 'step:…'). */
  budgets?: BudgetsDefinition
}

interface ScenarioCommon<Data> {
  name: string
  description?: string
  setup?: (context: SetupContext) => Promise<Data> | Data
  budgets?: BudgetsDefinition
  tags?: Record<string, string>
  options?: ScenarioOptions
}

/**
 * A scenario: one stream (`arrival` or `concurrency`, and `journeys`), or several (`streams`), each
 * with its own load model and journeys, sharing the run's clock, target, setup data and pools.
 */
export type ScenarioDefinition<Data = unknown> = ScenarioCommon<Data> &
  ((LoadModel & { journeys: Record<string, Journey<Data>>; streams?: never }) |
    { streams: Record<string, StreamDefinition<Data>>; arrival?: never; concurrency?: never; journeys?: never })

/** A validated stream, as the engine receives it. */
export interface Stream<Data = unknown> {
  readonly name: string
  readonly model: 'open' | 'closed'
  readonly arrival: ArrivalProfile | undefined
  readonly concurrency: ConcurrencyProfile | undefined
  readonly journeys: ReadonlyArray<{ name: string; weight: number; run: Journey<Data>['run'] }>
  readonly startAfterMs: number
}

/** The one stream of a scenario written without `streams`. */
export const DEFAULT_STREAM = 'default'

/** A validated scenario, as the engine receives it. */
export interface Scenario<Data = unknown> {
  readonly name: string
  readonly description: string
  /** 'open' when any stream follows an arrival plan, 'closed' when every stream is closed. */
  readonly model: 'open' | 'closed'
  /** In the order written; one stream named `default` when the scenario has no `streams`. */
  readonly streams: ReadonlyArray<Stream<Data>>
  /** Written with `streams`: the run records a series per stream (even for one). */
  readonly streamed: boolean
  readonly setup: ((context: SetupContext) => Promise<Data> | Data) | undefined
  /** The scenario's budgets (rule texts), with each stream's own under `stream:<name> …` keys. */
  readonly budgets: Budgets
  /** The rules among them that stop the run when broken (`abortOnFail`). */
  readonly aborts: readonly AbortBudget[]
  readonly tags: Record<string, string>
  readonly options: Required<ScenarioOptions>
  /** Where defineScenario() was called (file:line). */
  readonly definedAt: string
  readonly __lmsloadScenario: true
}
