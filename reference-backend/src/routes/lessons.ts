import type { FastifyInstance, FastifyReply } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Deps } from '../deps.ts'
import { badRequest, HttpError, notFound } from '../http-error.ts'
import {
  masterPlaylist, mediaPlaylist, parseRange, RENDITION_NAMES, RENDITIONS, SEGMENT_SEC, segmentBytes, segmentCount,
  segmentPayload, segmentSeconds, signedQuery, verify, type Signature,
} from '../media/hls.ts'
import { loadCourse, requireParticipant } from './course-data.ts'
import { id, idParams, noQuery, type IdParams } from './schemas.ts'

interface ProgressBody {
  positionSec: number
  watchedSec?: number
  completed?: boolean
}

interface LessonRow {
  id: number
  course_id: number
  position: number
  title: string
  duration_sec: number
}

const signatureQuery = {
  type: 'object', required: ['d', 'exp', 'sig'], additionalProperties: false,
  properties: {
    d: { type: 'integer', minimum: 1, maximum: 86_400 },
    exp: { type: 'integer', minimum: 0 },
    sig: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
  },
} as const

function checkSignature(deps: Deps, lessonId: number, s: Signature): void {
  const result = verify(deps.mediaSecret, lessonId, s, Date.now())
  if (result === 'invalid') throw new HttpError(403, 'BAD_SIGNATURE', 'media URL signature does not match')
  if (result === 'expired') throw new HttpError(403, 'URL_EXPIRED', 'media URL has expired; fetch the lesson again')
}

function sendPlaylist(reply: FastifyReply, body: string): string {
  reply.header('content-type', 'application/vnd.apple.mpegurl').header('cache-control', 'private, max-age=3600')
  return body
}

export function lessonRoutes(app: FastifyInstance, deps: Deps): void {
  const payload = segmentPayload()

  async function loadLesson(req: Parameters<typeof currentUser>[0], lessonId: number): Promise<LessonRow> {
    const lesson = await req.lms.db.one<LessonRow>('SELECT id, course_id, position, title, duration_sec FROM lessons WHERE id = $1', [lessonId])
    if (!lesson) throw notFound('lesson')
    const course = await loadCourse(deps, req, Number(lesson.course_id))
    await requireParticipant(req.lms.db, currentUser(req), course)
    return lesson
  }

  app.get<{ Params: IdParams }>('/api/lessons/:id', { schema: { params: idParams('id'), querystring: noQuery } }, async (req) => {
    const user = currentUser(req)
    const lesson = await loadLesson(req, req.params.id)
    const progress = await req.lms.db.one<Record<string, number>>(
      'SELECT position_sec, watched_sec, completed, updated_at FROM progress WHERE user_id = $1 AND lesson_id = $2', [user.id, lesson.id])
    const query = signedQuery(deps.mediaSecret, Number(lesson.id), Number(lesson.duration_sec), Date.now())
    return {
      id: Number(lesson.id), courseId: Number(lesson.course_id), position: Number(lesson.position), title: lesson.title,
      durationSec: Number(lesson.duration_sec),
      playback: {
        masterUrl: `/media/lessons/${lesson.id}/master.m3u8?${query}`,
        segmentSec: SEGMENT_SEC,
        renditions: RENDITIONS,
      },
      progress: progress
        ? { positionSec: Number(progress.position_sec), watchedSec: Number(progress.watched_sec), completed: Number(progress.completed) === 1, updatedAt: Number(progress.updated_at) }
        : null,
    }
  })

  // Progress heartbeats: players report the position every few seconds; the row is upserted.
  app.put<{ Params: IdParams; Body: ProgressBody }>('/api/lessons/:id/progress', {
    schema: {
      params: idParams('id'),
      body: {
        type: 'object', required: ['positionSec'], additionalProperties: false,
        properties: {
          positionSec: { type: 'integer', minimum: 0, maximum: 86_400 },
          watchedSec: { type: 'integer', minimum: 0, maximum: 86_400 },
          completed: { type: 'boolean' },
        },
      },
    },
  }, async (req) => {
    const user = currentUser(req)
    const lesson = await loadLesson(req, req.params.id)
    const b = req.body
    const duration = Number(lesson.duration_sec)
    if (b.positionSec > duration) throw badRequest(`positionSec ${b.positionSec} is beyond the lesson's ${duration} s`)
    const watched = Math.min(b.watchedSec ?? b.positionSec, duration)
    const completed = b.completed === true || b.positionSec >= duration - 5 ? 1 : 0
    const now = Date.now()
    await req.lms.db.tx(async (t) => {
      const changed = await t.run(
        `UPDATE progress SET position_sec = $1, watched_sec = CASE WHEN watched_sec > $2 THEN watched_sec ELSE $2 END,
                completed = CASE WHEN completed = 1 OR $3 = 1 THEN 1 ELSE 0 END, updated_at = $4
          WHERE user_id = $5 AND lesson_id = $6`,
        [b.positionSec, watched, completed, now, user.id, lesson.id])
      if (changed === 0) {
        await t.run('INSERT INTO progress (user_id, lesson_id, position_sec, watched_sec, completed, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [user.id, lesson.id, b.positionSec, watched, completed, now])
      }
    })
    return { lessonId: Number(lesson.id), positionSec: b.positionSec, savedAt: now }
  })

  app.get<{ Params: { lessonId: number }; Querystring: Signature }>('/media/lessons/:lessonId/master.m3u8', {
    config: { public: true },
    schema: { params: idParams('lessonId'), querystring: signatureQuery },
  }, async (req, reply) => {
    checkSignature(deps, req.params.lessonId, req.query)
    const q = req.query
    return sendPlaylist(reply, masterPlaylist(`d=${q.d}&exp=${q.exp}&sig=${q.sig}`))
  })

  const renditionParams = {
    type: 'object', required: ['lessonId', 'rendition'], additionalProperties: false,
    properties: { lessonId: id, rendition: { type: 'string', enum: RENDITION_NAMES } },
  } as const

  app.get<{ Params: { lessonId: number; rendition: string }; Querystring: Signature }>('/media/lessons/:lessonId/:rendition/index.m3u8', {
    config: { public: true },
    schema: { params: renditionParams, querystring: signatureQuery },
  }, async (req, reply) => {
    checkSignature(deps, req.params.lessonId, req.query)
    const q = req.query
    return sendPlaylist(reply, mediaPlaylist(q.d, `d=${q.d}&exp=${q.exp}&sig=${q.sig}`))
  })

  app.get<{ Params: { lessonId: number; rendition: string; segment: string }; Querystring: Signature }>('/media/lessons/:lessonId/:rendition/:segment', {
    config: { public: true },
    schema: {
      params: {
        ...renditionParams,
        required: ['lessonId', 'rendition', 'segment'],
        properties: { ...renditionParams.properties, segment: { type: 'string', pattern: '^seg-\\d{1,5}\\.ts$' } },
      },
      querystring: signatureQuery,
    },
  }, async (req, reply) => {
    checkSignature(deps, req.params.lessonId, req.query)
    const index = Number(req.params.segment.slice(4, -3))
    const duration = req.query.d
    if (index >= segmentCount(duration)) throw notFound('segment')
    const rendition = RENDITIONS.find((r) => r.name === req.params.rendition)!
    const size = segmentBytes(rendition.bandwidth, segmentSeconds(duration, index))
    reply.header('content-type', 'video/mp2t').header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=86400')
    const range = parseRange(req.headers.range, size)
    if (range === 'unsatisfiable') {
      reply.code(416).header('content-range', `bytes */${size}`)
      return ''
    }
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      return payload.subarray(range.start, range.end + 1)
    }
    return payload.subarray(0, size)
  })
}
