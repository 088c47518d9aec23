// Ground truth for the analyzer, shared by tests/analyze/ground-truth.test.ts and
// `npm run bench:ground-truth`: every reference-backend bottleneck profile switches on one known
// cause, and under scenarios/profile-check.ts the analyzer must name it first.
//
// The load means the same on every machine: it is a share of the healthy backend's *measured*
// capacity here and now (the largest --scale of profile-check that keeps the SLO below, found by
// lmsload's own capacity search), not a fixed scale. A slow or busy machine gets a smaller scale, a
// fast one a larger; each profile then runs at the same distance from the healthy backend's limit.
import { mkdtempSync, readFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { Worker } from 'node:worker_threads'
import path from 'node:path'
import pg from 'pg'
import { capacitySearch } from '../../src/app/capacity.ts'
import { runScenario } from '../../src/app/run.ts'
import type { Finding } from '../../src/analyze/analysis.ts'
import { EXPECTED_FINDINGS } from '../../scenarios/profile-check.ts'

export type GroundTruthEngine = 'sqlite' | 'postgres'

/** A started reference backend: its URL, the pid to sample and (PostgreSQL) its database's URL. */
export interface StartedBackend {
  url: string
  pid: number
  databaseUrl?: string
  stop(): Promise<unknown>
}

/**
 * The processes of the system under test: the backend and, on PostgreSQL, the server (its
 * postmaster, whose children are the connections): sampled as the target, so their CPU is not
 * counted as a neighbour's by the noisy-machine finding.
 */
async function targetPids(backend: StartedBackend): Promise<number[]> {
  if (!backend.databaseUrl) return [backend.pid]
  const client = new pg.Client({ connectionString: backend.databaseUrl })
  await client.connect()
  try {
    const dir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory
    return [backend.pid, Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0])]
  } finally {
    await client.end()
  }
}

/** Starts a fresh, seeded reference backend on `engine` with extra `start` arguments. */
export type StartBackend = (engine: GroundTruthEngine, args: string[]) => Promise<StartedBackend>

const SCENARIO = 'scenarios/profile-check.ts'

/**
 * The healthy backend's limit: p95 under 100 ms (ten times its unloaded p95 of about 10 ms, so
 * beyond it queueing rather than work makes the latency) with at most 1 % errors.
 */
export const CAPACITY_SLO = 'p95<100ms'
export const CAPACITY_ERROR_BUDGET = 0.01

/**
 * Profiles run at 30 % of the measured capacity. Measured (`npm run bench:ground-truth`, three
 * loads, docs/benchmarks.md section 11): at 30 % all 13 cases are right; from 60 % the exam start's
 * burst of writes queues on SQLite's single writer in profiles that add work beside it (N+1
 * pages, a growing heap, stampeding rebuilds), and healthy itself shows lock contention, so lock
 * contention is the truth of those runs, not the weather. At utilisation ρ an M/M/1 queue waits
 * ρ/(1−ρ) service times: at 0.3 the healthy backend's queues stay under half its work, while the
 * injected causes (several times costlier requests) still run their profile at or past its limit.
 */
export const LOAD_SHARE = 0.3

/**
 * small-pool runs at 60 %: its mechanism is the queue for one connection, and at 30 % of a fast
 * hour's capacity that queue holds under a millisecond — a clean-clone CI of 2026-12-05 saw 0.4–0.9 ms
 * of pool wait per request against pool-saturation's 1 ms floor and named nothing, and
 * `bench:ground-truth -- --engines postgres --only small-pool --capacity postgres=2.38 --shares 0.3,0.6
 * --repeat 2` gave impacts 0.05 and 0.20 (warnings) at 30 %, 0.77 and 0.39 (critical) at 60 %. It
 * runs on PostgreSQL, which has no single writer to queue on, so the reason for 30 % does not apply.
 */
export const SHARE_OF: Readonly<Record<string, number>> = { 'small-pool': 0.6 }

/** Where each mechanism lives: small-pool needs a real pool (PostgreSQL); no-index and write-lock run on both. */
export const CASES: ReadonlyArray<{ profile: string; engine: GroundTruthEngine }> = Object.keys(EXPECTED_FINDINGS).flatMap((profile) => {
  if (profile === 'small-pool') return [{ profile, engine: 'postgres' as const }]
  if (profile === 'no-index' || profile === 'write-lock') return [{ profile, engine: 'sqlite' as const }, { profile, engine: 'postgres' as const }]
  return [{ profile, engine: 'sqlite' as const }]
})

export interface Capacity {
  /** The largest scale of profile-check that kept the SLO. */
  scale: number
  /** One line per trial, for a failure message or the bench's output. */
  trials: string[]
  /** The cores a load got just before the search (obtainableCores()). */
  cores: number
}

// One thread of the probe below: spins for the given milliseconds, then reports the CPU time it got.
const SPINNER = `const { parentPort, workerData } = require('node:worker_threads')
const start = process.threadCpuUsage()
const end = Date.now() + workerData
let n = 0
while (Date.now() < end) n++
const used = process.threadCpuUsage(start)
parentPort.postMessage((used.user + used.system) / 1000)`

/**
 * The cores a load that wants every core gets on this machine now: one spinning thread per core
 * for two seconds, their CPU time over the wall time. On a quiet machine that is about every core;
 * beside a neighbour it is what the scheduler leaves us (a neighbour spinning one of two cores
 * leaves 1.3, spinning both leaves 1.0) — unlike the idle share of /proc/stat, which falls to
 * zero beside a neighbour that would take every idle cycle but yields half the machine under
 * contention, and which counts a container's whole host. Measured before the capacity search and
 * before each profile, it scales the profile's load to the machine the profile meets.
 */
export async function obtainableCores(): Promise<number> {
  const ms = 2000
  const threads = availableParallelism()
  const began = performance.now()
  const used = await Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
    const w = new Worker(SPINNER, { eval: true, workerData: ms })
    w.once('message', (cpuMs: number) => resolve(cpuMs))
    w.once('error', reject)
  })))
  return used.reduce((a, b) => a + b, 0) / (performance.now() - began)
}

/**
 * The scale to run a profile at: `share` of the measured capacity, lowered in proportion to the
 * cores a neighbour has taken since the search. A neighbour that starts after the search (another
 * job on a shared CI host) takes cores the search had, and a share of the old capacity is then a
 * share of a smaller one: stop 30's CI ran cache-stampede at 0.3 of the searched capacity beside
 * a neighbour through 99 % of its requests, and SQLite's writer queued as it does at 90 %. Never
 * raised: a machine that got quieter only runs the profile further from the limit, which every
 * profile's cause survives (docs/benchmarks.md section 11 has the scales tried).
 */
export async function profileScale(capacity: Capacity, share = LOAD_SHARE): Promise<{ scale: number; note: string }> {
  const cores = await obtainableCores()
  const ratio = Math.min(1, cores / capacity.cores)
  const scale = share * capacity.scale * ratio
  return { scale, note: `a load got ${cores.toFixed(2)} cores, ${capacity.cores.toFixed(2)} at the search: ${(100 * share).toFixed(0)} % of capacity ${capacity.scale.toFixed(2)} × ${ratio.toFixed(2)} = scale ${scale.toFixed(2)}` }
}

/**
 * lmsload's capacity search on the healthy backend (start at 2×, within 25 %). A trial stops 3 s
 * after its last arrival instead of the scenario's 10 s: the exam start the SLO judges lies within
 * the arrivals, and an overloaded trial would only drain its queue for longer.
 */
export async function healthyCapacity(start: StartBackend, engine: GroundTruthEngine): Promise<Capacity> {
  const cores = await obtainableCores()
  const backend = await start(engine, [])
  try {
    const outcome = await capacitySearch({
      scenarioFile: SCENARIO, target: backend.url, workers: 1, scrape: [`${backend.url}/metrics`], pids: await targetPids(backend),
      slo: CAPACITY_SLO, errorBudget: CAPACITY_ERROR_BUDGET, start: 2, precision: 1.25, maxTrials: 7, plan: {}, gracefulStopMs: 3000,
      out: mkdtempSync(path.join(tmpdir(), `lmsload-gt-capacity-${engine}-`)),
    }, { signal: new AbortController().signal })
    const trials = outcome.result.trials.map((t) => `scale ${t.scale.toFixed(2)}: p95 ${t.evidence.p95Ms?.toFixed(0) ?? '-'} ms, errors ${(100 * t.evidence.errorRate).toFixed(1)} % ${t.passed ? 'kept' : 'broke'} the SLO`)
    if (outcome.result.bestScale === null) throw new Error(`the healthy backend on ${engine} breaks ${CAPACITY_SLO} at every scale tried: ${trials.join('; ')}`)
    return { scale: outcome.result.bestScale, trials, cores }
  } finally {
    await backend.stop()
  }
}

export interface ProfileOutcome {
  findings: Finding[]
  /** The first finding that names a cause (trust findings say how far to believe the numbers, not what the server does). */
  topCause: Finding | undefined
  summary: string
  /** Seconds writers waited for SQLite's write lock (or a row lock), from the backend's own counter. */
  lockWaitSec: number
  meanMs: number
  /** Each Server-Timing component's share of all request time. */
  shares: Record<string, number>
}

/** One profile under profile-check at `scale`, analysed. */
export async function runProfile(start: StartBackend, profile: string, engine: GroundTruthEngine, scale: number): Promise<ProfileOutcome> {
  const expected = EXPECTED_FINDINGS[profile]
  const knob = expected?.perScale ? [expected.perScale.flag, String(Math.ceil(expected.perScale.atScale1 / scale))] : []
  const backend = await start(engine, ['--profile', profile, ...(expected?.args ?? []), ...knob])
  try {
    const outcome = await runScenario({
      scenarioFile: SCENARIO, target: backend.url, workers: 1, shape: { scale },
      out: path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-gt-')), `${profile}-${engine}`),
      scrape: [`${backend.url}/metrics`], pids: await targetPids(backend),
    }, { signal: new AbortController().signal })
    const metrics = await (await fetch(`${backend.url}/metrics`)).text()
    const lockWaitSec = metrics.split('\n').filter((l) => l.startsWith('lms_db_lock_wait_seconds_sum')).reduce((s, l) => s + Number(l.split(' ').pop()), 0)
    const a = outcome.analysis
    const total = a.endpoints.reduce((t, e) => t + (e.latencyMs?.mean ?? 0) * e.count, 0)
    const shares = Object.fromEntries(['db', 'lock', 'pool', 'upstream', 'app'].map((c) => [c, a.endpoints.reduce((t, e) => t + (e.serverTiming[c]?.meanMs ?? 0) * e.count, 0) / Math.max(1, total)]))
    const findings = a.findings
    return {
      findings, topCause: findings.find((f) => f.category === 'bottleneck'), lockWaitSec, meanMs: a.overall.latencyMs?.mean ?? 0, shares,
      summary: `${profile} on ${engine} at scale ${scale.toFixed(2)}: ${findings.map((f) => `${f.id} (${f.severity}, ${f.impact})`).join(', ') || 'none'}`,
    }
  } finally {
    await backend.stop()
  }
}

/** Whether the outcome is the profile's truth: its cause first, or (healthy) nothing critical. */
export function isRight(profile: string, outcome: ProfileOutcome): boolean {
  const expected = EXPECTED_FINDINGS[profile]
  if (expected === undefined) throw new Error(`no expected finding for profile ${profile}`)
  if (expected === null) return !outcome.findings.some((f) => f.severity === 'critical' && f.category === 'bottleneck')
  return outcome.topCause?.id === expected.id
}
