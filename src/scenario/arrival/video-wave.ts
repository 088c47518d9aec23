import { Fields } from '../location.ts'
import type { ArrivalProfile } from './profile.ts'
import { shapedProfile } from './shaped.ts'

export interface VideoWaveOptions {
  /** Learners who will start the lecture video during the run. */
  learners: number
  /** Time for the start rate to halve after the release (default '90s'). */
  halfLife?: string
  /** Length of the run (default '5m'). */
  duration?: string
}

interface Params {
  learners: number
  halfLifeMs: number
  durationMs: number
}

/**
 * A lecture video is released (or a live class begins): the notification goes out and starts
 * arrive in a burst that decays exponentially, halving every `halfLife`. Each start is a master
 * playlist, a variant playlist and the first segments, then heartbeats. `--duration` stretches
 * the wave (half-life in proportion).
 */
function build(p: Params): ArrivalProfile {
  const k = Math.LN2 / p.halfLifeMs
  return shapedProfile<Params>({
    kind: 'videoWave',
    params: p,
    learners: p.learners,
    durationMs: p.durationMs,
    shape: (t) => Math.exp(-k * t),
    scale: (q, f) => ({ ...q, learners: Math.max(1, Math.round(q.learners * f)) }),
    stretch: (q, f) => ({ ...q, halfLifeMs: q.halfLifeMs * f, durationMs: q.durationMs * f }),
    build,
    describe: () => ({ learners: p.learners, halfLifeSec: p.halfLifeMs / 1000, durationSec: p.durationMs / 1000 }),
  })
}

export function videoWave(options: VideoWaveOptions): ArrivalProfile {
  const f = new Fields('arrival.videoWave')
  if (typeof options !== 'object' || options === null) f.fail('expected { learners, halfLife?, duration? }')
  f.known(options, ['learners', 'halfLife', 'duration'])
  const p: Params = {
    learners: f.number('learners', options.learners, { integer: true, min: 1 }),
    halfLifeMs: f.duration('halfLife', options.halfLife, '90s'),
    durationMs: f.duration('duration', options.duration, '5m'),
  }
  if (p.halfLifeMs <= 0) f.fail("'halfLife' must be longer than 0s")
  if (p.durationMs <= 0) f.fail("'duration' must be longer than 0s")
  return build(p)
}
