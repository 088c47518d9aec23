import type { IntervalLine } from '../record/layout/lines.ts'
import type { LoggedHistogram, RecordedRun } from '../record/reader.ts'
import { ANALYSIS_SCHEMA, type Analysis, type EndpointSummary, type Series, type Window } from './analysis.ts'
import { evaluateBudgets, type Budgets } from './budgets/evaluate.ts'
import { ladderSection } from './capacity/ladder.ts'
import { findBottlenecks } from './findings/index.ts'
import { busySeconds as generatorBusySeconds, saturatedFrom } from './generator.ts'
import { ResourceView, type Signals } from './findings/signals.ts'
import { collectHistograms, resourceSeries, routeMeans } from './stats/collect.ts'
import { spectrum, summarise } from './stats/latency.ts'
import { findWindows, plannedStages, plannedWindows } from './stats/windows.ts'
import { findOutages } from './outages.ts'
import { restartWindow, summariseDrill, withoutWindow } from './drill.ts'
import { runEndOf, verdictOf } from './verdict.ts'
import { DEFAULT_JOURNEY_BUDGET, JOURNEYS_TARGET } from '../core/budget-rule.ts'
import { addJourneyCounts, HIGH_CARDINALITY_NAMES, journeyCounts, journeyErrorKey } from '../metrics/interval.ts'
import type { JourneyErrorSummary } from './analysis.ts'

export interface AnalyzeOptions {
  /** Budgets from a file (`--budget`), evaluated with the scenario's own. */
  budgetFile?: { budgets: Budgets; where: string }
  /** Injected so the analyzer stays a pure function of its inputs. */
  generatedAt: string
  /** Shortest plateau called steady (default 10 s; a capacity ladder passes half its hold). */
  minSteadySec?: number
}

type EndpointCounts = IntervalLine['endpoints'][string]

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const k in from) into[k] = (into[k] ?? 0) + from[k]!
}

/** The run's warning that its endpoint names defeat route templates (k6 warns on unique series alike). */
function highCardinality(run: RecordedRun): string[] {
  const names = run.endpoints.size
  if (names <= HIGH_CARDINALITY_NAMES) return []
  const sample = [...run.endpoints.values()].slice(-3).map((n) => `'${n}'`).join(', ')
  return [`${names} distinct endpoint names (more than ${HIGH_CARDINALITY_NAMES}; e.g. ${sample}): requests are being named by their expanded paths; pass a route template ('/api/courses/:id' with params) or options.name`]
}

/** Turns a recorded run into analysis.json: statistics, windows, budgets, findings, verdict. Pure. */
export function analyzeRun(run: RecordedRun, histograms: Iterable<LoggedHistogram>, options: AnalyzeOptions): Analysis {
  const seconds = run.intervals.reduce((n, i) => Math.max(n, i.t + 1), 0)
  const byT = new Map(run.intervals.map((i) => [i.t, i]))
  const t = Array.from({ length: seconds }, (_, i) => i)
  const at = <T>(f: (line: IntervalLine) => T, empty: T) => t.map((i) => (byT.has(i) ? f(byT.get(i)!) : empty))
  const names = (id: string) => run.endpoints.get(id) ?? id

  const series: Series = {
    t,
    arrivalsPlanned: at((l) => l.arrivals.planned, 0),
    arrivalsStarted: at((l) => l.arrivals.started, 0),
    arrivalsDropped: at((l) => l.arrivals.dropped, 0),
    active: at((l) => l.active, 0),
    throughput: at((l) => l.requests, 0),
    errors: at((l) => Object.values(l.endpoints).reduce((n, e) => n + e.count - e.ok, 0), 0),
    bytesIn: at((l) => Object.values(l.endpoints).reduce((n, e) => n + e.bytesIn, 0), 0),
    p50: [], p95: [], p99: [],
    errorsByKind: {},
    endpoints: {},
    resources: resourceSeries(run.resources, seconds),
    generator: {
      eluMax: at((l) => (l.generator.workers.length ? Math.max(...l.generator.workers.map((w) => w?.elu ?? 0)) : null), null as number | null),
      lagP99MaxMs: at((l) => (l.generator.workers.length ? Math.max(...l.generator.workers.map((w) => w?.lagP99Ms ?? 0)) : null), null as number | null),
    },
  }

  // Phases are found in the load the generator applied: arrivals (open) or active learners (closed).
  const load = run.run.scenario.model === 'closed' ? series.active : series.arrivalsStarted
  // A staircase's steps are its plan (run.json), never re-detected: two short steps must not merge.
  const stages = run.run.scenario.model === 'open' ? plannedStages(run.run.scenario.profile) : undefined
  // A run stopped early (a ladder's SLO watch, a signal) ends its last step where arrivals stopped;
  // the second in which they stopped is only partly loaded.
  const end = runEndOf(run, seconds)
  const lastArrival = series.arrivalsStarted.reduce((last, n, i) => (n > 0 ? i + 1 : last), 0)
  const arrivalsEnd = end.reason === 'completed' ? lastArrival : lastArrival - 1
  const segments = stages ? plannedWindows(stages, Math.min(seconds, arrivalsEnd)) : findWindows(load, options.minSteadySec)
  const collected = collectHistograms(run, histograms, seconds, segments)
  series.p50 = collected.perSecond.p50
  series.p95 = collected.perSecond.p95
  series.p99 = collected.perSecond.p99

  // Endpoint counts over the run, and per second.
  const counts = new Map<string, EndpointCounts>()
  for (const line of run.intervals) {
    for (const [id, e] of Object.entries(line.endpoints)) {
      const name = names(id)
      const c = counts.get(name) ?? { count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, timingDesc: {} }
      c.count += e.count
      c.ok += e.ok
      c.bytesIn += e.bytesIn
      c.bytesOut += e.bytesOut
      add(c.errors, e.errors)
      add(c.statuses, e.statuses)
      add(c.timingDesc, e.timingDesc ?? {})
      counts.set(name, c)
      if (line.t < seconds) {
        for (const [kind, n] of Object.entries(e.errors)) (series.errorsByKind[kind] ??= Array(seconds).fill(0))[line.t]! += n
      }
      const s = (series.endpoints[name] ??= { throughput: Array(seconds).fill(0), errors: Array(seconds).fill(0), p95: collected.perSecondEndpoint.get(name) ?? Array(seconds).fill(null) })
      if (line.t < seconds) {
        s.throughput[line.t]! += e.count
        s.errors[line.t]! += e.count - e.ok
      }
    }
  }
  const busySeconds = series.throughput.map((x, i) => (x > 0 ? i : -1)).filter((i) => i >= 0)
  const busySpan = busySeconds.length ? busySeconds[busySeconds.length - 1]! - busySeconds[0]! + 1 : Math.max(1, seconds)
  // Rates are per second of the plan when the busy seconds overrun it by one only: a 5 s run whose
  // seconds do not start on a response straddles 6 calendar seconds (autocannon divides by 5 too).
  const plannedSec = run.run.plan.durationMs / 1000
  const durationSec = Number.isInteger(plannedSec) && plannedSec >= 1 && busySpan === plannedSec + 1 ? plannedSec : busySpan

  const summary = (name: string, c: EndpointCounts, hist = collected.latency.get(name)): EndpointSummary => {
    const latencyMs = summarise(hist)
    const serverTiming: EndpointSummary['serverTiming'] = {}
    for (const [component, h] of collected.timing.get(name) ?? []) {
      const meanMs = h.mean / 1000
      serverTiming[component] = { meanMs: Number(meanMs.toFixed(3)), p95Ms: h.getValueAtPercentile(95) / 1000, share: latencyMs && latencyMs.mean > 0 ? Number((meanMs / latencyMs.mean).toFixed(4)) : 0 }
    }
    const errors = c.count - c.ok
    return {
      name, count: c.count, ok: c.ok, errors, errorRate: c.count ? errors / c.count : 0, errorsByKind: c.errors, statuses: c.statuses,
      throughputPerSec: c.count / durationSec, bytesIn: c.bytesIn, bytesOut: c.bytesOut, latencyMs, serverTiming, serverTimingDesc: c.timingDesc,
    }
  }
  const endpoints = [...counts.entries()].map(([name, c]) => summary(name, c)).sort((a, b) => b.count - a.count)
  const total: EndpointCounts = { count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, timingDesc: {} }
  for (const c of counts.values()) {
    total.count += c.count
    total.ok += c.ok
    total.bytesIn += c.bytesIn
    total.bytesOut += c.bytesOut
    add(total.errors, c.errors)
    add(total.statuses, c.statuses)
    add(total.timingDesc, c.timingDesc)
  }
  const overall = { ...summary('overall', total, collected.overall), serverTiming: {} }

  const stepCounts = new Map<string, { count: number; failed: number }>()
  const checks = new Map<string, { pass: number; fail: number }>()
  const journeys = new Map<string, { started: number; completed: number; failed: number; interrupted: number }>()
  const journeyErrors = new Map<string, JourneyErrorSummary>()
  const countError = (e: { journey: string; message: string; location?: string; count: number }, t: number) => {
    const key = journeyErrorKey(e)
    const into = journeyErrors.get(key)
    if (into) into.count += e.count
    else journeyErrors.set(key, { journey: e.journey, message: e.message, ...(e.location ? { location: e.location } : {}), count: e.count, firstSec: t })
  }
  for (const line of run.intervals) {
    for (const e of line.journeyErrors ?? []) countError(e, line.t)
    for (const [id, s] of Object.entries(line.steps)) {
      const name = run.steps.get(id) ?? id
      const c = stepCounts.get(name) ?? { count: 0, failed: 0 }
      c.count += s.count
      c.failed += s.failed
      stepCounts.set(name, c)
    }
    for (const [label, c] of Object.entries(line.checks)) {
      const into = checks.get(label) ?? { pass: 0, fail: 0 }
      into.pass += c.pass
      into.fail += c.fail
      checks.set(label, into)
    }
    for (const [name, j] of Object.entries(line.journeys)) {
      const into = journeys.get(name) ?? journeyCounts()
      addJourneyCounts(into, j)
      journeys.set(name, into)
    }
  }
  // Runs recorded before errors were counted per second kept a few messages in events.ndjson.
  if (journeyErrors.size === 0) {
    for (const e of run.events) {
      if (e.type === 'journey-error') countError({ journey: e.journey, message: e.message, count: 1 }, Math.max(0, Math.floor(e.t)))
    }
  }
  const steps = [...stepCounts.entries()].map(([name, c]) => ({ name, ...c, durationMs: summarise(collected.steps.get(name)) }))

  const windows: Window[] = segments.map((seg, i) => {
    const len = seg.endSec - seg.startSec
    const sum = (xs: number[]) => xs.slice(seg.startSec, seg.endSec).reduce((a, b) => a + b, 0)
    const requests = sum(series.throughput)
    const latencyMs = summarise(collected.windowLatency[i])
    const throughputPerSec = requests / len
    return {
      startSec: seg.startSec, endSec: seg.endSec, kind: seg.kind,
      arrivalRatePerSec: sum(series.arrivalsStarted) / len,
      throughputPerSec,
      concurrency: latencyMs ? throughputPerSec * (latencyMs.mean / 1000) : 0,
      activeLearners: sum(series.active) / len,
      errorRate: requests ? sum(series.errors) / requests : 0,
      latencyMs,
      ...(seg.stage !== undefined ? { stage: seg.stage } : {}),
    }
  })

  const arrivals = {
    planned: run.intervals.reduce((n, i) => n + i.arrivals.planned, 0),
    started: run.intervals.reduce((n, i) => n + i.arrivals.started, 0),
    dropped: run.intervals.reduce((n, i) => n + i.arrivals.dropped, 0),
  }

  const sources = series.resources
  const pick = (...candidates: Array<string | undefined>) => candidates.find((c) => c !== undefined && sources[c])
  const metricsSource = pick('target', Object.keys(sources).find((s) => s.startsWith('metrics:')))
  const processSource = pick('target:process', Object.keys(sources).find((s) => s.startsWith('process:')))
  const hostCores = run.resources.find((r) => r.source === 'host')?.metrics.cores ?? Number(run.run.environment.cpus ?? 1)
  // A drill's kill and restart are not steady behaviour: the rules read the series without them.
  const targetSources = [metricsSource, processSource].filter((s): s is string => s !== undefined)
  const restart = run.drill ? restartWindow(run.drill, metricsSource ? sources[metricsSource]!.event_loop_lag_p99_ms : undefined, seconds) : undefined
  const ruleSeries = restart ? withoutWindow(series, restart, targetSources) : series
  const busy = generatorBusySeconds(ruleSeries.generator)
  const signals: Signals = {
    model: run.run.scenario.model,
    durationSec,
    series: ruleSeries,
    windows: restart ? windows.filter((w) => w.endSec <= restart.startSec || w.startSec >= restart.endSec) : windows,
    overall,
    endpoints,
    metrics: metricsSource ? new ResourceView(metricsSource, ruleSeries.resources[metricsSource]!) : undefined,
    process: processSource ? new ResourceView(processSource, ruleSeries.resources[processSource]!) : undefined,
    host: sources.host ? new ResourceView('host', sources.host) : undefined,
    routes: metricsSource ? routeMeans(run.resources, metricsSource) : {},
    arrivals,
    // Decided from the recorded seconds by the same function live progress used (analyze/generator.ts).
    generatorBusy: busy,
    generatorSaturated: saturatedFrom(busy) !== undefined,
    totalRequestMs: endpoints.reduce((sum, e) => sum + (e.latencyMs ? e.latencyMs.mean * e.count : 0), 0),
    hostCores,
  }
  const { findings, rules } = findBottlenecks(signals)

  const budgetSets: Parameters<typeof evaluateBudgets>[0] = [{ budgets: run.run.scenario.budgets as Budgets, source: 'scenario', where: `${run.run.scenario.file} budgets` }]
  if (options.budgetFile) budgetSets.push({ budgets: options.budgetFile.budgets, source: 'file', where: options.budgetFile.where })
  // A crashing script fails the gate unless the user set their own journey budget (docs/analysis.md).
  if (!budgetSets.some((set) => JOURNEYS_TARGET in set.budgets)) budgetSets.push({ budgets: { [JOURNEYS_TARGET]: [DEFAULT_JOURNEY_BUDGET] }, source: 'default', where: 'the default journey budget' })
  const journeyList = [...journeys.entries()].map(([name, j]) => ({ name, ...j }))
  const budgets = evaluateBudgets(budgetSets, {
    overall, endpoints, steps, checks: [...checks.entries()].map(([label, c]) => ({ label, ...c })), journeys: journeyList, arrivals, durationSec,
    model: run.run.scenario.model, generatorSaturated: signals.generatorSaturated,
  })

  const trust = {
    generatorSaturated: signals.generatorSaturated,
    droppedArrivals: arrivals.dropped,
    closedModel: run.run.scenario.model === 'closed',
    incomplete: end.reason !== 'completed',
  }
  const unjudged: Omit<Analysis, 'verdict'> = {
    schema: ANALYSIS_SCHEMA,
    generatedAt: options.generatedAt,
    run: {
      id: run.run.id, dir: run.dir, scenario: run.run.scenario.name, description: run.run.scenario.description, model: run.run.scenario.model,
      status: run.run.status, complete: run.complete, end, target: run.run.target.url, bundledBackend: run.run.target.bundled,
      ...(run.run.target.backendProfile ? { backendProfile: run.run.target.backendProfile } : {}),
      startedAt: run.run.startedAt, durationSec: seconds, seed: run.run.options.seed, options: run.run.options as unknown as Record<string, unknown>,
      environment: run.run.environment as unknown as Record<string, unknown>, profile: run.run.scenario.profile,
    },
    overall,
    endpoints,
    steps,
    checks: [...checks.entries()].map(([label, c]) => ({ label, ...c, passRate: c.pass + c.fail ? c.pass / (c.pass + c.fail) : 1 })),
    journeys: journeyList,
    journeyErrors: [...journeyErrors.values()].sort((x, y) => y.count - x.count || x.firstSec - y.firstSec),
    arrivals: { ...arrivals, achievedRatio: arrivals.planned ? arrivals.started / arrivals.planned : null, startLagMs: summarise(collected.startLag.totalCount ? collected.startLag : undefined), peakActive: run.intervals.reduce((m, l) => Math.max(m, l.peakActive ?? l.active), 0) },
    windows,
    spectrum: {
      overall: spectrum(collected.overall),
      endpoints: Object.fromEntries([...collected.latency.entries()].map(([name, h]) => [name, spectrum(h)])),
    },
    budgets,
    findings,
    rules,
    series,
    trust,
    outages: findOutages(series),
    ...(run.drill ? { drill: summariseDrill(run.drill, series) } : {}),
    warnings: [...run.warnings, ...highCardinality(run)],
  }
  // A capacity ladder's capacity belongs to its analysis: `lmsload analyze` on the run gives the ladder's answer again.
  if (run.run.capacity?.mode === 'ladder') unjudged.capacity = ladderSection(unjudged as Analysis, run.run.capacity)
  const { schema, generatedAt, run: about, ...rest } = unjudged
  return { schema, generatedAt, run: about, verdict: verdictOf(unjudged, end), ...rest }
}

