// Ground truth for the analyzer: each reference-backend bottleneck profile switches on one known
// cause; under the profile-check scenario the top finding must name it, and healthy must yield no
// critical finding. small-pool runs on PostgreSQL (one pooled connection over a network round trip); on
// SQLite one connection thread is rarely the bottleneck at this load.
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

describe('the analyzer names each injected cause first', () => {
  it.each(Object.entries(EXPECTED_FINDINGS))('%s', async (profile, expected) => {
    const db = await seededDatabase(ENGINE[profile] ?? 'sqlite', SEED_DEFAULTS, { dir: DATA_ROOT })
    dbs.push(db)
    const backend = await spawnBackend(db, ['--profile', profile, ...(expected?.args ?? [])])
    let outcome: Awaited<ReturnType<typeof runScenario>>
    try {
      outcome = await runScenario({
        scenarioFile: 'scenarios/profile-check.ts', target: backend.url, workers: 1,
        out: path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-gt-')), profile),
        scrape: [`${backend.url}/metrics`], pids: [backend.child.pid!],
      }, { signal: new AbortController().signal })
    } finally {
      await backend.stop()
    }
    const findings = outcome.analysis.findings
    const summary = findings.map((f) => `${f.id} (${f.severity}, ${f.impact})`).join(', ') || 'none'
    if (expected === null) {
      expect(findings.filter((f) => f.severity === 'critical'), summary).toEqual([])
    } else {
      expect(findings[0]?.id, summary).toBe(expected.id)
      expect(findings[0]!.evidence.metric).not.toBe('')
      expect(findings[0]!.recommendation.length).toBeGreaterThan(40)
    }
  })
})
