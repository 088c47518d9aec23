import { createHmac, timingSafeEqual } from 'node:crypto'

// HLS as a video CDN serves it: a master playlist, one media playlist per rendition, 6-second
// MPEG-TS segments sized by bitrate. URLs are signed (lesson, duration, expiry) like CDN signed
// URLs, so segment requests need no database lookup.

export const SEGMENT_SEC = 6

export const RENDITIONS = [
  { name: '240p', bandwidth: 400_000, resolution: '426x240' },
  { name: '360p', bandwidth: 800_000, resolution: '640x360' },
  { name: '720p', bandwidth: 2_500_000, resolution: '1280x720' },
  { name: '1080p', bandwidth: 5_000_000, resolution: '1920x1080' },
] as const

export type RenditionName = (typeof RENDITIONS)[number]['name']

export const RENDITION_NAMES = RENDITIONS.map((r) => r.name)

const SIGNED_URL_TTL_MS = 4 * 3600_000
const TS_PACKET = 188

export interface Signature {
  d: number
  exp: number
  sig: string
}

export function sign(secret: Buffer, lessonId: number, durationSec: number, exp: number): string {
  return createHmac('sha256', secret).update(`${lessonId}.${durationSec}.${exp}`).digest('base64url')
}

export function verify(secret: Buffer, lessonId: number, s: Signature, nowMs: number): 'ok' | 'expired' | 'invalid' {
  const expected = Buffer.from(sign(secret, lessonId, s.d, s.exp))
  const given = Buffer.from(s.sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid'
  return s.exp * 1000 < nowMs ? 'expired' : 'ok'
}

export function signedQuery(secret: Buffer, lessonId: number, durationSec: number, nowMs: number): string {
  // Expiry rounded up to the hour so every learner of a lesson gets the same, cacheable URLs.
  const exp = Math.ceil((nowMs + SIGNED_URL_TTL_MS) / 3600_000) * 3600
  return `d=${durationSec}&exp=${exp}&sig=${sign(secret, lessonId, durationSec, exp)}`
}

export function segmentCount(durationSec: number): number {
  return Math.max(1, Math.ceil(durationSec / SEGMENT_SEC))
}

export function segmentSeconds(durationSec: number, index: number): number {
  const last = segmentCount(durationSec) - 1
  return index < last ? SEGMENT_SEC : durationSec - last * SEGMENT_SEC || SEGMENT_SEC
}

export function segmentBytes(bandwidth: number, seconds: number): number {
  const raw = Math.round((bandwidth / 8) * seconds)
  return raw - (raw % TS_PACKET)
}

export function masterPlaylist(query: string): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3']
  for (const r of RENDITIONS) {
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},RESOLUTION=${r.resolution},CODECS="avc1.4d401f,mp4a.40.2"`)
    lines.push(`${r.name}/index.m3u8?${query}`)
  }
  return `${lines.join('\n')}\n`
}

export function mediaPlaylist(durationSec: number, query: string): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${SEGMENT_SEC}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD']
  const count = segmentCount(durationSec)
  for (let i = 0; i < count; i++) {
    lines.push(`#EXTINF:${segmentSeconds(durationSec, i).toFixed(3)},`)
    lines.push(`seg-${i}.ts?${query}`)
  }
  lines.push('#EXT-X-ENDLIST')
  return `${lines.join('\n')}\n`
}

/** Incompressible bytes framed as 188-byte TS packets (sync byte 0x47), shared by every segment. */
export function segmentPayload(): Buffer {
  const max = segmentBytes(RENDITIONS[RENDITIONS.length - 1]!.bandwidth, SEGMENT_SEC)
  const buf = Buffer.allocUnsafe(max)
  let x = 0x9e3779b9
  for (let i = 0; i < max; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    buf[i] = i % TS_PACKET === 0 ? 0x47 : x & 0xff
  }
  return buf
}

export interface ByteRange {
  start: number
  end: number
}

/** One `bytes=` range (RFC 9110 §14.1.2); undefined for none, 'unsatisfiable' when out of bounds. */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Multiple or malformed ranges: ignore the header and send the whole body, as RFC 9110 allows.
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}
