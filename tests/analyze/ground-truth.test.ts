// Ground truth for the analyzer: each reference-backend bottleneck profile switches on one known
// cause; under the profile-check scenario the top finding must name it, and healthy must yield no
// critical finding. small-pool runs on PostgreSQL (one pooled connection over a network round trip); on
// SQLite one connection thread is rarely the bottleneck at this load.
//
// Calibrated to the machine: healthy runs first, at full scale and then lighter until it shows no
// critical finding; every profile then runs at that scale. A shared CI machine can be several
// times slower than a quiet one, and at a load that saturates the healthy backend (SQLite's single
// writer queues) lock contention is the truth, which would mask the injected causes. The suite
// fails when healthy is not clean even at the lightest scale.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { SEED_DEFAULTS } from '../../reference-backend/src/seed/generate.ts'
import { EXPECTED_FINDINGS } from '../../scenarios/profile-check.ts'
import { seededDatabase, spawnBackend, type Engine, type TestDatabase } from '../helpers/backend.ts'

const ENGINE: Record<string, Engine> = { 'small-pool': 'postgres' }
// SQLite on tmpfs: a WAL checkpoint's fsync on a busy shared disk holds the write lock for tens of
// ms, which the analyzer rightly reports as lock contention — a cause the profile did not inject.
const DATA_ROOT = existsSync('/dev/shm') ? '/dev/shm' : undefined
const dbs: TestDatabase[] = []
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

const SCALES = [1, 0.6, 0.35]

// CI runs the profiles whose cause has a signature of its own; three more run in
// `npm run bench:ground-truth` (CI wall time, docs/benchmarks.md): cpu-login (the same finding as
// event-loop-block, another mechanism), no-cache and cache-stampede (read floods whose SQLite
// write-mutex waits rank close to their own signature on a busy machine — see rank.ts EXPLAINS).
const BENCH_ONLY = new Set(['cpu-login', 'no-cache', 'cache-stampede'])
let scale: number | undefined

async function findingsOf(profile: string, args: string[], runScale: number) {
  const db = await seededDatabase(ENGINE[profile] ?? 'sqlite', SEED_DEFAULTS, { dir: DATA_ROOT })
  dbs.push(db)
  const expected = EXPECTED_FINDINGS[profile]
  const knob = expected?.perScale ? [expected.perScale.flag, String(Math.ceil(expected.perScale.atScale1 / runScale))] : []
  const backend = await spawnBackend(db, ['--profile', profile, ...args, ...knob])
  try {
    const outcome = await runScenario({
      scenarioFile: 'scenarios/profile-check.ts', target: backend.url, workers: 1, shape: { scale: runScale },
      out: path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-gt-')), profile),
      scrape: [`${backend.url}/metrics`], pids: [backend.child.pid!],
    }, { signal: new AbortController().signal })
    const findings = outcome.analysis.findings
    return { findings, summary: `at scale ${runScale}: ${findings.map((f) => `${f.id} (${f.severity}, ${f.impact})`).join(', ') || 'none'}` }
  } finally {
    await backend.stop()
  }
}

describe('the analyzer names each injected cause first', () => {
  it('healthy (and the scale this machine carries cleanly)', async () => {
    const tried: string[] = []
    for (const s of SCALES) {
      const { findings, summary } = await findingsOf('healthy', [], s)
      tried.push(summary)
      if (!findings.some((f) => f.severity === 'critical' && f.category === 'bottleneck')) {
        scale = s
        console.info(`ground truth at scale ${s} of profile-check (${tried.join('; ')})`)
        break
      }
    }
    expect(scale, `healthy shows a critical finding at every scale: ${tried.join('; ')}`).toBeDefined()
  }, 180_000)

  // One retry per profile: a run is a physical measurement on a shared machine, and in clean-clone
  // runs here a different profile lost its first place to a neighbour's noise in one run of three
  // (cache-stampede, small-pool). A cause the analyzer gets wrong twice in a row still fails.
  it.each(Object.entries(EXPECTED_FINDINGS).filter(([p, e]) => e !== null && !BENCH_ONLY.has(p)))('%s', { retry: 1 }, async (profile, expected) => {
    if (scale === undefined) expect.fail('no scale at which healthy is clean (see the healthy case)')
    // The calibration answers SQLite's single writer queueing on a slow machine; PostgreSQL has no
    // single writer, and small-pool needs the full load to fill its one connection (at 0.6 the
    // PostgreSQL round trips of slow-query outranked it): PostgreSQL profiles run at scale 1.
    const runScale = (ENGINE[profile] ?? 'sqlite') === 'postgres' ? 1 : scale!
    const { findings, summary } = await findingsOf(profile, expected!.args ?? [], runScale)
    // The first cause: trust findings (noisy-machine, generator-saturated) say how far to believe the numbers.
    const top = findings.find((f) => f.category === 'bottleneck')
    expect(top?.id, summary).toBe(expected!.id)
    expect(top!.evidence.metric).not.toBe('')
    expect(top!.recommendation.length).toBeGreaterThan(40)
  })
})
