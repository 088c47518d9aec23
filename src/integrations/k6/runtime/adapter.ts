// The Learner API on k6: what an exported scenario's journeys run on inside a k6 VU. One k6
// iteration is one learner (ramping-arrival-rate starts them on the scenario's arrival profile);
// requests go through k6/http with the route template as the `name` tag, so k6's metrics, its
// thresholds and `lmsload import k6` all see endpoints, never expanded URLs. Runs in k6's JS
// runtime: no Node modules, no Node globals (type-checked against @types/k6 alone).
import { check, sleep } from 'k6'
import exec from 'k6/execution'
import http from 'k6/http'
import { Counter, Rate, Trend } from 'k6/metrics'
import type { Faker } from '@faker-js/faker'
import { hashString, Rng } from '../../../core/rng.ts'
import type { ArrivalProfile } from '../../../scenario/arrival/profile.ts'
import { isExpectedStatus } from '../../../scenario/expect.ts'
import { JourneyPicker } from '../../../scenario/journey-picker.ts'
import { endpointName, expandRoute, routeOnTarget } from '../../../scenario/route.ts'
import { shapeLoad, type LoadShape } from '../../../scenario/shape.ts'
import { toThinkDistribution, type ThinkTime } from '../../../scenario/think.ts'
import { DEFAULT_STREAM, type Learner, type RequestOptions, type Response, type Scenario, type SetupContext, type TransportError } from '../../../scenario/types.ts'
import { makeFaker } from 'lmsload:faker'
import { k6TransportError } from '../error-codes.ts'

/** What `lmsload export k6` fixes at export time (the target can be changed with -e LMSLOAD_TARGET). */
export interface K6RuntimeConfig {
  target: string
  seed: number
  shape: LoadShape
  requestTimeout: string
}

/** Tag on every request a learner makes, so setup() traffic stays out of the learners' numbers. */
export const LEARNER_TAG = { key: 'lmsload', value: 'learner' } as const

const stepDuration = new Trend('lmsload_step_duration', true)
const stepFailed = new Rate('lmsload_step_failed')
const steps = new Counter('lmsload_steps')
const acknowledgedWrites = new Counter('lmsload_acknowledged_writes')
const journeyErrors = new Counter('lmsload_journey_errors')


function utf8Bytes(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

const NEVER_ABORTED: AbortSignal = {
  aborted: false,
  reason: undefined,
  addEventListener: () => {},
  removeEventListener: () => {},
}

class K6Response implements Response {
  readonly status: number
  readonly ok: boolean
  readonly error: TransportError | undefined
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
  readonly bytes: number
  readonly latencyMs: number

  constructor(res: http.Response, ok: boolean) {
    this.status = res.status
    this.ok = ok
    this.error = res.status === 0 ? k6TransportError(res.error_code) : undefined
    // k6 canonicalises header names (Content-Type); lmsload's are lower-case, as Node's.
    const headers: Record<string, string> = {}
    for (const key in res.headers) headers[key.toLowerCase()] = res.headers[key]!
    this.headers = headers
    this.body = typeof res.body === 'string' ? res.body : ''
    const length = Number(headers['content-length'])
    this.bytes = typeof res.body === 'string' ? utf8Bytes(res.body) : Number.isFinite(length) ? length : 0
    this.latencyMs = res.timings.duration
  }

  json<T = any>(): T {
    if (this.status === 0) throw new Error(`no response to parse as JSON (${this.error})`)
    return JSON.parse(this.body) as T
  }
}


class K6Learner implements Learner {
  readonly id: number
  readonly journey: string
  readonly stream = DEFAULT_STREAM
  get seed(): number {
    return this.runtime.config.seed
  }
  readonly data: any
  readonly random: Rng
  readonly signal = NEVER_ABORTED
  private readonly runtime: K6Runtime
  private readonly arrivedAtMs: number
  private readonly jar = new http.CookieJar()
  private token: string | undefined
  private varsStore: Record<string, unknown> | undefined
  private fakerDraws = 0

  constructor(runtime: K6Runtime, id: number, journey: string, data: unknown, random: Rng) {
    this.runtime = runtime
    this.id = id
    this.journey = journey
    this.data = data
    this.random = random
    this.arrivedAtMs = Date.now() - exec.scenario.startTime
  }

  get vars(): Record<string, unknown> {
    return (this.varsStore ??= {})
  }

  get faker(): Faker {
    const f = this.runtime.faker()
    f.seed(hashString(`${this.runtime.config.seed}:${this.id}:${this.fakerDraws++}`))
    return f
  }

  bearer(token: string | undefined): void {
    this.token = token
  }

  get(route: string, options?: RequestOptions) {
    return this.request('GET', route, options)
  }
  post(route: string, options?: RequestOptions) {
    return this.request('POST', route, options)
  }
  put(route: string, options?: RequestOptions) {
    return this.request('PUT', route, options)
  }
  patch(route: string, options?: RequestOptions) {
    return this.request('PATCH', route, options)
  }
  delete(route: string, options?: RequestOptions) {
    return this.request('DELETE', route, options)
  }

  async request(method: string, route: string, options?: RequestOptions): Promise<Response> {
    if (route.charCodeAt(0) !== 47) route = routeOnTarget(route, this.runtime.target)
    const name = options?.name ?? endpointName(method, route)
    const url = this.runtime.target + expandRoute(route, options?.params, options?.query)
    const headers: Record<string, string> = options?.headers ? { ...options.headers } : {}
    if (this.token !== undefined && headers.authorization === undefined) headers.authorization = `Bearer ${this.token}`
    const hasJson = options?.json !== undefined
    if (hasJson && headers['content-type'] === undefined) headers['content-type'] = 'application/json'
    const body = hasJson ? JSON.stringify(options!.json) : options?.body === undefined ? null : typeof options.body === 'string' ? options.body : copyBuffer(options.body)
    const expect = options?.expect
    const params: http.Params = {
      headers,
      jar: this.jar,
      // lmsload's engine does not follow redirects: a 302 is the answer, and its latency is the request's.
      redirects: 0,
      timeout: options?.timeout ?? this.runtime.config.requestTimeout,
      responseType: options?.discardBody ? 'none' : 'text',
      tags: { name, journey: this.journey, [LEARNER_TAG.key]: LEARNER_TAG.value },
      responseCallback: expect === undefined ? http.expectedStatuses({ min: 200, max: 399 }) : http.expectedStatuses(...(typeof expect === 'number' ? [expect] : expect)),
    }
    const res = await http.asyncRequest(method, url, body, params)
    return new K6Response(res, res.status !== 0 && isExpectedStatus(res.status, expect))
  }

  check<T>(value: T, predicate: (value: T) => boolean, label: string): boolean {
    let passed = false
    try {
      passed = predicate(value) === true
    } catch {
      passed = false
    }
    check(passed, { [label]: (p) => p }, { journey: this.journey })
    return passed
  }

  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = Date.now()
    let failed = true
    try {
      const result = await work()
      failed = false
      return result
    } finally {
      const tags = { step: name, journey: this.journey }
      stepDuration.add(Date.now() - start, tags)
      stepFailed.add(failed, tags)
      steps.add(1, tags)
    }
  }

  think(time: ThinkTime): Promise<void> {
    const ms = toThinkDistribution(time).sample(this.random)
    if (ms > 0) sleep(ms / 1000)
    return Promise.resolve()
  }

  waitForRelease(): Promise<void> {
    const releaseAt = this.runtime.releaseAtMs(this.arrivedAtMs, this.id)
    const wait = releaseAt - (Date.now() - exec.scenario.startTime)
    if (wait > 0) sleep(wait / 1000)
    return Promise.resolve()
  }

  acknowledged(kind: string, _key: string, _value?: string | number): void {
    acknowledgedWrites.add(1, { kind: String(kind) })
  }
}

function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer
}

/** A scenario bound to k6: what the exported script's setup() and learner() call. */
export class K6Runtime {
  readonly config: K6RuntimeConfig
  readonly target: string
  private readonly scenario: Scenario
  private readonly picker: JourneyPicker<Scenario['streams'][number]['journeys'][number]>
  private readonly arrival: ArrivalProfile | undefined
  private fakerInstance: Faker | undefined

  constructor(scenario: Scenario, config: K6RuntimeConfig, env: Record<string, string | undefined>) {
    this.scenario = scenario
    this.config = config
    this.target = (env.LMSLOAD_TARGET ?? config.target).replace(/\/+$/, '')
    // The export refuses scenarios of several streams (k6Options): this is the one.
    this.picker = new JourneyPicker(scenario.streams[0]!.journeys)
    this.arrival = shapeLoad(scenario, config.shape).streams[0]!.arrival
  }

  faker(): Faker {
    return (this.fakerInstance ??= makeFaker())
  }

  /** When a learner who arrived `arrivedAtMs` into the run is released (an exam's opening). */
  releaseAtMs(arrivedAtMs: number, id: number): number {
    const profile = this.arrival
    if (!profile?.releaseAt) return arrivedAtMs
    return profile.releaseAt(arrivedAtMs, new Rng(this.config.seed ^ 0x4e1ea5e, id))
  }

  async setup(): Promise<unknown> {
    if (!this.scenario.setup) return null
    const expected = shapeLoad(this.scenario, this.config.shape).learners
    const target = this.target
    const context: SetupContext = {
      target,
      seed: this.config.seed,
      plannedLearners: Math.round(expected),
      fetchJson: async (path, init) => {
        const headers: Record<string, string> = { accept: 'application/json' }
        if (init?.token) headers.authorization = `Bearer ${init.token}`
        if (init?.json !== undefined) headers['content-type'] = 'application/json'
        const res = await http.asyncRequest(init?.method ?? 'GET', target + path, init?.json === undefined ? null : JSON.stringify(init.json), {
          headers, responseType: 'text', tags: { name: 'setup', [LEARNER_TAG.key]: 'setup' }, timeout: this.config.requestTimeout,
        })
        let body: any = null
        try {
          body = typeof res.body === 'string' && res.body !== '' ? JSON.parse(res.body) : null
        } catch {
          body = res.body
        }
        return { status: res.status, body }
      },
    }
    // k6 passes setup()'s result to every VU as JSON: the same contract as the engine's workers.
    return JSON.parse(JSON.stringify((await this.scenario.setup(context)) ?? null))
  }

  async learner(data: unknown): Promise<void> {
    const id = exec.scenario.iterationInTest
    const random = new Rng(this.config.seed, id)
    const journey = this.picker.pick(random)
    const learner = new K6Learner(this, id, journey.name, data, random)
    try {
      await journey.run(learner)
    } catch (error) {
      journeyErrors.add(1, { journey: journey.name })
      throw error
    }
  }
}

