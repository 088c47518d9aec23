// Ground truth for the analyzer: each reference-backend bottleneck profile switches on one known
// cause; under the profile-check scenario the first cause named must be it, and healthy must show
// no critical bottleneck. The load is 30 % (small-pool 60 %) of the healthy backend's capacity measured on this machine
// for this run, lowered by the cores a neighbour took since (tests/helpers/ground-truth.ts says why),
// on each database; no retries.
import { existsSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { SEED_DEFAULTS } from '../../reference-backend/src/seed/generate.ts'
import { EXPECTED_FINDINGS } from '../../scenarios/profile-check.ts'
import { seededDatabase, spawnBackend, type TestDatabase } from '../helpers/backend.ts'
import { CASES, healthyCapacity, isRight, LOAD_SHARE, profileScale, runProfile, SHARE_OF, type Capacity, type GroundTruthEngine, type StartBackend } from '../helpers/ground-truth.ts'

// SQLite on tmpfs: a WAL checkpoint's fsync on a busy shared disk holds the write lock for tens of
// ms, which the analyzer rightly reports as lock contention — a cause the profile did not inject.
const DATA_ROOT = existsSync('/dev/shm') ? '/dev/shm' : undefined
const dbs: TestDatabase[] = []
afterAll(async () => {
  for (const db of dbs) await db.drop()
})

const start: StartBackend = async (engine, args) => {
  const db = await seededDatabase(engine, SEED_DEFAULTS, { dir: DATA_ROOT })
  dbs.push(db)
  const backend = await spawnBackend(db, args)
  return { url: backend.url, pid: backend.child.pid!, databaseUrl: db.databaseUrl, stop: () => backend.stop() }
}

const capacity = new Map<GroundTruthEngine, Capacity>()

describe('the analyzer names each injected cause first', () => {
  for (const engine of ['sqlite', 'postgres'] as const) {
    it(`the healthy backend's capacity on ${engine}`, async () => {
      const c = await healthyCapacity(start, engine)
      console.info(`ground truth on ${engine}: capacity at scale ${c.scale.toFixed(2)} of profile-check with ${c.cores.toFixed(2)} cores to be had (${c.trials.join('; ')}); profiles run at ${(LOAD_SHARE * c.scale).toFixed(2)} while a load gets as many cores`)
      capacity.set(engine, c)
    }, 300_000)
  }

  it.each(CASES.map((c) => [`${c.profile} on ${c.engine}`, c] as const))('%s', async (_, { profile, engine }) => {
    const c = capacity.get(engine)
    if (c === undefined) expect.fail(`no capacity measured on ${engine} (see its case)`)
    const { scale, note } = await profileScale(c!, SHARE_OF[profile] ?? LOAD_SHARE)
    const outcome = await runProfile(start, profile, engine, scale)
    expect(isRight(profile, outcome), `${outcome.summary} (${note})`).toBe(true)
    if (EXPECTED_FINDINGS[profile] !== null) {
      expect(outcome.topCause!.evidence.metric).not.toBe('')
      expect(outcome.topCause!.recommendation.length).toBeGreaterThan(40)
    }
  }, 120_000)
})
