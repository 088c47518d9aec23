// bandwidth-bound on synthetic series: large responses (256 KiB or more) taking at least 30 % of
// request time, whose p95 follows the bytes per second in flight (r ≥ 0.6), are the finding.
import { describe, expect, it } from 'vitest'
import { bandwidthBound } from '../../../src/analyze/findings/bandwidth-bound.ts'
import { signalsFor } from '../../helpers/signals.ts'

const KiB = 1024
/** 40 s of video segments whose count rises from 5 to 44 a second; latency follows the count when `follows`. */
const run = (bytesPerResponse: number, follows: boolean) => signalsFor({
  seconds: 40,
  endpoints: [{
    name: 'GET /api/videos/:id/segments/:n', count: (t) => 5 + t, bytesPerResponse,
    latencies: (t, n) => Array(n).fill(follows ? 20 + 10 * t : 100),
  }],
})

describe('bandwidth-bound', () => {
  it.each([
    ['512 KiB segments whose latency follows the bytes', 512 * KiB, true, 'GET /api/videos/:id/segments/:n is bound by bandwidth'],
    ['512 KiB segments at a flat latency', 512 * KiB, false, undefined],
    ['64 KiB responses (not large)', 64 * KiB, true, undefined],
  ] as const)('%s', (_, bytes, follows, title) => {
    const f = bandwidthBound.detect(run(bytes, follows))
    expect(f?.title).toBe(title)
    if (f) expect(f.evidence.chart).toBe('res-network')
  })
})
