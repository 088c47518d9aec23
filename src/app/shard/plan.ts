// What makes the shards of one run one run: the plan digest every shard computes alike and records,
// so that `lmsload merge` (and the barrier) can refuse parts of different plans.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { EngineConfig } from '../../engine/config.ts'
import { runLoad } from '../../engine/schedule/streams.ts'
import type { Scenario } from '../../scenario/types.ts'

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

/** The digest of setup()'s result as `lmsload setup` wrote it (JSON), or of nothing. */
export function setupDigest(data: unknown): string {
  return sha256(data === undefined ? 'no setup' : JSON.stringify(data)).slice(0, 16)
}

/**
 * The digest of a sharded run's plan: the scenario (its name and the bytes of its file), the load's
 * shape, seed and spacing, every stream's arrival instants, the number of shards, the target and
 * the setup result. Two shards with the same digest run disjoint parts of one plan.
 */
export function planDigest(scenario: Scenario, config: EngineConfig, setup: string): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify({
    scenario: scenario.name, source: sha256(readFileSync(config.scenarioFile)), shape: config.shape, seed: config.seed, spacing: config.spacing,
    shards: config.shard?.count ?? 1, target: new URL(config.target).origin, setup,
  }))
  for (const s of runLoad(scenario, config.shape, { seed: config.seed, spacing: config.spacing }).streams) {
    hash.update(`|${s.name}:${s.startAfterMs}:${s.learners}:`)
    if (s.plan) hash.update(new Uint8Array(s.plan.times.buffer, s.plan.times.byteOffset, s.plan.times.byteLength))
  }
  return hash.digest('hex').slice(0, 16)
}
