import type { EndpointSummary, EvidenceChart, Finding } from '../analysis.ts'
import { clamp01, componentMs, fmtMs, pct, type Signals } from './signals.ts'

/** Endpoints where one Server-Timing component takes a large, real share of the latency. */
export function dominatedBy(s: Signals, component: string, minMeanMs: number, minShare: number): EndpointSummary[] {
  return s.endpoints
    .filter((e) => {
      const c = e.serverTiming[component]
      return c !== undefined && c.meanMs >= minMeanMs && c.share >= minShare && e.count >= 5
    })
    .sort((a, b) => componentMs(b, component) - componentMs(a, component))
}

/** The shared shape of component findings: impact is the component's share of all request time. */
export function componentFinding(
  s: Signals, component: string, endpoints: EndpointSummary[],
  text: { id: string; chart: EvidenceChart; title: (top: string) => string; explain: (top: EndpointSummary, mean: number, share: number) => string; recommendation: string },
): Omit<Finding, 'category'> {
  const spent = endpoints.reduce((t, e) => t + componentMs(e, component), 0)
  const impact = clamp01(spent / Math.max(1, s.totalRequestMs))
  const top = endpoints[0]!
  const c = top.serverTiming[component]!
  return {
    id: text.id,
    severity: impact >= 0.25 ? 'critical' : 'warning',
    title: text.title(top.name),
    explanation: `${text.explain(top, c.meanMs, c.share)} Across the run, ${component} time is ${pct(impact)} of all request time (Server-Timing).`,
    evidence: {
      chart: text.chart,
      metric: `server-timing ${component}`,
      values: { [`${component}MeanMs`]: round(c.meanMs), [`${component}P95Ms`]: round(c.p95Ms), latencyMeanMs: round(top.latencyMs?.mean ?? 0), share: round(c.share), runShare: round(impact) },
      endpoints: endpoints.slice(0, 5).map((e) => e.name),
    },
    recommendation: text.recommendation,
    confidence: 0.8,
    impact,
  }
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits))
export { fmtMs, pct }
