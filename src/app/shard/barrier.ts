// The common start of a sharded run on a shared volume (a Kubernetes ReadWriteMany claim, an NFS
// mount): each shard announces itself in one file; once all N are there, every shard computes the
// same start, the latest announcement plus a delay. No coordinator, no network between shards.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { hostname } from 'node:os'
import { writeFileAtomic } from '../../core/atomic-write.ts'
import { UserError } from '../../core/errors.ts'
import { displayPath } from '../../core/paths.ts'
import type { Shard } from '../../engine/schedule/streams.ts'

export interface Announcement {
  shard: number
  count: number
  planDigest: string
  host: string
  announcedAtMs: number
}

const POLL_MS = 100
const fileOf = (shard: number, count: number) => `shard-${shard}-of-${count}.json`
const fail = (why: string): never => {
  throw new UserError('LMSLOAD_SHARD', why)
}

/**
 * Announces shard `shard` (0-based) in `dir` and waits for the others. Resolves with the agreed
 * start (epoch ms): the latest announcement plus `delayMs`. Fails in one line when a shard of a
 * different plan or count announced itself, when this shard's file is already there (a retried pod
 * or an old run), or when the others do not all arrive within `timeoutMs` (naming the missing).
 */
export async function awaitBarrier(dir: string, shard: Shard, planDigest: string, options: { delayMs: number; timeoutMs: number; signal?: AbortSignal }): Promise<{ startAtMs: number; shards: Announcement[] }> {
  const where = displayPath(dir)
  mkdirSync(dir, { recursive: true })
  const mine = path.join(dir, fileOf(shard.index + 1, shard.count))
  if (existsSync(mine)) fail(`barrier ${where}: shard ${shard.index + 1} of ${shard.count} has announced itself already (a retried pod, or an old run: give each run a barrier directory of its own)`)
  const me: Announcement = { shard: shard.index + 1, count: shard.count, planDigest, host: hostname(), announcedAtMs: Date.now() }
  writeFileAtomic(mine, `${JSON.stringify(me)}\n`)
  const deadline = me.announcedAtMs + options.timeoutMs
  for (;;) {
    if (options.signal?.aborted) fail(`barrier ${where}: interrupted while waiting for the other shards`)
    const seen = new Map<number, Announcement>()
    for (const name of readdirSync(dir)) {
      const m = /^shard-(\d+)-of-(\d+)\.json$/.exec(name)
      if (!m) continue
      let a: Announcement
      try {
        a = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Announcement
      } catch {
        continue // being written: renamed into place whole, so this is a foreign file; seen again next poll
      }
      if (Number(m[2]) !== shard.count) fail(`barrier ${where}: ${name} is a shard of a ${m[2]}-shard run; this one has ${shard.count}`)
      if (a.planDigest !== planDigest) fail(`barrier ${where}: shard ${a.shard} (${a.host}) runs plan ${a.planDigest}, this shard ${planDigest}: same scenario file, seed, shape, target and setup file on every shard`)
      seen.set(a.shard, a)
    }
    if (seen.size === shard.count) {
      const shards = [...seen.values()].sort((a, b) => a.shard - b.shard)
      const startAtMs = Math.max(...shards.map((a) => a.announcedAtMs)) + options.delayMs
      if (startAtMs <= Date.now()) fail(`barrier ${where}: every shard arrived, but the start (${new Date(startAtMs).toISOString()}) passed before this shard saw it; give a longer --barrier-delay`)
      return { startAtMs, shards }
    }
    if (Date.now() > deadline) {
      const missing = Array.from({ length: shard.count }, (_, i) => i + 1).filter((k) => !seen.has(k))
      fail(`barrier ${where}: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${shard.count} did not arrive within ${Math.round(options.timeoutMs / 1000)} s; the run did not start`)
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}
