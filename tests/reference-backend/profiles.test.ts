// Ground truth for the analyzer: each bottleneck profile must move the metric it documents,
// measured against `healthy` on the same data, with the same workload, in a real backend process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEED_DEFAULTS } from '../../reference-backend/src/seed/generate.ts'
import type { ProfileName } from '../../reference-backend/src/profiles.ts'
import { ENGINES, seededDatabase, spawnBackend, type Engine, type SpawnedBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS, type ApiClient } from '../helpers/api.ts'
import { histogramMean, parseProm, sum, type Sample } from '../helpers/prom.ts'

interface Learner {
  token: string
  quizId: number
}

/** `size` learners enrolled in one popular course, with its final exam: they contend on one quiz. */
async function cohort(api: ApiClient, size: number): Promise<{ courseId: number; learners: Learner[] }> {
  const first = await api.login('learner1', PASSWORDS.learner)
  const mine = (await api.get('/api/me/dashboard', first)).body.courses as Array<{ id: number }>
  const details = await Promise.all(mine.map((c) => api.get(`/api/courses/${c.id}`, first)))
  const course = details.map((d) => d.body).sort((a, b) => b.enrolmentCount - a.enrolmentCount)[0]
  const quizId = course.quizzes.at(-1).id as number
  const learners: Learner[] = [{ token: first, quizId }]
  for (let i = 2; learners.length < size; i++) {
    const token = await api.login(`learner${i}`, PASSWORDS.learner)
    const dash = await api.get('/api/me/dashboard', token)
    if (dash.body.courses.some((c: { id: number }) => c.id === course.id)) learners.push({ token, quizId })
  }
  return { courseId: course.id, learners }
}

async function concurrently(n: number, task: (i: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => task(i)))
}

/** Saves answers and returns each response's Server-Timing database time (ms). */
async function saveAnswers(api: ApiClient, writers: number, perWriter: number): Promise<number[]> {
  const { learners } = await cohort(api, writers)
  const started = await Promise.all(learners.map((l) => api.call('POST', `/api/quizzes/${l.quizId}/attempts`, { token: l.token })))
  const dbMs: number[] = []
  await concurrently(writers, async (i) => {
    const { attempt, questions } = started[i]!.body
    for (const q of questions.slice(0, perWriter)) {
      const r = await api.call('PUT', `/api/attempts/${attempt.id}/answers/${q.id}`, { token: learners[i]!.token, json: { choice: 1 } })
      dbMs.push(Number(/db;dur=([\d.]+)/.exec(r.headers.get('server-timing') ?? '')?.[1]))
    }
  })
  return dbMs
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

// Workloads run inside the measured window; the setup they need (logins, lookups) is cheap and
// the same for the profile and its healthy baseline.
const WORKLOADS = {
  answersOneByOne: (api: ApiClient) => saveAnswers(api, 1, 20),
  answersTogether: (api: ApiClient) => saveAnswers(api, 8, 10),
  async dashboards(api: ApiClient) {
    const { learners } = await cohort(api, 8)
    for (let round = 0; round < 10; round++) await concurrently(8, (i) => api.get('/api/me/dashboard', learners[i]!.token).then(() => {}))
  },
  async logins(api: ApiClient) {
    await concurrently(6, (i) => api.login(`learner${100 + i}`, PASSWORDS.learner).then(() => {}))
  },
  async starts(api: ApiClient) {
    const { learners } = await cohort(api, 20)
    for (let round = 0; round < 3; round++) {
      await concurrently(20, (i) => api.call('POST', `/api/quizzes/${learners[i]!.quizId}/attempts`, { token: learners[i]!.token }).then(() => {}))
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
  },
  async courses(api: ApiClient) {
    const { courseId, learners } = await cohort(api, 1)
    for (let i = 0; i < 40; i++) await api.get(`/api/courses/${courseId}`, learners[0]!.token)
  },
  async requests(api: ApiClient) {
    for (let i = 0; i < 100; i++) await concurrently(20, () => api.get('/healthz').then(() => {}))
  },
}

const ANSWER_ROUTE = { route: '/api/attempts/:id/answers/:questionId' }

interface Check {
  profile: ProfileName
  args?: string[]
  workload: keyof typeof WORKLOADS
  metric: string
  /**
   * Run the workload once before measuring: the mechanism is steady-state, and a cold start has
   * costs of its own (a PostgreSQL pool opens its connections on first use, and that wait is booked
   * as pool wait: about 1 ms a request in a healthy 8-connection pool, a third of what one connection
   * queues, so the cold baseline hid the profile's effect).
   */
  warm?: boolean
  measure(delta: (name: string, labels?: Record<string, string>) => number, after: Sample[], observed: number[]): number
  /** profile value vs healthy value */
  expectation(profile: number, healthy: number): void
}

const CHECKS: Check[] = [
  {
    // Median of Server-Timing's db component: robust to a stray GC pause in either run.
    profile: 'no-index', workload: 'answersOneByOne', metric: 'median DB time per answer request (ms, Server-Timing)',
    measure: (_d, _after, observed) => median(observed),
    // The scan adds milliseconds per request and at least doubles it. On PostgreSQL the baseline
    // is six network round trips (5–8 ms on a busy machine), so a pure ratio is noise-bound there.
    expectation: (p, h) => {
      expect(p).toBeGreaterThanOrEqual(2 * h)
      expect(p - h).toBeGreaterThanOrEqual(3)
    },
  },
  {
    profile: 'small-pool', workload: 'dashboards', metric: 'mean pool wait (s)', warm: true,
    measure: (d) => d('lms_db_pool_wait_seconds_sum') / d('lms_db_pool_wait_seconds_count'),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(3 * h, 0.0005)),
  },
  {
    profile: 'cpu-login', workload: 'logins', metric: 'max event-loop lag (s)',
    measure: (_d, after) => sum(after, 'nodejs_eventloop_lag_max_seconds'),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(3 * h, 0.05)),
  },
  {
    profile: 'event-loop-block', workload: 'starts', metric: 'max event-loop lag (s)',
    measure: (_d, after) => sum(after, 'nodejs_eventloop_lag_max_seconds'),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(3 * h, 0.05)),
  },
  {
    profile: 'n-plus-one', workload: 'dashboards', metric: 'DB queries per dashboard request',
    measure: (d) => d('lms_db_queries_per_request_sum', { route: '/api/me/dashboard' }) / d('lms_db_queries_per_request_count', { route: '/api/me/dashboard' }),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(5 * h),
  },
  {
    profile: 'no-cache', workload: 'courses', metric: 'course cache misses',
    measure: (d) => d('lms_cache_misses_total', { cache: 'course' }),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(10 * h, 40)),
  },
  {
    profile: 'slow-upstream', workload: 'starts', metric: 'mean upstream call (s)',
    measure: (d) => d('lms_upstream_duration_seconds_sum', { service: 'proctoring' }) / d('lms_upstream_duration_seconds_count', { service: 'proctoring' }),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(20 * h, 0.2)),
  },
  {
    profile: 'memory-leak', args: ['--leak-kb', '64'], workload: 'requests', metric: 'resident memory growth (bytes)',
    measure: (d) => d('process_resident_memory_bytes'),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(h + 64 * 1024 * 1024, 100 * 1024 * 1024)),
  },
  {
    profile: 'write-lock', workload: 'answersTogether', metric: 'mean lock wait per answer statement (s)',
    measure: (d) => d('lms_db_lock_wait_seconds_sum', ANSWER_ROUTE) / Math.max(1, d('lms_http_request_duration_seconds_count', ANSWER_ROUTE)),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(Math.max(5 * h, 0.01)),
  },
  {
    profile: 'cache-stampede', args: ['--stampede-interval-ms', '100'], workload: 'starts', metric: 'course cache misses on start-attempt',
    measure: (d) => d('lms_cache_misses_total', { cache: 'course' }),
    expectation: (p, h) => expect(p).toBeGreaterThanOrEqual(5 * Math.max(1, h)),
  },
]

async function measure(backend: SpawnedBackend, check: Check): Promise<number> {
  if (check.warm) await WORKLOADS[check.workload](backend.api)
  const before = parseProm(await backend.api.metrics())
  const observed = (await WORKLOADS[check.workload](backend.api)) ?? []
  const after = parseProm(await backend.api.metrics())
  const delta = (name: string, labels: Record<string, string> = {}) => sum(after, name, labels) - sum(before, name, labels)
  return check.measure(delta, after, observed)
}

// On PostgreSQL, the profiles whose mechanism is the database's own (indexes, a pool of real
// connections, row locks); the others run the same application code on either engine (CI time).
const POSTGRES_PROFILES = new Set<ProfileName>(['no-index', 'small-pool', 'write-lock'])
const checksOn = (engine: Engine) => CHECKS.filter((c) => engine === 'sqlite' || POSTGRES_PROFILES.has(c.profile))

describe.each(ENGINES)('bottleneck profiles on %s', (engine: Engine) => {
  const healthy = new Map<Check, number>()
  const dbs: TestDatabase[] = []

  beforeAll(async () => {
    for (const check of checksOn(engine)) {
      // Each baseline on a fresh copy of the data and a fresh process, as its profile run will be.
      const db = await seededDatabase(engine, SEED_DEFAULTS)
      dbs.push(db)
      const backend = await spawnBackend(db, check.args ?? [])
      try {
        healthy.set(check, await measure(backend, check))
      } finally {
        await backend.stop()
      }
    }
  })
  afterAll(async () => {
    for (const db of dbs) await db.drop()
  })

  it.each(checksOn(engine).map((c) => [c.profile, c.metric, c] as const))('%s moves %s', async (_name, _metric, check) => {
    const db = await seededDatabase(engine, SEED_DEFAULTS)
    dbs.push(db)
    const backend = await spawnBackend(db, ['--profile', check.profile, ...(check.args ?? [])])
    try {
      const value = await measure(backend, check)
      const base = healthy.get(check)!
      console.log(`${engine} ${check.profile}: ${check.metric} = ${value.toPrecision(3)} (healthy ${base.toPrecision(3)})`)
      check.expectation(value, base)
    } finally {
      await backend.stop()
    }
  })
})
