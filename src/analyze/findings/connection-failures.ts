import type { FindingRule } from './rule.ts'
import { clamp01, pct } from './signals.ts'
import { findOutages, TRANSPORT_KINDS as TRANSPORT } from '../outages.ts'

/** Requests that got no HTTP response: refused, reset or timed out. */
export const connectionFailures: FindingRule = {
  id: 'connection-failures',
  kind: 'cause',
  detect(s) {
    const o = s.overall
    const counts = Object.fromEntries(TRANSPORT.map((k) => [k, o.errorsByKind[k] ?? 0]).filter(([, n]) => (n as number) > 0)) as Record<string, number>
    const failed = Object.values(counts).reduce((a, b) => a + b, 0)
    if (failed === 0) return undefined
    const share = failed / Math.max(1, o.count)
    const kinds = Object.entries(counts).sort((a, b) => b[1] - a[1])
    const worst = s.endpoints.filter((e) => TRANSPORT.some((k) => (e.errorsByKind[k] ?? 0) > 0))
    const outages = findOutages(s.series)
    const longest = outages[0]
    const down = outages.reduce((n, o) => n + o.durationSec, 0)
    return {
      id: 'connection-failures',
      severity: share >= 0.01 ? 'critical' : 'warning',
      title: `${failed} requests got no response (${kinds.map(([k, n]) => `${n} ${k}`).join(', ')})`,
      explanation: `${pct(share)} of requests ended without an HTTP response: ` +
        `${counts.refused ? 'connections refused (the server was down or its accept queue full); ' : ''}${counts.reset ? 'connections reset (the server closed them mid-request, or crashed); ' : ''}` +
        `${counts.timeout ? 'timeouts (the server accepted but did not answer in time); ' : ''}these are outages to learners, whatever the latency of the rest.` +
        (longest ? ` The target was down or hung for ${down} s in ${outages.length} outage${outages.length === 1 ? '' : 's'}; the longest from ${longest.startSec} s to ${longest.endSec} s (${longest.failed} requests without an answer).` : ''),
      evidence: {
        chart: 'errors',
        metric: 'transport errors', values: { share: Number(share.toFixed(4)), ...counts, ...(longest ? { outages: outages.length, downSec: down } : {}) },
        ...(longest ? { window: { startSec: longest.startSec, endSec: longest.endSec } } : {}),
        endpoints: worst.slice(0, 5).map((e) => e.name),
      },
      recommendation: 'Check the target for restarts, crashes and exhausted accept queues or file descriptors at those moments; raise timeouts only once the server answers within them.',
      confidence: 0.9,
      // An outage is what learners remember: its share of the run weighs like a share of failures.
      impact: clamp01(Math.max(share * 5, down / Math.max(1, s.durationSec))),
    }
  },
}
