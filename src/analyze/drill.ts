import type { DrillJson } from '../record/drill-json.ts'
import type { DrillSummary, Series } from './analysis.ts'

/** drill.json with the requests that failed between the kill and the recovery, from the series. */
export function summariseDrill(drill: DrillJson, series: Series): DrillSummary {
  const { schema: _schema, ...rest } = drill
  const from = Math.floor(drill.kill.atSec)
  const to = drill.recovered ? Math.ceil(drill.recovered.atSec) : series.t.length
  let failed = 0
  let requests = 0
  for (let i = Math.max(0, from); i < Math.min(to + 1, series.t.length); i++) {
    requests += series.throughput[i] ?? 0
    failed += series.errors[i] ?? 0
  }
  return { ...rest, failedDuringOutage: failed, requestsDuringOutage: requests }
}
