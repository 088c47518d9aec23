// Stage 5 of analyzeRun: everything the finding rules read, in one Signals value — the series
// without a drill's kill and restart, the target's metrics and process views, the generator's state.
import type { RecordedRun } from '../../record/reader.ts'
import type { EndpointSummary, Series, Window } from '../analysis.ts'
import { restartWindow, withoutWindow } from '../drill.ts'
import { ResourceView, type Signals } from '../findings/signals.ts'
import { busySeconds as generatorBusySeconds, saturatedFrom } from '../generator.ts'
import { routeMeans } from '../stats/collect.ts'

export interface SignalInputs {
  seconds: number
  series: Series
  windows: Window[]
  overall: EndpointSummary
  endpoints: EndpointSummary[]
  durationSec: number
  arrivals: { planned: number; started: number; dropped: number }
}

export function signalsOf(run: RecordedRun, x: SignalInputs): Signals {
  const sources = x.series.resources
  const pick = (...candidates: Array<string | undefined>) => candidates.find((c) => c !== undefined && sources[c])
  const metricsSource = pick('target', Object.keys(sources).find((s) => s.startsWith('metrics:')))
  const processSource = pick('target:process', Object.keys(sources).find((s) => s.startsWith('process:')))
  const hostCores = run.resources.find((r) => r.source === 'host')?.metrics.cores ?? Number(run.run.environment.cpus ?? 1)
  // A drill's kill and restart are not steady behaviour: the rules read the series without them.
  const targetSources = [metricsSource, processSource].filter((s): s is string => s !== undefined)
  const restart = run.drill ? restartWindow(run.drill, metricsSource ? sources[metricsSource]!.event_loop_lag_p99_ms : undefined, x.seconds) : undefined
  const ruleSeries = restart ? withoutWindow(x.series, restart, targetSources) : x.series
  const busy = generatorBusySeconds(ruleSeries.generator)
  return {
    model: run.run.scenario.model,
    durationSec: x.durationSec,
    series: ruleSeries,
    windows: restart ? x.windows.filter((w) => w.endSec <= restart.startSec || w.startSec >= restart.endSec) : x.windows,
    overall: x.overall,
    endpoints: x.endpoints,
    metrics: metricsSource ? new ResourceView(metricsSource, ruleSeries.resources[metricsSource]!) : undefined,
    process: processSource ? new ResourceView(processSource, ruleSeries.resources[processSource]!) : undefined,
    host: sources.host ? new ResourceView('host', sources.host) : undefined,
    routes: metricsSource ? routeMeans(run.resources, metricsSource) : {},
    arrivals: x.arrivals,
    // Decided from the recorded seconds by the same function live progress used (analyze/generator.ts).
    generatorBusy: busy,
    generatorSaturated: saturatedFrom(busy) !== undefined,
    totalRequestMs: x.endpoints.reduce((sum, e) => sum + (e.latencyMs ? e.latencyMs.mean * e.count : 0), 0),
    hostCores,
  }
}
