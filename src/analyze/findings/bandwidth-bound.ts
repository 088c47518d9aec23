import type { FindingRule } from './rule.ts'
import { clamp01, correlation, endpointMs, fmtMs } from './signals.ts'

const LARGE_BYTES = 256 * 1024

/** Large responses (video segments) whose latency follows the bytes in flight: the link, not the server. */
export const bandwidthBound: FindingRule = {
  id: 'bandwidth-bound',
  kind: 'cause',
  detect(s) {
    const large = s.endpoints.filter((e) => e.ok > 0 && e.bytesIn / e.ok >= LARGE_BYTES && e.count >= 20)
    if (large.length === 0) return undefined
    const share = large.reduce((t, e) => t + endpointMs(e), 0) / Math.max(1, s.totalRequestMs)
    const bytesPerSecond = s.series.bytesIn
    const hits = large
      .map((e) => ({ e, r: correlation(bytesPerSecond, s.series.endpoints[e.name]?.p95 ?? []) }))
      .filter((x) => x.r !== undefined && x.r >= 0.6)
    if (hits.length === 0 || share < 0.3) return undefined
    const top = hits[0]!
    const mbps = Math.max(...bytesPerSecond) / 2 ** 20
    return {
      id: 'bandwidth-bound',
      severity: 'warning',
      title: `${top.e.name} is bound by bandwidth`,
      explanation: `${top.e.name} returns ${Math.round(top.e.bytesIn / top.e.ok / 1024)} KiB per response and its p95 (${fmtMs(top.e.latencyMs?.p95 ?? 0)}) follows the bytes per second in flight (r = ${top.r!.toFixed(2)}, peak ${mbps.toFixed(0)} MiB/s): the link or the server's send path, not its CPU, sets the pace.`,
      evidence: { chart: 'res-network', metric: 'bytes per second vs p95', values: { correlation: Number(top.r!.toFixed(3)), peakMiBps: Number(mbps.toFixed(1)), timeShare: Number(share.toFixed(3)) }, endpoints: hits.map((h) => h.e.name) },
      recommendation: 'Serve media from a CDN or object storage with range requests, lower the default rendition, or raise the link; keep these bytes off the application servers.',
      confidence: 0.6,
      impact: clamp01(share * 0.5),
    }
  },
}
