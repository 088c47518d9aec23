import type { Finding } from '../analysis.ts'
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
  generatorSaturated, droppedArrivals, closedModelBias,
]

/** Every rule over the signals, then ranked: most responsible first. */
export function findBottlenecks(signals: Signals, rules: readonly FindingRule[] = RULES): Finding[] {
  const found: Finding[] = []
  for (const rule of rules) {
    const finding = rule.detect(signals)
    if (finding) found.push({ ...finding, category: rule.kind === 'trust' ? 'trust' : 'bottleneck' })
  }
  return rank(found)
}

export type { FindingRule, Signals }
