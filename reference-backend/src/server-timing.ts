import type { RequestState } from './request-state.ts'

// W3C Server-Timing: lets any client split a response time into database, pool wait, upstream,
// and the application's own work; what remains of the client's latency is network and queueing.
export function serverTiming(state: RequestState, nowMs: number): string {
  const t = state.timing
  const total = nowMs - state.startMs
  const app = Math.max(0, total - t.dbMs - t.poolWaitMs - state.upstreamMs)
  let header = `db;dur=${t.dbMs.toFixed(2)};desc="${t.queries} queries", pool;dur=${t.poolWaitMs.toFixed(2)}`
  if (state.cache !== undefined) header += `, cache;desc=${state.cache}`
  header += `, upstream;dur=${state.upstreamMs.toFixed(2)}, app;dur=${app.toFixed(2)}`
  return header
}
