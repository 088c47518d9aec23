// Stage 1 of `lmsload record har` (filter): the HAR read and checked, the requests kept (one
// origin, no static assets, no failed ones) as calls in the order they started.
import type { Entry, Har } from 'har-format'
import { UserError } from '../../core/errors.ts'

const STATIC_EXT = /\.(css|js|mjs|map|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot)(\?|$)/i
const STATIC_MIME = /^(text\/css|(application|text)\/javascript|image\/|font\/|application\/font)/i
const DROP_HEADERS = new Set([
  'host', 'connection', 'content-length', 'cookie', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'origin', 'referer',
  'authorization', 'cache-control', 'pragma', 'upgrade-insecure-requests', 'priority', 'dnt', 'te', 'if-none-match', 'if-modified-since', 'keep-alive',
])

export interface Call {
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

export function fail(file: string, message: string): never {
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

function responseJson(entry: Entry): unknown {
  const content = entry.response.content
  if (!content?.text || !/json/i.test(content.mimeType ?? '')) return undefined
  try {
    return JSON.parse(content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text)
  } catch {
    return undefined
  }
}

export interface RecordedCalls {
  calls: Call[]
  origin: string
  dropped: { static: number; otherOrigin: number; failed: number }
}

/** The calls a journey replays, and what was dropped. */
export function recordedCalls(text: string, options: { origin?: string; keepStatic?: boolean; source: string }): RecordedCalls {
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

  return { calls, origin: origin!, dropped }
}
