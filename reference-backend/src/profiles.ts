// Bottleneck profiles: each switches on exactly one known cause, so lmsload's analyzer can be
// checked against ground truth. The table is also the documentation (README, `--help`, /healthz).

export const PROFILE_NAMES = [
  'healthy',
  'no-index',
  'small-pool',
  'cpu-login',
  'event-loop-block',
  'n-plus-one',
  'no-cache',
  'slow-upstream',
  'memory-leak',
  'write-lock',
  'cache-stampede',
] as const

export type ProfileName = (typeof PROFILE_NAMES)[number]

export interface ProfileDoc {
  summary: string
  moves: string
  fix: string
}

export const PROFILE_DOCS: Record<ProfileName, ProfileDoc> = {
  healthy: {
    summary: 'All indexes, a right-sized pool, async password hashing, cache with single-flight rebuilds.',
    moves: 'nothing: the baseline',
    fix: 'n/a',
  },
  'no-index': {
    summary: 'Secondary indexes on attempts, answers and progress are dropped at start; those lookups scan.',
    moves: 'lms_db_query_duration_seconds and lms_db_time_per_request_seconds on answer, attempt and progress routes',
    fix: 'create the indexes (start once with --profile healthy recreates them)',
  },
  'small-pool': {
    summary: 'A database pool of one connection (PostgreSQL; on SQLite a single serialised connection thread).',
    moves: 'lms_db_pool_wait_seconds, lms_db_pool_waiting; latency rises while CPU stays low',
    fix: 'size the pool to the database (e.g. --pool-size 16) or add a pooler',
  },
  'cpu-login': {
    summary: 'Login verifies and rehashes passwords with scryptSync at a high cost, on the event loop.',
    moves: 'lms_auth_hash_duration_seconds, event-loop lag and CPU; every route slows during a login storm',
    fix: 'hash asynchronously (libuv thread pool) at a cost the hardware can take',
  },
  'event-loop-block': {
    summary: 'Starting an exam attempt renders questions with synchronous CPU work (--block-ms per request).',
    moves: 'nodejs_eventloop_lag_*, lms_event_loop_utilization; all routes queue behind the hot one',
    fix: 'move the work off the event loop (worker thread) or precompute it',
  },
  'n-plus-one': {
    summary: 'The learner dashboard runs one query per enrolled course and one per lesson.',
    moves: 'lms_db_queries_per_request on GET /api/me/dashboard (tens instead of one)',
    fix: 'one aggregate query joining enrolments, lessons and progress',
  },
  'no-cache': {
    summary: 'Catalog, course-page and question caches switched off; every request rebuilds from the database.',
    moves: 'lms_cache_misses_total, DB queries and time on catalog and course routes',
    fix: 'turn the cache on',
  },
  'slow-upstream': {
    summary: 'The proctoring/plagiarism upstream is slow (--slow-upstream-latency-ms) and concurrency-limited (--slow-upstream-concurrency).',
    moves: 'lms_upstream_duration_seconds, lms_upstream_queued; Server-Timing upstream component',
    fix: 'call the upstream asynchronously (queue) or raise its concurrency; add a timeout and circuit breaker',
  },
  'memory-leak': {
    summary: 'Every request retains --leak-kb of buffer memory in a never-flushed audit log.',
    moves: 'process_resident_memory_bytes and nodejs_external_memory_bytes grow without bound',
    fix: 'bound or flush the buffer',
  },
  'write-lock': {
    summary: 'Exam answers are saved in long transactions that update the quiz row (a hot row) and hold the lock.',
    moves: 'lms_db_lock_wait_seconds, lms_db_pool_wait_seconds on the answer route; throughput flat while CPU is idle',
    fix: 'keep transactions short and move counters out of the hot row',
  },
  'cache-stampede': {
    summary: 'A large course (its page takes --stampede-rebuild-ms of database work to build) whose cache is invalidated every few seconds (--stampede-interval-ms) without coalescing misses: every concurrent reader rebuilds it.',
    moves: 'lms_cache_misses_total, lms_cache_rebuild_seconds, DB queries per request on start-attempt',
    fix: 'single-flight rebuilds (coalesce misses) and invalidate only on real edits',
  },
}

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value)
}
