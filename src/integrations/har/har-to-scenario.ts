// `lmsload record har`: a browser recording of a learner's session (HAR 1.2, as Chromium, Firefox
// and Playwright write it) turned into an lmsload journey skeleton. Static assets are dropped,
// requests become route templates with parameters, ids and tokens the server handed out earlier in
// the session are correlated (read from that earlier response, not replayed as recorded), think
// times come from the recorded gaps between pages, and every request gets a check on its status.
import type { Entry, Har } from 'har-format'
import { UserError } from '../../core/errors.ts'
import { isIdSegment } from '../../scenario/route.ts'

export interface HarOptions {
  /** Keep requests to this origin only (default: the origin most requests went to). */
  origin?: string
  keepStatic?: boolean
  name: string
  source: string
  /** A pause longer than this starts a new page (when the HAR has no pages). */
  pageGapMs?: number
}

export interface HarConversion {
  code: string
  kept: number
  dropped: { static: number; otherOrigin: number; failed: number }
  correlations: number
  constants: number
  origin: string
  pages: number
}

const STATIC_EXT = /\.(css|js|mjs|map|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot)(\?|$)/i
const STATIC_MIME = /^(text\/css|(application|text)\/javascript|image\/|font\/|application\/font)/i
const DROP_HEADERS = new Set([
  'host', 'connection', 'content-length', 'cookie', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'origin', 'referer',
  'authorization', 'cache-control', 'pragma', 'upgrade-insecure-requests', 'priority', 'dnt', 'te', 'if-none-match', 'if-modified-since', 'keep-alive',
])

interface Call {
  index: number
  /** The request's Authorization header as recorded (sent again through l.bearer()). */
  authorization: string | undefined
  method: string
  url: URL
  headers: Record<string, string>
  body: { kind: 'json'; value: unknown } | { kind: 'text'; value: string; type: string } | undefined
  status: number
  json: unknown
  /** The body of an HTML or text response, for values a page hands out (Moodle's sesskey). */
  text: string | undefined
  startMs: number
  endMs: number
  page: string
}

/** A value the server handed out, and where it was: response `r`, JSON path `path`. */
interface Source {
  call: number
  path: string
}

function fail(file: string, message: string): never {
  throw new UserError('LMSLOAD_IMPORT', `${file}: ${message}`)
}

function parseHar(text: string, file: string): Har {
  let har: Har
  try {
    har = JSON.parse(text) as Har
  } catch (error) {
    fail(file, `not JSON: ${(error as Error).message.split('\n')[0]}`)
  }
  if (!har || typeof har !== 'object' || !har.log || !Array.isArray(har.log.entries)) fail(file, 'not a HAR file (expected {"log": {"entries": [...]}})')
  return har
}

function singular(segment: string): string {
  const s = segment.replace(/[^A-Za-z0-9]/g, '')
  if (/ies$/.test(s)) return `${s.slice(0, -3)}y`
  if (/(ss|us)$/.test(s)) return s
  return s.replace(/s$/, '')
}

function identifier(text: string): string {
  const camel = text.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))
  return /^[A-Za-z_]/.test(camel) ? camel : `v${camel}`
}

/** Every scalar in a JSON value with its accessor path, for correlation. */
function walk(value: unknown, path: string, out: Array<{ path: string; key: string; value: string | number }>, depth = 0): void {
  if (depth > 8 || out.length > 5000) return
  if (Array.isArray(value)) value.slice(0, 200).forEach((v, i) => walk(v, `${path}[${i}]`, out, depth + 1))
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, out, depth + 1)
  } else if (typeof value === 'string' || typeof value === 'number') {
    const key = path.slice(Math.max(path.lastIndexOf('.'), path.lastIndexOf('[')) + 1).replace(/\W/g, '')
    out.push({ path, key, value })
  }
}

/** Whether a recorded value is worth tracing back to a response: an id, a token, not a common word. */
function correlatable(value: string | number, key: string): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && /(^id$|Id$|_id$)/.test(key)
  return value.length >= 8 && !/^(true|false|null|undefined)$/i.test(value) && !/\s/.test(value)
}

function entryBody(entry: Entry): Call['body'] {
  const post = entry.request.postData
  if (!post || post.text === undefined || post.text === '') return undefined
  const type = (post.mimeType ?? '').split(';')[0]!.trim()
  if (/json/i.test(type)) {
    try {
      return { kind: 'json', value: JSON.parse(post.text) }
    } catch {}
  }
  return { kind: 'text', value: post.text, type: post.mimeType ?? 'text/plain' }
}

function responseText(entry: Entry): string | undefined {
  const content = entry.response.content
  if (!content?.text || !/(html|xml|text\/plain|javascript)/i.test(content.mimeType ?? '')) return undefined
  const text = content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text
  return text.length <= 4_000_000 ? text : undefined
}

/**
 * The text just before a value that names it: from a delimiter on, and at least 8 characters
 * (`"sesskey":"`, `name="sesskey" value="`), so the expression finds this value and not the one
 * before it.
 */
function leftContext(window: string): string {
  const delimiters = /[,{;\s&?<>(]/g
  const starts = [0, ...[...window.matchAll(delimiters)].map((m) => m.index! + 1)]
  for (let i = starts.length - 1; i >= 0; i--) if (window.length - starts[i]! >= 8) return window.slice(starts[i])
  return window
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

function responseJson(entry: Entry): unknown {
  const content = entry.response.content
  if (!content?.text || !/json/i.test(content.mimeType ?? '')) return undefined
  try {
    return JSON.parse(content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text)
  } catch {
    return undefined
  }
}

function literal(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:')
}

/** Converts a HAR into the source of an lmsload scenario (TypeScript). */
export function harToScenario(text: string, options: HarOptions): HarConversion {
  const har = parseHar(text, options.source)
  const entries = har.log.entries
  if (entries.length === 0) fail(options.source, 'the recording has no requests')
  const origins = new Map<string, number>()
  for (const e of entries) {
    try {
      const u = new URL(e.request.url)
      if (u.protocol === 'http:' || u.protocol === 'https:') origins.set(u.origin, (origins.get(u.origin) ?? 0) + 1)
    } catch {}
  }
  const origin = options.origin ? new URL(options.origin).origin : [...origins].sort((a, b) => b[1] - a[1])[0]?.[0]
  if (!origin) fail(options.source, 'no http(s) requests in the recording')
  const pageTitles = new Map((har.log.pages ?? []).map((p) => [p.id, p.title]))
  const dropped = { static: 0, otherOrigin: 0, failed: 0 }
  const calls: Call[] = []
  const sorted = [...entries].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime))
  for (const e of sorted) {
    let url: URL
    try {
      url = new URL(e.request.url)
    } catch {
      dropped.otherOrigin++
      continue
    }
    if (url.origin !== origin) {
      dropped.otherOrigin++
      continue
    }
    if (!options.keepStatic && (STATIC_EXT.test(url.pathname) || STATIC_MIME.test(e.response.content?.mimeType ?? ''))) {
      dropped.static++
      continue
    }
    if (!e.response || e.response.status === 0) {
      dropped.failed++
      continue
    }
    const headers: Record<string, string> = {}
    for (const h of e.request.headers ?? []) {
      const name = h.name.toLowerCase()
      if (DROP_HEADERS.has(name) || name.startsWith(':') || name.startsWith('sec-') || name === 'content-type') continue
      headers[name] = h.value
    }
    const startMs = Date.parse(e.startedDateTime)
    calls.push({
      index: calls.length, authorization: e.request.headers?.find((h) => h.name.toLowerCase() === 'authorization')?.value, method: e.request.method.toUpperCase(), url, headers, body: entryBody(e), status: e.response.status, json: responseJson(e), text: responseText(e),
      startMs, endMs: startMs + Math.max(0, e.time ?? 0), page: e.pageref ? (pageTitles.get(e.pageref) ?? e.pageref) : '',
    })
  }
  if (calls.length === 0) fail(options.source, `no requests left after dropping ${dropped.static} static and ${dropped.otherOrigin} other-origin ones (try --keep-static or --origin)`)

  // Correlation: the most recent earlier response that carried each value.
  const seen = new Map<string, Source>()
  const used = new Set<number>()
  const constants = new Map<string, string | number>()
  let correlations = 0
  const sourceOf = (value: string | number, before: number): string | undefined => {
    const s = seen.get(`${typeof value}:${value}`)
    if (!s || s.call >= before) return undefined
    used.add(s.call)
    correlations++
    return `d${s.call}${s.path}`
  }
  const constantFor = (name: string, value: string | number): string => {
    let key = identifier(name)
    while (constants.has(key) && constants.get(key) !== value) key = `${key}_`
    constants.set(key, value)
    return `RECORDED.${key}`
  }
  // Values found in an earlier page's HTML or text: read back with a regular expression built
  // from the text around them (JMeter's regex extractor), declared once after that response.
  const extracts = new Map<number, string[]>()
  const extracted = new Map<string, string>()
  const fromText = (value: string, before: number, key: string): string | undefined => {
    const known = extracted.get(value)
    if (known) return known
    for (let i = before - 1; i >= 0; i--) {
      const text = calls[i]!.text
      const at = text?.indexOf(value) ?? -1
      if (!text || at < 0) continue
      const left = leftContext(text.slice(Math.max(0, at - 48), at).split(/[\r\n]/).pop()!)
      const after = text[at + value.length]
      if (left.length < 4 || after === undefined) continue
      let name = identifier(key || 'value')
      while ([...extracted.values()].includes(name)) name = `${name}_`
      const pattern = `${escapeRegex(left)}([^${escapeRegex(after)}\\s]+)`
      const list = extracts.get(i) ?? []
      list.push(`  const ${name} = /${pattern}/.exec(r${i}.body)?.[1] ?? ''`)
      extracts.set(i, list)
      extracted.set(value, name)
      correlations++
      return name
    }
    return undefined
  }
  const expression = (value: unknown, before: number, key: string): string | undefined => {
    if ((typeof value === 'string' || typeof value === 'number') && correlatable(value, key)) {
      return sourceOf(value, before) ?? (typeof value === 'string' ? fromText(value, before, key) : undefined)
    }
    return undefined
  }
  /** A JSON body with correlated values replaced by expressions. */
  const bodyCode = (value: unknown, before: number, key: string, indent: string): string => {
    const e = expression(value, before, key)
    if (e) return e
    if (Array.isArray(value)) return `[${value.map((v) => bodyCode(v, before, key, indent)).join(', ')}]`
    if (value !== null && typeof value === 'object') {
      const inner = Object.entries(value).map(([k, v]) => `${indent}  ${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${bodyCode(v, before, k, `${indent}  `)}`)
      return inner.length ? `{\n${inner.join(',\n')},\n${indent}}` : '{}'
    }
    return JSON.stringify(value)
  }

  const lines: string[] = []
  let page = ''
  let lastEnd = calls[0]!.startMs
  let pages = 0
  const gapMs = options.pageGapMs ?? 1000
  for (const call of calls) {
    const newPage = call.page ? call.page !== page : call.startMs - lastEnd > gapMs
    if (newPage || lines.length === 0) {
      pages++
      const pause = call.startMs - lastEnd
      if (lines.length > 0 && pause >= 200) {
        lines.push('', `  // ${(pause / 1000).toFixed(1)} s on the page in the recording`)
        lines.push(`  await l.think(think.lognormal({ median: '${Math.round(pause) / 1000}s', sigma: 0.4 }))`)
      }
      page = call.page
      lines.push('', `  // ${call.page || `page ${pages}`}`)
    }
    lastEnd = Math.max(lastEnd, call.endMs)
    // Route template: id-like segments become :params, their values correlated or recorded constants.
    const params: string[] = []
    const names = new Set<string>()
    const segments = call.url.pathname.split('/').map((segment, i, all) => {
      const decoded = decodeURIComponent(segment)
      if (!isIdSegment(decoded)) return segment
      let name = `${singular(all[i - 1] ?? 'item') || 'item'}Id`
      while (names.has(name)) name = `${name}2`
      names.add(name)
      const value: string | number = /^\d+$/.test(decoded) && decoded.length < 16 ? Number(decoded) : decoded
      params.push(`${name}: ${expression(value, call.index, 'id') ?? constantFor(name, value)}`)
      return `:${name}`
    })
    const template = segments.join('/') || '/'
    const opts: string[] = []
    if (params.length) opts.push(`params: { ${params.join(', ')} }`)
    const query = [...call.url.searchParams]
    if (query.length) {
      opts.push(`query: { ${query.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${expression(/^\d+$/.test(v) ? Number(v) : v, call.index, k) ?? JSON.stringify(v)}`).join(', ')} }`)
    }
    if (call.body?.kind === 'json') opts.push(`json: ${bodyCode(call.body.value, call.index, '', '    ')}`)
    else if (call.body?.kind === 'text') {
      opts.push(`body: ${JSON.stringify(call.body.value)}`)
      call.headers['content-type'] = call.body.type
    }
    if (Object.keys(call.headers).length) opts.push(`headers: ${literal(call.headers, '    ')}`)
    if (call.status >= 400) opts.push(`expect: ${call.status}`)
    const method = call.method.toLowerCase()
    const fn = ['get', 'post', 'put', 'patch', 'delete'].includes(method) ? method : undefined
    if (!fn) {
      lines.push(`  // ${call.method} ${template}: lmsload journeys send GET, POST, PUT, PATCH and DELETE; left out`)
      continue
    }
    const args = opts.length ? `, {\n    ${opts.join(',\n    ')},\n  }` : ''
    lines.push(`  const r${call.index} = await l.${fn}('${template.replace(/'/g, "\\'")}'${args})`)
    lines.push(`  if (!l.check(r${call.index}, (r) => r.status === ${call.status}, '${call.method} ${template.replace(/'/g, "\\'")} answered ${call.status}')) return`)
    // Values this response hands out, for later requests (first occurrence wins over older ones).
    if (call.json !== undefined) {
      const scalars: Array<{ path: string; key: string; value: string | number }> = []
      walk(call.json, '', scalars)
      for (const s of scalars.reverse()) if (correlatable(s.value, s.key)) seen.set(`${typeof s.value}:${s.value}`, { call: call.index, path: s.path })
    }
  }
  // Declare the parsed body of every response a later request reads from, and set the bearer token
  // right after the response that issued it (when a later request sent it).
  const out: string[] = []
  const bearerAt = new Map<number, string>()
  for (const call of calls) {
    const token = call.authorization?.replace(/^Bearer\s+/i, '')
    if (!token) continue
    const s = seen.get(`string:${token}`)
    if (s && s.call < call.index && !bearerAt.has(s.call)) {
      bearerAt.set(s.call, `d${s.call}${s.path}`)
      used.add(s.call)
      correlations++
    }
  }
  for (const line of lines) {
    out.push(line)
    const m = /^ {2}if \(!l\.check\(r(\d+),/.exec(line)
    if (!m) continue
    const i = Number(m[1])
    if (used.has(i)) out.push(`  const d${i} = r${i}.json<any>()`)
    out.push(...(extracts.get(i) ?? []))
    if (bearerAt.has(i)) out.push(`  l.bearer(${bearerAt.get(i)})`)
  }
  const constantsCode = constants.size
    ? `\n// Values the recording used that no earlier response handed out: the session's own choices\n// (a course it opened, ids typed in). Replace them with data the target has, or read them in setup().\nconst RECORDED = ${literal(Object.fromEntries(constants), '')}\n`
    : ''
  const credentials = calls.some((c) => c.body?.kind === 'json' && /pass(word)?/i.test(JSON.stringify(c.body.value)))
  const code = `// Generated by \`lmsload record har ${options.source}\` from a recording of ${origin}: ${calls.length} requests kept
// (${dropped.static} static assets, ${dropped.otherOrigin} requests to other origins and ${dropped.failed} failed ones dropped), ${correlations} values
// correlated with the responses that issued them, ${constants.size} kept as recorded constants. A skeleton:
// every learner replays this one session, so give them their own accounts and data before a real test.${credentials ? '\n// The recording signs in with its own credentials (below): use test accounts.' : ''}
import { arrival, defineScenario, think, type Learner } from 'lmsload'
${constantsCode}
async function recordedSession(l: Learner): Promise<void> {${out.join('\n')}
}

export default defineScenario({
  name: '${options.name}',
  description: 'Recorded from ${options.source.replace(/'/g, "\\'")}: one learner session, replayed by every learner.',
  arrival: arrival.constant({ rate: 1, duration: '60s' }),
  journeys: {
    recorded: { weight: 1, run: recordedSession },
  },
})
`
  return { code, kept: calls.length, dropped, correlations, constants: constants.size, origin, pages }
}
