import type { Finding, RuleResult } from '../analysis.ts'
import { bandwidthBound } from './bandwidth-bound.ts'
import { cacheIneffective } from './cache-ineffective.ts'
import { cacheStampede } from './cache-stampede.ts'
import { concurrencyLimit } from './concurrency-limit.ts'
import { connectionFailures } from './connection-failures.ts'
import { cpuSaturation } from './cpu-saturation.ts'
import { errorBurst } from './error-burst.ts'
import { eventLoopBlocking } from './event-loop-blocking.ts'
import { gcPressure } from './gc-pressure.ts'
import { lockContention } from './lock-contention.ts'
import { memoryGrowth } from './memory-growth.ts'
import { nPlusOne } from './n-plus-one.ts'
import { noisyMachine } from './noisy-machine.ts'
import { poolSaturation } from './pool-saturation.ts'
import { rank } from './rank.ts'
import type { FindingRule } from './rule.ts'
import type { Signals } from './signals.ts'
import { slowQuery } from './slow-query.ts'
import { slowUpstream } from './slow-upstream.ts'
import { closedModelBias, droppedArrivals, generatorSaturated } from './trust.ts'

export const RULES: readonly FindingRule[] = [
  cpuSaturation, eventLoopBlocking, slowQuery, nPlusOne, poolSaturation, lockContention, cacheIneffective, cacheStampede,
  slowUpstream, concurrencyLimit, memoryGrowth, gcPressure, errorBurst, connectionFailures, bandwidthBound,
  generatorSaturated, noisyMachine, droppedArrivals, closedModelBias,
]

/** Every rule over the signals: the findings ranked (most responsible first) and each rule's result. */
export function findBottlenecks(signals: Signals, rules: readonly FindingRule[] = RULES): { findings: Finding[]; rules: RuleResult[] } {
  const found: Finding[] = []
  const results: RuleResult[] = []
  for (const rule of rules) {
    const category = rule.kind === 'trust' ? 'trust' : 'bottleneck'
    const missing = rule.missing?.(signals)
    if (missing) {
      results.push({ id: rule.id, category, status: 'not-evaluated', ...missing })
      continue
    }
    const finding = rule.detect(signals)
    if (finding) found.push({ ...finding, category })
    results.push({ id: rule.id, category, status: finding ? 'found' : 'clear' })
  }
  return { findings: rank(found, signals), rules: results }
}

export type { FindingRule, Signals }
