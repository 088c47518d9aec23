// The tag grammar of latency.hlog, written by the recorder and read by the analyzer: every interval
// histogram names its series. Endpoint and step ids are numbered per run by first appearance, and
// run.json / events.ndjson map them to names.
//   e<n>                 latency of endpoint n
//   e<n>.st.<component>  Server-Timing component of endpoint n
//   s<n>                 duration of step n
//   start-lag            how late learners started against the plan

export const START_LAG_TAG = 'start-lag'
const TIMING = '.st.'

/** The legend written into latency.hlog's header. */
export const TAG_LEGEND = `tags: e<n> endpoint, e<n>${TIMING}<component> Server-Timing, s<n> step, ${START_LAG_TAG}`

/** The id of the n-th endpoint (from 1) a run met. */
export function endpointId(n: number): string {
  return `e${n}`
}

/** The id of the n-th step (from 1) a run met. */
export function stepId(n: number): string {
  return `s${n}`
}

export function timingTag(endpoint: string, component: string): string {
  return `${endpoint}${TIMING}${component}`
}

export type SeriesTag =
  | { kind: 'start-lag' }
  | { kind: 'timing'; endpoint: string; component: string }
  /** An endpoint or a step: which one, the run's id tables say. */
  | { kind: 'series'; id: string }

const START_LAG: SeriesTag = { kind: 'start-lag' }

export function parseTag(tag: string): SeriesTag {
  if (tag === START_LAG_TAG) return START_LAG
  const dot = tag.indexOf(TIMING)
  if (dot > 0) return { kind: 'timing', endpoint: tag.slice(0, dot), component: tag.slice(dot + TIMING.length) }
  return { kind: 'series', id: tag }
}
