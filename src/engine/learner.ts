import type { Faker } from '@faker-js/faker'
import type { Clock, TimerHandle, Timers } from '../core/clock.ts'
import { hashString, Rng } from '../core/rng.ts'
import { parseDurationMs } from '../core/units.ts'
import { toThinkDistribution, type ThinkTime } from '../scenario/think.ts'
import { DEFAULT_STREAM, type Learner, type RequestOptions, type Response, type TransportError } from '../scenario/types.ts'
import { classifyTransportError, recordOutcome } from '../metrics/outcome.ts'
import type { OutgoingRequest, RequestSender, ResponseParts } from './http/client.ts'
import { isExpectedStatus } from '../scenario/expect.ts'
import { endpointName, expandRoute, routeOnTarget } from '../scenario/route.ts'
import { parseServerTiming } from './http/server-timing.ts'
import type { EndpointStats, IntervalStats } from './stats.ts'

/** What a learner needs from the worker that runs it. */
export interface LearnerHost {
  readonly clock: Clock
  readonly timers: Timers
  readonly seed: number
  readonly origin: string
  readonly http: RequestSender
  readonly data: unknown
  readonly signal: AbortSignal
  readonly faker: Faker
  /** The stats of the second in which `atMs` (epoch) falls, rotating seconds as time passes. */
  statsAt(atMs: number): IntervalStats
  /** Starts the arrivals due by `atMs` (epoch): called after every response, so a busy loop still starts them on time. */
  releaseDue(atMs: number): void
}

export class Interrupted extends Error {
  constructor() {
    super('learner interrupted')
    this.name = 'Interrupted'
  }
}


class HttpResponse implements Response {
  readonly status: number
  readonly ok: boolean
  readonly error: TransportError | undefined
  readonly bytes: number
  readonly latencyMs: number
  private readonly parts: ResponseParts | undefined
  private readonly raw: Buffer | undefined
  private text: string | undefined

  constructor(status: number, ok: boolean, error: TransportError | undefined, parts: ResponseParts | undefined, raw: Buffer | undefined, bytes: number, latencyMs: number) {
    this.status = status
    this.ok = ok
    this.error = error
    this.parts = parts
    this.raw = raw
    this.bytes = bytes
    this.latencyMs = latencyMs
  }

  /** Built on first use by the client: most journeys never read a response's headers. */
  get headers(): Record<string, string | string[] | undefined> {
    return this.parts === undefined ? EMPTY_HEADERS : this.parts.headers
  }

  get body(): string {
    // Decoded on first use only: most responses are never read as text.
    return (this.text ??= this.raw ? this.raw.toString('utf8') : '')
  }

  json<T = any>(): T {
    if (this.status === 0) throw new Error(`no response to parse as JSON (${this.error})`)
    return JSON.parse(this.body) as T
  }
}

const EMPTY_HEADERS: Record<string, string | string[] | undefined> = {}

/**
 * One learner's journey context. Requests are timed from their intended send time: the arrival,
 * the end of a think time or the release from a barrier, whichever the engine scheduled, so a
 * late start caused by the generator is counted in the latency, not hidden (wrk2's rule against
 * coordinated omission).
 */
export class LearnerContext implements Learner {
  readonly id: number
  readonly journey: string
  readonly random: Rng
  /** The learner's stream, by index in the scenario (its stats) and by name (the scenario's view). */
  readonly streamIndex: number
  readonly stream: string
  private readonly host: LearnerHost
  private readonly releaseAtMs: number
  /** Intended time of the next request (epoch ms), set by the engine's own timers. */
  private scheduledAt: number | undefined
  private token: string | undefined
  private cookies: Map<string, string> | undefined
  /** This learner's headers for a request without headers of its own (token, cookies). */
  private ownHeaders: string[] | undefined
  private varsStore: Record<string, unknown> | undefined
  private fakerDraws = 0
  private timer: TimerHandle | undefined
  private wake: ((error: Error) => void) | undefined
  /** Set when the run stops: the next wait or request ends the journey. */
  interrupted = false
  /** True while waiting on a timer (think, release): safe to interrupt at once. */
  waiting = false

  constructor(host: LearnerHost, id: number, journey: string, random: Rng, arrivalAtMs: number, releaseAtMs: number, stream: { index: number; name: string } = { index: 0, name: DEFAULT_STREAM }) {
    this.host = host
    this.streamIndex = stream.index
    this.stream = stream.name
    this.id = id
    this.journey = journey
    this.random = random
    this.scheduledAt = arrivalAtMs
    this.releaseAtMs = releaseAtMs
  }

  get data(): any {
    return this.host.data
  }

  get seed(): number {
    return this.host.seed
  }

  get signal(): AbortSignal {
    return this.host.signal
  }

  get vars(): Record<string, unknown> {
    return (this.varsStore ??= {})
  }

  /** Faker reseeded for this learner on every access: draw from it synchronously. */
  get faker(): Faker {
    const f = this.host.faker
    f.seed(hashString(`${this.host.seed}:${this.id}:${this.fakerDraws++}`))
    return f
  }

  bearer(token: string | undefined): void {
    if (token !== this.token) this.ownHeaders = undefined
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

  check<T>(value: T, predicate: (value: T) => boolean, label: string): boolean {
    let passed = false
    try {
      passed = predicate(value) === true
    } catch {
      passed = false
    }
    this.host.statsAt(this.host.clock.nowMs()).streams[this.streamIndex]!.check(label, passed)
    return passed
  }

  acknowledged(kind: string, key: string, value?: string | number): void {
    const now = this.host.clock.nowMs()
    this.host.statsAt(now).writes.push([String(kind), String(key), value ?? null, now])
  }

  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    // Timed from the intended start, like its first request: a step that begins late because the
    // generator was late counts that wait, so it is never shorter than the request inside it.
    const now = this.host.clock.nowMs()
    const scheduled = this.scheduledAt
    const start = scheduled !== undefined && scheduled < now ? scheduled : now
    let failed = true
    try {
      const result = await work()
      failed = false
      return result
    } finally {
      const end = this.host.clock.nowMs()
      if (!this.interrupted) this.host.statsAt(end).streams[this.streamIndex]!.step(name, end - start, failed)
    }
  }

  think(time: ThinkTime): Promise<void> {
    const ms = toThinkDistribution(time).sample(this.random)
    return this.sleepUntil(this.host.clock.nowMs() + ms)
  }

  waitForRelease(): Promise<void> {
    return this.sleepUntil(this.releaseAtMs)
  }

  /** Ends a wait at once (the run is stopping). */
  interrupt(): void {
    this.interrupted = true
    if (this.wake) {
      this.host.timers.clearTimeout(this.timer)
      const wake = this.wake
      this.wake = undefined
      this.waiting = false
      wake(new Interrupted())
    }
  }

  private sleepUntil(atMs: number): Promise<void> {
    if (this.interrupted) return Promise.reject(new Interrupted())
    this.scheduledAt = atMs
    const delay = atMs - this.host.clock.nowMs()
    if (delay <= 0) return Promise.resolve()
    this.waiting = true
    return new Promise((resolve, reject) => {
      this.wake = reject
      this.timer = this.host.timers.setTimeout(() => {
        this.wake = undefined
        this.waiting = false
        resolve()
      }, delay)
    })
  }

  /**
   * The request's headers as a flat [name, value, …] array. Without per-request headers or a
   * JSON body, the learner's own array is reused: built once, rebuilt only when its token or
   * cookies change.
   */
  private headersFor(options: RequestOptions | undefined, hasJson: boolean): string[] {
    if (options?.headers === undefined && !hasJson) return (this.ownHeaders ??= this.buildHeaders(undefined, false))
    return this.buildHeaders(options?.headers, hasJson)
  }

  private buildHeaders(given: Record<string, string> | undefined, hasJson: boolean): string[] {
    const out: string[] = []
    let auth = false
    let cookie = false
    let type = false
    if (given) {
      for (const key in given) {
        const value = given[key]
        if (value === undefined) continue
        const lower = key.toLowerCase()
        if (lower === 'authorization') auth = true
        else if (lower === 'cookie') cookie = true
        else if (lower === 'content-type') type = true
        out.push(key, value)
      }
    }
    if (this.token !== undefined && !auth) out.push('authorization', `Bearer ${this.token}`)
    if (this.cookies && this.cookies.size > 0 && !cookie) out.push('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    if (hasJson && !type) out.push('content-type', 'application/json')
    return out
  }

  private keepCookies(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const pair = line.split(';', 1)[0]!
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      this.cookies ??= new Map()
      if (value === '' || /;\s*max-age=0/i.test(line)) {
        if (this.cookies.delete(name)) this.ownHeaders = undefined
      } else if (this.cookies.get(name) !== value) {
        this.cookies.set(name, value)
        this.ownHeaders = undefined
      }
    }
  }

  async request(method: string, route: string, options?: RequestOptions): Promise<Response> {
    if (this.interrupted) throw new Interrupted()
    const host = this.host
    // 47 is '/': anything else may be an absolute URL of the target (a link a response handed out).
    if (route.charCodeAt(0) !== 47) route = routeOnTarget(route, host.origin)
    const callAt = host.clock.nowMs()
    const scheduled = this.scheduledAt
    const intendedAt = scheduled !== undefined && scheduled < callAt ? scheduled : callAt
    this.scheduledAt = undefined
    const name = options?.name ?? endpointName(method, route)
    const path = expandRoute(route, options?.params, options?.query)
    const hasJson = options?.json !== undefined
    const body = hasJson ? JSON.stringify(options!.json) : options?.body
    const request: OutgoingRequest = { path, method, headers: this.headersFor(options, hasJson), body }
    if (options?.timeout !== undefined) request.timeoutMs = parseDurationMs(options.timeout, `${name}: timeout`)
    const bytesOut = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    let status = 0
    let res: ResponseParts | undefined
    let raw: Buffer | undefined
    let bytes = 0
    let error: TransportError | undefined
    try {
      res = await host.http.send(host.origin, request, !options?.discardBody)
      status = res.status
      raw = res.body
      bytes = res.bytes
    } catch (e) {
      error = classifyTransportError(e)
      // A request cut off because the run is stopping (its pool destroyed) ends the journey; it is not an error.
      if (error === 'aborted' || this.interrupted) throw new Interrupted()
    }
    const end = host.clock.nowMs()
    const latencyMs = end - intendedAt
    const ok = status !== 0 && isExpectedStatus(status, options?.expect)
    const e = host.statsAt(end).streams[this.streamIndex]!.endpoint(name)
    recordOutcome(e, status, ok, error, latencyMs, bytes, bytesOut)
    if (status !== 0) {
      const timing = res!.serverTiming
      if (timing !== undefined) recordServerTiming(e, timing)
      if (res!.setCookie !== undefined) this.keepCookies(res!.setCookie)
    }
    host.releaseDue(end)
    return new HttpResponse(status, ok, error, res, raw, bytes, latencyMs)
  }
}

function recordServerTiming(e: EndpointStats, header: string): void {
  parseServerTiming(
    header,
    (component, ms) => e.recordTiming(component, ms),
    (component, description) => {
      const key = `${component}=${description}`
      e.timingDesc[key] = (e.timingDesc[key] ?? 0) + 1
    },
  )
}
