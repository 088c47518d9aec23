import { think, type Learner } from 'lmsload'
import type { LmsData } from './data.ts'
import { pick, signIn } from './session.ts'

// Rendition shares of a typical campus audience: mostly 720p and 360p, some mobile 240p.
const RENDITIONS = [['240p', 0.1], ['360p', 0.3], ['720p', 0.4], ['1080p', 0.2]] as const

function chooseRendition(l: Learner): string {
  let x = l.random.next()
  for (const [name, share] of RENDITIONS) if ((x -= share) < 0) return name
  return '720p'
}
// Players ask for the first segments back to back to fill their buffer, then one per segment length.
const BUFFER_SEGMENTS = 3

/**
 * Starts a lecture video as an HLS player does: master playlist, one rendition's playlist, the first
 * segments; then reports progress every 10 s as players' heartbeats do (Open edX and Moodle's
 * video plugins save the position periodically; in Open edX production mixes, video-state saves and
 * tracking calls dominate the request count).
 */
export async function watchLecture(l: Learner<LmsData>, options: { lessonId?: number; heartbeats?: number } = {}): Promise<void> {
  const lesson = await l.get('/api/lessons/:id', { params: { id: options.lessonId ?? pick(l, l.data.courses[0]!.lessonIds) } })
  if (!l.check(lesson, (r) => r.status === 200, 'lesson opened')) return
  const { playback, id } = lesson.json<{ id: number; playback: { masterUrl: string } }>()
  const query = playback.masterUrl.split('?')[1] ?? ''
  // Split by hand, not URLSearchParams: journeys also run inside k6 (lmsload export k6), which has none.
  const qs = Object.fromEntries(query.split('&').filter(Boolean).map((pair) => pair.split('=', 2).map(decodeURIComponent) as [string, string]))
  await l.get('/media/lessons/:lessonId/master.m3u8', { params: { lessonId: id }, query: qs })
  const rendition = chooseRendition(l)
  const variant = await l.get('/media/lessons/:lessonId/:rendition/index.m3u8', { params: { lessonId: id, rendition }, query: qs })
  if (!l.check(variant, (r) => r.status === 200, 'playlist loaded')) return
  const segments = variant.body.split('\n').filter((line) => line.startsWith('seg-'))
  for (const seg of segments.slice(0, BUFFER_SEGMENTS)) {
    await l.get('/media/lessons/:lessonId/:rendition/:segment', { params: { lessonId: id, rendition, segment: seg.split('?')[0]! }, query: qs, discardBody: true })
  }
  let position = 0
  for (let beat = 0; beat < (options.heartbeats ?? 6); beat++) {
    await l.think('10s')
    position += 10
    const res = await l.put('/api/lessons/:id/progress', { params: { id }, json: { positionSec: position } })
    l.check(res, (r) => r.status === 200, 'progress saved')
  }
}

/** A learner's study session: sign in, dashboard, a course, a lecture. */
export async function study(l: Learner<LmsData>): Promise<void> {
  if (!(await signIn(l))) return
  const dash = await l.get('/api/me/dashboard')
  if (!l.check(dash, (r) => r.status === 200, 'dashboard loaded')) return
  const enrolled = dash.json<{ courses: Array<{ id: number }> }>().courses
  if (enrolled.length === 0) return
  await l.think(think.lognormal({ median: '4s', sigma: 0.6 }))
  const course = await l.get('/api/courses/:id', { params: { id: pick(l, enrolled).id } })
  if (!l.check(course, (r) => r.status === 200, 'course opened')) return
  const lessons = course.json<{ lessons: Array<{ id: number }> }>().lessons
  if (lessons.length === 0) return
  await l.think(think.lognormal({ median: '6s', sigma: 0.6 }))
  await watchLecture(l, { lessonId: pick(l, lessons).id })
}
