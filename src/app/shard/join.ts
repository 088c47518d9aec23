// A shard joining its run: the checks that make N processes one run (same target, one setup, a
// plan digest), this machine's clock against the reference, and the agreed start (--start-at or
// the barrier). What it learns goes into run.json `shard`, for `lmsload merge`.
import { UserError } from '../../core/errors.ts'
import type { EngineConfig } from '../../engine/config.ts'
import type { HttpClient } from '../../engine/http/client.ts'
import { runId, type ShardOfRun } from '../../record/layout/run-json.ts'
import type { Scenario } from '../../scenario/types.ts'
import type { Shard } from '../../engine/schedule/streams.ts'
import type { RunTarget } from '../run/target.ts'
import { awaitBarrier } from './barrier.ts'
import { describeClock, MAX_SKEW_MS, measureClock, provenSkewMs } from './clock.ts'
import { planDigest, setupDigest } from './plan.ts'
import type { SetupFile } from './setup-file.ts'

/** What of a run request a shard joins by (app/run.ts RunRequest has these fields). */
export interface JoinRequest {
  scenarioFile: string
  shard?: Shard
  startAtMs?: number
  barrier?: { dir: string; delayMs: number; timeoutMs: number }
  clockUrl?: string
  allowSkew?: boolean
}

const fail = (why: string): never => {
  throw new UserError('LMSLOAD_SHARD', why)
}

/** Sets `config.startAtMs` to the run's agreed start and returns what run.json records of the shard. */
export async function joinShards(req: JoinRequest, scenario: Scenario, config: EngineConfig, target: RunTarget, setup: SetupFile | undefined, client: HttpClient, signal: AbortSignal, notice: (line: string) => void): Promise<ShardOfRun> {
  const shard = req.shard!
  const label = `shard ${shard.index + 1} of ${shard.count}`
  if (shard.count > 1 && target.bundled) fail(`--shard ${shard.index + 1}/${shard.count}: every shard must load the same target; give --target (a bundled backend would be one per shard)`)
  if (shard.count > 1 && scenario.setup && !setup) {
    fail(`--shard ${shard.index + 1}/${shard.count}: ${scenario.name} has a setup(), which must run once for all shards: write its result with lmsload setup ${req.scenarioFile} --target ${target.url.origin} --out setup.json, and give every shard --setup-from setup.json`)
  }
  const setupHash = setupDigest(setup?.data)
  const digest = planDigest(scenario, config, setupHash)
  const clock = await measureClock(client, target.url, req.clockUrl)
  const off = provenSkewMs(clock)
  if (off > MAX_SKEW_MS) {
    const line = `this machine's clock is ${describeClock(clock)}: more than ${MAX_SKEW_MS / 1000} s off`
    if (!req.allowSkew) fail(`${label}: ${line}; synchronise it (NTP) or pass --allow-skew`)
    notice(`warning: ${line} (--allow-skew)`)
  }
  let startAtMs = req.startAtMs
  if (startAtMs === undefined) {
    const { dir, delayMs, timeoutMs } = req.barrier!
    notice(`${label}: waiting at the barrier ${dir} for the others (plan ${digest})`)
    startAtMs = (await awaitBarrier(dir, shard, digest, { delayMs, timeoutMs, signal })).startAtMs
  } else if (startAtMs <= Date.now()) {
    fail(`--start-at ${new Date(startAtMs).toISOString()} was ${((Date.now() - startAtMs) / 1000).toFixed(1)} s ago; give every shard a later one`)
  }
  config.startAtMs = startAtMs
  notice(`${label}: plan ${digest}, starting at ${new Date(startAtMs).toISOString()} (in ${((startAtMs - Date.now()) / 1000).toFixed(1)} s); clock ${describeClock(clock)}`)
  // The common id, from the agreed start in UTC: the same on every shard whatever its time zone.
  const at = new Date(startAtMs)
  const utc = new Date(at.getTime() + at.getTimezoneOffset() * 60_000)
  return {
    index: shard.index + 1, count: shard.count, runId: runId(scenario.name, utc), startAtMs, planDigest: digest, setupDigest: setupHash, clock,
  }
}
