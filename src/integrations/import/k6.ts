// `lmsload import k6`: k6's `--out json` NDJSON (plain or .gz), one file per runner of a
// distributed run, merged by time into one run directory. Files are streamed side by side and
// merged k-way on their point times (each file is nearly time-ordered; a reorder window absorbs
// the rest), so a multi-gigabyte output costs the seconds still open, not the file.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import { UserError } from '../../core/errors.ts'
import { k6TransportError } from '../k6/error-codes.ts'
import { templatedPath } from '../../scenario/route.ts'
import type { SecondFolder } from './seconds.ts'

export interface K6Point {
  metric: string
  timeMs: number
  value: number
  tags: Record<string, string>
}

/** The metrics the import folds; k6's other points (timing phases, data, group durations) are skipped unparsed. */
const FOLDED = new Set(['http_req_duration', 'iteration_duration', 'lmsload_journey_errors', 'dropped_iterations', 'vus', 'checks', 'lmsload_step_duration', 'lmsload_step_failed'])

/** The metric a k6 JSON line is about, read without parsing the line (k6 writes "metric":"…" in every envelope). */
function metricOf(line: string): string | undefined {
  const at = line.indexOf('"metric":"')
  if (at < 0) return undefined
  const end = line.indexOf('"', at + 10)
  return end < 0 ? undefined : line.slice(at + 10, end)
}

interface Source {
  file: string
  index: number
  lines: AsyncIterator<string>
  lineNo: number
  head: K6Point | undefined
  /** Metrics skipped without parsing, for the import's notes. */
  skipped: Set<string>
}

export interface K6ReadStats {
  points: number
  /** Requests made by setup()/teardown(): not learners' traffic, left out as lmsload's own runs do. */
  setupRequests: number
  ignoredMetrics: Set<string>
}

function openLines(file: string): AsyncIterator<string> {
  const raw = createReadStream(file)
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw
  raw.on('error', (e) => input.destroy(e))
  return createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]()
}

function where(source: Source): string {
  return `${source.file}:${source.lineNo}`
}

async function nextPoint(source: Source): Promise<K6Point | undefined> {
  for (;;) {
    let step: IteratorResult<string>
    try {
      step = await source.lines.next()
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      throw new UserError('LMSLOAD_IMPORT', `${where(source)}: cannot read: ${e.code === 'Z_DATA_ERROR' ? 'not valid gzip data' : e.message}`)
    }
    if (step.done) return undefined
    source.lineNo++
    const line = step.value.trim()
    if (line === '') continue
    // Most of a k6 output is points the import does not use (six timing phases per request):
    // skipping them before JSON.parse is most of the import's speed.
    const metric = metricOf(line)
    if (metric !== undefined && !FOLDED.has(metric) && line.startsWith('{') && line.endsWith('}')) {
      source.skipped.add(metric)
      continue
    }
    let parsed: { type?: string; metric?: string; data?: { time?: string; value?: number; tags?: Record<string, string> | null } }
    try {
      parsed = JSON.parse(line)
    } catch {
      throw new UserError('LMSLOAD_IMPORT', `${where(source)}: not JSON (expected k6's --out json lines: {"type":"Point","metric":…,"data":{…}})`)
    }
    if (parsed.type === 'Metric') continue
    if (parsed.type !== 'Point' || typeof parsed.metric !== 'string' || typeof parsed.data !== 'object' || parsed.data === null) {
      throw new UserError('LMSLOAD_IMPORT', `${where(source)}: not a k6 output line (expected "type":"Point" or "Metric")`)
    }
    const timeMs = typeof parsed.data.time === 'string' ? Date.parse(parsed.data.time) : NaN
    const value = parsed.data.value
    if (!Number.isFinite(timeMs) || typeof value !== 'number' || !Number.isFinite(value)) {
      throw new UserError('LMSLOAD_IMPORT', `${where(source)}: a ${parsed.metric} point needs data.time (RFC 3339) and a numeric data.value`)
    }
    return { metric: parsed.metric, timeMs, value, tags: parsed.data.tags ?? {} }
  }
}

/** Opens the files and reads each one's first point (the run starts at the earliest). */
export async function openK6Sources(files: string[]): Promise<{ sources: Source[]; startMs: number; target: string }> {
  if (files.length === 0) throw new UserError('LMSLOAD_USAGE', 'import k6: name at least one k6 --out json file')
  const sources: Source[] = []
  for (const [index, file] of files.entries()) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new UserError('LMSLOAD_IMPORT', `${file}: no such file`)
    const source: Source = { file, index, lines: openLines(file), lineNo: 0, head: undefined, skipped: new Set() }
    source.head = await nextPoint(source)
    if (!source.head) throw new UserError('LMSLOAD_IMPORT', `${file}: no k6 points in the file (was it written by k6 run --out json=…?)`)
    sources.push(source)
  }
  const startMs = Math.floor(Math.min(...sources.map((s) => s.head!.timeMs)) / 1000) * 1000
  let target = ''
  for (const s of sources) {
    const url = s.head?.tags.url
    if (url && /^https?:\/\//.test(url)) target = new URL(url).origin
  }
  return { sources, startMs, target }
}


/** The endpoint a k6 request is recorded under: its name tag, or METHOD + templated path when k6 named it by URL. */
export function k6EndpointName(tags: Record<string, string>): string {
  const method = tags.method ?? 'GET'
  const name = tags.name ?? tags.url ?? 'unnamed'
  if (/^https?:\/\//i.test(name)) return `${method} ${templatedPath(name)}`
  return /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(name) ? name : `${method} ${name}`
}

function isSetup(tags: Record<string, string>): boolean {
  return tags.lmsload === 'setup' || tags.group === '::setup' || tags.group === '::teardown'
}

/** Folds one point into the seconds. */
function fold(folder: SecondFolder, p: K6Point, generator: number, stats: K6ReadStats): void {
  const t = p.tags
  switch (p.metric) {
    case 'http_req_duration': {
      if (isSetup(t)) {
        stats.setupRequests++
        return
      }
      const status = Number(t.status) || 0
      const ok = t.expected_response !== undefined ? t.expected_response === 'true' && status !== 0 : status >= 200 && status < 400
      folder.request(p.timeMs, k6EndpointName(t), { latencyMs: p.value, status, ok, error: status === 0 ? k6TransportError(t.error_code) : undefined })
      return
    }
    case 'iteration_duration':
      if (isSetup(t)) return
      folder.arrival(p.timeMs - p.value)
      folder.journey(p.timeMs, t.journey ?? t.scenario ?? 'default', 'completed')
      return
    case 'lmsload_journey_errors':
      folder.journey(p.timeMs, t.journey ?? t.scenario ?? 'default', 'failed')
      return
    case 'dropped_iterations':
      folder.dropped(p.timeMs, p.value)
      return
    case 'vus':
      folder.active(p.timeMs, p.value, generator)
      return
    case 'checks':
      if (!isSetup(t)) folder.check(p.timeMs, t.check ?? 'check', p.value !== 0)
      return
    case 'lmsload_step_duration':
      folder.step(p.timeMs, t.step ?? 'step', p.value, false)
      return
    case 'lmsload_step_failed':
      if (p.value !== 0) folder.stepFailed(p.timeMs, t.step ?? 'step')
      return
    default:
      stats.ignoredMetrics.add(p.metric)
  }
}

/** Streams every file's points in time order (k-way merge on the files' heads) into the folder. */
export async function foldK6(sources: Source[], folder: SecondFolder): Promise<K6ReadStats> {
  const stats: K6ReadStats = { points: 0, setupRequests: 0, ignoredMetrics: new Set() }
  const live = sources.filter((s) => s.head)
  let sinceAdvance = 0
  while (live.length > 0) {
    // Few files (runners): a linear scan for the earliest head beats a heap's bookkeeping.
    let next = 0
    for (let i = 1; i < live.length; i++) if (live[i]!.head!.timeMs < live[next]!.head!.timeMs) next = i
    const source = live[next]!
    const point = source.head!
    fold(folder, point, source.index, stats)
    stats.points++
    source.head = await nextPoint(source)
    if (!source.head) live.splice(next, 1)
    if (++sinceAdvance >= 4096) {
      sinceAdvance = 0
      // Every live file has reached at least its head's time: seconds before the earliest head are complete.
      if (live.length > 0) folder.advance(Math.min(...live.map((s) => s.head!.timeMs)))
    }
  }
  for (const s of sources) for (const m of s.skipped) stats.ignoredMetrics.add(m)
  return stats
}

/** k6's end-of-test summary (`--summary-export` or handleSummary's JSON) for the comparison. */
export function k6SummaryMetrics(summary: unknown, file: string): Record<string, Record<string, number>> {
  const metrics = (summary as { metrics?: Record<string, { values?: Record<string, number> } & Record<string, unknown>> })?.metrics
  if (typeof metrics !== 'object' || metrics === null) throw new UserError('LMSLOAD_IMPORT', `${file}: not a k6 summary (expected {"metrics": {…}} from --summary-export or handleSummary)`)
  const out: Record<string, Record<string, number>> = {}
  for (const [name, m] of Object.entries(metrics)) {
    const values = (m.values ?? m) as Record<string, unknown>
    out[name] = Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'number')) as Record<string, number>
  }
  return out
}
