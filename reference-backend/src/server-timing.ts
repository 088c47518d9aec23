import type { RequestState } from './request-state.ts'

// W3C Server-Timing: lets any client split a response time into database, lock and pool waits,
// upstream calls and the application's own work (the components add up to the server's time);
// what remains of the client's latency is network and queueing.
export function serverTiming(state: RequestState, nowMs: number): string {
  const t = state.timing
  const total = nowMs - state.startMs
  const app = Math.max(0, total - t.dbMs - t.lockWaitMs - t.poolWaitMs - state.upstreamMs)
  let header = `db;dur=${t.dbMs.toFixed(2)};desc="${t.queries} queries", lock;dur=${t.lockWaitMs.toFixed(2)}, pool;dur=${t.poolWaitMs.toFixed(2)}`
  if (state.cache !== undefined) header += `, cache;desc=${state.cache}`
  header += `, upstream;dur=${state.upstreamMs.toFixed(2)}, app;dur=${app.toFixed(2)}`
  return header
}
