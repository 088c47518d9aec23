// drill.json: what `lmsload drill` did to the target during a run and what it measured from the
// client's side (recovery time from a probe, acknowledged writes checked after recovery). Written
// beside run.json when the drill ends; the analyzer adds it to analysis.json and the report shows it.

export const DRILL_SCHEMA = 'lmsload.drill/1'

export interface DrillMoment {
  /** Seconds from the run's start. */
  atSec: number
  /** What was done, in words: "SIGKILL to pid 4711", "command: systemctl restart lms". */
  how: string
}

export interface DrillWrites {
  /** `reference-backend` (built in) or `command: …` (the user's --verify-command). */
  verifier: string
  acknowledged: number
  checked: number
  lost: number
  /** Up to 20 lost writes: what was acknowledged and what recovery found (null: nothing). */
  lostSample: Array<{ kind: string; key: string; expected: string | number | null; found: string | number | null; /** seconds from the start when it was acknowledged */ t: number }>
  /** Seconds of acknowledged writes lost before the kill (0 when nothing was lost). */
  rpoSec: number
}

export interface DrillJson {
  schema: typeof DRILL_SCHEMA
  kill: DrillMoment
  restore?: DrillMoment & { durationSec: number }
  restart?: DrillMoment
  /** The first probe answered after the kill (any HTTP status below 500). */
  recovered?: { atSec: number }
  /** From the kill to that answer, seen by the client; null when the target never came back. */
  rtoSec: number | null
  probe: { url: string; intervalMs: number; /** [seconds from the start, 1 answered / 0 not] */ timeline: Array<[number, 0 | 1]> }
  writes?: DrillWrites
  /** Problems met during the drill (a restart command that failed, a verifier that crashed). */
  problems: string[]
}

const moment = { type: 'object', properties: { atSec: { type: 'number' }, how: { type: 'string' } }, required: ['atSec', 'how'] } as const

export const DRILL_JSON_SCHEMA = {
  type: 'object',
  properties: {
    schema: { const: DRILL_SCHEMA },
    kill: moment,
    restore: moment,
    restart: moment,
    recovered: { type: 'object', properties: { atSec: { type: 'number' } }, required: ['atSec'] },
    rtoSec: { type: ['number', 'null'] },
    probe: {
      type: 'object',
      properties: { url: { type: 'string' }, intervalMs: { type: 'number' }, timeline: { type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } } },
      required: ['url', 'intervalMs', 'timeline'],
    },
    writes: {
      type: 'object',
      properties: { verifier: { type: 'string' }, acknowledged: { type: 'number' }, checked: { type: 'number' }, lost: { type: 'number' }, lostSample: { type: 'array' }, rpoSec: { type: 'number' } },
      required: ['verifier', 'acknowledged', 'checked', 'lost', 'lostSample', 'rpoSec'],
    },
    problems: { type: 'array', items: { type: 'string' } },
  },
  required: ['schema', 'kill', 'rtoSec', 'probe', 'problems'],
} as const
