import type { LoggedHistogram, RecordedRun } from '../record/reader.ts'
import { HIGH_CARDINALITY_NAMES } from '../metrics/interval.ts'
import { ANALYSIS_SCHEMA, type Analysis } from './analysis.ts'
import type { Budgets } from './budgets/evaluate.ts'
import { ladderSection } from './capacity/ladder.ts'
import { summariseDrill } from './drill.ts'
import { findBottlenecks } from './findings/index.ts'
import { findOutages } from './outages.ts'
import { runBudgets } from './run/budgets.ts'
import { endpointSummaries } from './run/endpoints.ts'
import { loadSegments, recordedSeconds, recordedSeries } from './run/series.ts'
import { signalsOf } from './run/signals.ts'
import { streamBusySeconds, streamSummaries } from './run/streams.ts'
import { streamBudgetInputs } from './budgets/evaluate.ts'
import { runTallies } from './run/tallies.ts'
import { summariseWindows } from './run/window-summaries.ts'
import { collectHistograms } from './stats/collect.ts'
import { spectrum, summarise } from './stats/latency.ts'
import { verdictOf } from './verdict.ts'

export interface AnalyzeOptions {
  /** Budgets from a file (`--budget`), evaluated with the scenario's own. */
  budgetFile?: { budgets: Budgets; where: string }
  /** Injected so the analyzer stays a pure function of its inputs. */
  generatedAt: string
  /** Shortest plateau called steady (default 10 s; a capacity ladder passes half its hold). */
  minSteadySec?: number
}

/** The run's warning that its endpoint names defeat route templates (k6 warns on unique series alike). */
function highCardinality(run: RecordedRun): string[] {
  const names = new Set(run.endpoints.values()).size
  if (names <= HIGH_CARDINALITY_NAMES) return []
  const sample = [...new Set(run.endpoints.values())].slice(-3).map((n) => `'${n}'`).join(', ')
  return [`${names} distinct endpoint names (more than ${HIGH_CARDINALITY_NAMES}; e.g. ${sample}): requests are being named by their expanded paths; pass a route template ('/api/courses/:id' with params) or options.name`]
}

/**
 * Turns a recorded run into analysis.json: statistics, windows, budgets, findings, verdict. Pure.
 * Its stages (analyze/run/): series, histograms, endpoints, tallies, windows, signals → findings,
 * budgets, then the verdict.
 */
/** A run merged from shards: how many, on which machines, and how far apart their clocks may have been. */
function shardTrust(s: NonNullable<RecordedRun['run']['sharded']>): NonNullable<Analysis['trust']['shards']> {
  return {
    count: s.count, hosts: [...new Set(s.shards.map((x) => x.host))], clock: s.shards[0]?.clock.method ?? 'date-header',
    skewAtMostMs: s.skew.atMostMs, skewProvenMs: s.skew.provenMs,
  }
}

export function analyzeRun(run: RecordedRun, histograms: Iterable<LoggedHistogram>, options: AnalyzeOptions): Analysis {
  const seconds = recordedSeconds(run)
  const series = recordedSeries(run, seconds)
  const { end, segments } = loadSegments(run, series, seconds, options.minSteadySec)
  const busy = streamBusySeconds(run, seconds)
  const collected = collectHistograms(run, histograms, seconds, segments, busy)
  series.p50 = collected.perSecond.p50
  series.p95 = collected.perSecond.p95
  series.p99 = collected.perSecond.p99
  const { endpoints, overall, durationSec } = endpointSummaries(run, seconds, series, collected)
  const { steps, checks, journeys, journeyErrors } = runTallies(run, collected)
  const windows = summariseWindows(segments, series, collected)
  const streams = streamSummaries(run, seconds, collected, durationSec, busy)
  const arrivals = {
    planned: run.intervals.reduce((n, i) => n + i.arrivals.planned, 0),
    started: run.intervals.reduce((n, i) => n + i.arrivals.started, 0),
    dropped: run.intervals.reduce((n, i) => n + i.arrivals.dropped, 0),
  }
  const signals = signalsOf(run, { seconds, series, windows, overall, endpoints, durationSec, arrivals })
  const { findings, rules } = findBottlenecks(signals)
  const budgets = runBudgets(run, options.budgetFile, {
    overall, endpoints, steps, checks: [...checks.entries()].map(([label, c]) => ({ label, ...c })), journeys, arrivals, durationSec,
    model: run.run.scenario.model, generatorSaturated: signals.generatorSaturated,
    ...(streams ? { streams: streamBudgetInputs(streams, journeys) } : {}),
  })

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
    journeys,
    journeyErrors,
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
    ...(streams ? { streams } : {}),
    trust: {
      generatorSaturated: signals.generatorSaturated,
      droppedArrivals: arrivals.dropped,
      closedModel: run.run.scenario.model === 'closed',
      incomplete: end.reason !== 'completed',
      ...(run.run.sharded ? { shards: shardTrust(run.run.sharded) } : {}),
    },
    outages: findOutages(series),
    ...(run.drill ? { drill: summariseDrill(run.drill, series) } : {}),
    warnings: [...run.warnings, ...highCardinality(run)],
  }
  // A capacity ladder's capacity belongs to its analysis: `lmsload analyze` on the run gives the ladder's answer again.
  if (run.run.capacity?.mode === 'ladder') unjudged.capacity = ladderSection(unjudged as Analysis, run.run.capacity)
  const { schema, generatedAt, run: about, ...rest } = unjudged
  return { schema, generatedAt, run: about, verdict: verdictOf(unjudged, end), ...rest }
}
