import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, seededDatabase, spawnBackend, startBackend, type TestBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'
import { families, parseProm, sum } from '../helpers/prom.ts'

const EXPECTED_FAMILIES = [
  // Node defaults: CPU, memory, heap, event loop, GC
  'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds',
  'nodejs_gc_duration_seconds',
  // The LMS's own
  'lms_http_request_duration_seconds', 'lms_db_query_duration_seconds', 'lms_db_queries_total', 'lms_db_queries_per_request',
  'lms_db_time_per_request_seconds', 'lms_db_pool_size', 'lms_db_pool_in_use', 'lms_db_pool_waiting', 'lms_db_pool_wait_seconds',
  'lms_db_lock_wait_seconds', 'lms_cache_hits_total', 'lms_cache_misses_total', 'lms_cache_rebuild_seconds',
  'lms_upstream_duration_seconds', 'lms_upstream_in_flight', 'lms_upstream_queued', 'lms_auth_hash_duration_seconds',
  'lms_auth_logins_total', 'lms_event_loop_utilization',
]

describe.each(ENGINES)('/metrics on %s', (engine) => {
  let db: TestDatabase
  let backend: TestBackend

  beforeAll(async () => {
    db = await seededDatabase(engine)
    backend = await startBackend(db)
  })
  afterAll(async () => {
    await backend?.close()
    await db?.drop()
  })

  it('exposes every documented family in Prometheus text format', async () => {
    const text = await backend.api.metrics()
    const present = families(text)
    for (const family of EXPECTED_FAMILIES) expect(present, family).toContain(family)
  })

  it('moves request, query, cache and upstream series as traffic flows', async () => {
    const before = parseProm(await backend.api.metrics())
    const token = await backend.api.login('learner1', PASSWORDS.learner)
    const dash = await backend.api.get('/api/me/dashboard', token)
    const courseId = dash.body.courses[0].id
    for (let i = 0; i < 5; i++) await backend.api.get(`/api/courses/${courseId}`, token)
    const course = await backend.api.get(`/api/courses/${courseId}`, token)
    await backend.api.call('POST', `/api/quizzes/${course.body.quizzes[0].id}/attempts`, { token })
    const after = parseProm(await backend.api.metrics())
    const delta = (name: string, labels: Record<string, string> = {}) => sum(after, name, labels) - sum(before, name, labels)
    expect(delta('lms_http_request_duration_seconds_count', { route: '/api/courses/:id', status: '200' })).toBe(6)
    expect(delta('lms_auth_logins_total', { result: 'ok' })).toBe(1)
    expect(delta('lms_cache_hits_total', { cache: 'course' })).toBeGreaterThanOrEqual(5)
    expect(delta('lms_cache_misses_total', { cache: 'course' })).toBeGreaterThanOrEqual(1)
    expect(delta('lms_upstream_duration_seconds_count', { service: 'proctoring' })).toBe(1)
    // Queries per request are visible: the dashboard issues 2 (session + aggregate).
    expect(delta('lms_db_queries_per_request_count', { route: '/api/me/dashboard' })).toBe(1)
    expect(delta('lms_db_queries_per_request_sum', { route: '/api/me/dashboard' })).toBe(2)
    expect(delta('lms_db_queries_total', { route: '/api/quizzes/:id/attempts' })).toBeGreaterThanOrEqual(5)
    expect(sum(after, 'lms_db_pool_size')).toBe(backend.config.poolSize)
  })
})

describe('cluster mode', () => {
  let db: TestDatabase

  beforeAll(async () => {
    db = await seededDatabase('sqlite')
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('spreads requests over the workers and aggregates their metrics on one port', async () => {
    const backend = await spawnBackend(db, ['--workers', '2'])
    try {
      const pids = new Set<number>()
      for (let i = 0; i < 30; i++) pids.add((await backend.api.get('/healthz')).body.pid)
      expect(pids.size).toBe(2)
      // Whichever worker answers the scrape, the counts are the sum over both workers.
      for (let i = 0; i < 3; i++) {
        const samples = parseProm(await backend.api.metrics())
        expect(sum(samples, 'lms_http_request_duration_seconds_count', { route: '/healthz' })).toBe(30)
        expect(sum(samples, 'lms_db_pool_size')).toBe(2 * 8)
      }
    } finally {
      expect(await backend.stop()).toBe(0)
    }
  })
})
