// The names of a run directory's files (docs/run-directory.md), in one place: the writer, the
// reader, the drill, the imports, capacity, compare and the reports all take them from here.

export const FILES = {
  /** What the run was and how it ended (layout/run-json.ts). */
  run: 'run.json',
  /** Per-second HdrHistograms, tagged per series (layout/tags.ts). */
  latency: 'latency.hlog',
  /** One line per second (layout/lines.ts IntervalLine). */
  intervals: 'intervals.ndjson',
  /** One line per resource sample (layout/lines.ts ResourceLine). */
  resources: 'resources.ndjson',
  /** Timeline of things that happened (layout/lines.ts EventLine). */
  events: 'events.ndjson',
  /** `lmsload drill`: kill, recovery, lost writes (layout/drill-json.ts). */
  drill: 'drill.json',
  /** `lmsload drill`: the writes the target acknowledged, as a verifier reads them (layout/side-files.ts). */
  acknowledgedWrites: 'acknowledged-writes.ndjson',
  /** `lmsload import` and `lmsload probe`: where the data came from and how it agrees with the tool's summary. */
  import: 'import.json',
  /** `lmsload capacity --mode search`: the trials and the answer, in the directory of trials. */
  capacity: 'capacity.json',
  /** `lmsload compare`: written into the candidate run. */
  comparison: 'comparison.json',
  /** The analyzer's output: the published contract (docs/analysis.md). */
  analysis: 'analysis.json',
} as const

export type RunFile = (typeof FILES)[keyof typeof FILES]
