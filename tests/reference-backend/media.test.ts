import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mediaPlaylist, parseRange, segmentBytes, segmentCount, sign } from '../../reference-backend/src/media/hls.ts'
import { seededDatabase, startBackend, type TestBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'

describe('HTTP byte ranges (RFC 9110 §14.1.2)', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=500-5000', 1000, { start: 500, end: 999 }],
    ['bytes=1000-', 1000, 'unsatisfiable'],
    ['bytes=50-10', 1000, 'unsatisfiable'],
    ['bytes=-0', 1000, 'unsatisfiable'],
    ['bytes=0-1,5-9', 1000, undefined],
    ['items=0-9', 1000, undefined],
    [undefined, 1000, undefined],
  ] as const)('%s of %i bytes → %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })
})

describe('HLS playlists', () => {
  it('covers the whole duration in 6-second segments with a short last one', () => {
    const playlist = mediaPlaylist(20, 'q')
    expect(segmentCount(20)).toBe(4)
    expect(playlist.match(/#EXTINF:6\.000,/g)).toHaveLength(3)
    expect(playlist).toContain('#EXTINF:2.000,\nseg-3.ts?q')
    expect(playlist.trim().endsWith('#EXT-X-ENDLIST')).toBe(true)
  })

  it('sizes segments by bitrate in whole 188-byte TS packets', () => {
    expect(segmentBytes(800_000, 6)).toBe(600_000 - (600_000 % 188))
    expect(segmentBytes(800_000, 6) % 188).toBe(0)
  })
})

describe('media over HTTP', () => {
  let db: TestDatabase
  let backend: TestBackend
  let master: string
  let lessonId: number

  beforeAll(async () => {
    db = await seededDatabase('sqlite')
    backend = await startBackend(db)
    const token = await backend.api.login('learner1', PASSWORDS.learner)
    const dash = await backend.api.get('/api/me/dashboard', token)
    const course = await backend.api.get(`/api/courses/${dash.body.courses[0].id}`, token)
    lessonId = course.body.lessons[0].id
    master = (await backend.api.get(`/api/lessons/${lessonId}`, token)).body.playback.masterUrl
  })
  afterAll(async () => {
    await backend?.close()
    await db?.drop()
  })

  it('walks master → variant → segment with realistic sizes and honours Range', async () => {
    const m = await backend.api.get(master)
    expect(m.status).toBe(200)
    expect(m.headers.get('content-type')).toBe('application/vnd.apple.mpegurl')
    const variants = m.text.split('\n').filter((l) => l && !l.startsWith('#'))
    expect(variants.map((v) => v.split('/')[0])).toEqual(['240p', '360p', '720p', '1080p'])
    const base = master.slice(0, master.lastIndexOf('/') + 1)
    const v = await backend.api.get(base + variants[1])
    const segments = v.text.split('\n').filter((l) => l && !l.startsWith('#'))
    expect(segments.length).toBeGreaterThan(10)
    const segUrl = `${base}360p/${segments[0]}`
    const seg = await fetch(backend.url + segUrl)
    const bytes = Buffer.from(await seg.arrayBuffer())
    expect(seg.headers.get('content-type')).toBe('video/mp2t')
    expect(bytes.length).toBe(segmentBytes(800_000, 6))
    expect(bytes[0]).toBe(0x47)
    expect(bytes[188]).toBe(0x47)
    const part = await fetch(backend.url + segUrl, { headers: { range: 'bytes=188-375' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 188-375/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(188, 376))
    const beyond = await fetch(backend.url + segUrl, { headers: { range: `bytes=${bytes.length}-` } })
    expect(beyond.status).toBe(416)
    const missing = await backend.api.get(`${base}360p/seg-${segments.length}.ts${segments[0]!.slice(segments[0]!.indexOf('?'))}`)
    expect(missing.status).toBe(404)
  })

  it('refuses tampered and expired media URLs with 403', async () => {
    const tampered = master.replace(/d=\d+/, 'd=86400')
    expect((await backend.api.get(tampered)).status).toBe(403)
    expect((await backend.api.get(`/media/lessons/${lessonId}/master.m3u8`)).status).toBe(400)
    const exp = Math.floor(Date.now() / 1000) - 60
    const d = Number(/d=(\d+)/.exec(master)![1])
    // A correctly signed URL whose time has passed.
    const secret = await mediaSecret(db.dataDir)
    const expired = `/media/lessons/${lessonId}/master.m3u8?d=${d}&exp=${exp}&sig=${sign(secret, lessonId, d, exp)}`
    const r = await backend.api.get(expired)
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('URL_EXPIRED')
  })
})

async function mediaSecret(dataDir: string): Promise<Buffer> {
  const { DatabaseSync } = await import('node:sqlite')
  const conn = new DatabaseSync(`${dataDir}/lms.sqlite`, { readOnly: true })
  const row = conn.prepare("SELECT value FROM settings WHERE key = 'media_secret'").get() as { value: string }
  conn.close()
  return Buffer.from(row.value, 'base64url')
}
