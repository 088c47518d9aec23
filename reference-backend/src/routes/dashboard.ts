import type { FastifyInstance } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Queryable } from '../db/database.ts'
import type { Deps } from '../deps.ts'
import { noQuery } from './schemas.ts'

interface DashboardCourse {
  id: number
  code: string
  title: string
  lessons: number
  completedLessons: number
  progressRatio: number
  lastActivityAt: number | null
}

/** One statement: enrolments with lesson and progress aggregates (the fixed form). */
async function dashboardAggregate(db: Queryable, userId: number): Promise<DashboardCourse[]> {
  const rows = await db.all<Record<string, number | string | null>>(
    `SELECT c.id, c.code, c.title, e.enrolled_at,
            (SELECT count(*) FROM lessons l WHERE l.course_id = c.id) AS lessons,
            (SELECT count(*) FROM progress p JOIN lessons l ON l.id = p.lesson_id
              WHERE p.user_id = $1 AND l.course_id = c.id AND p.completed = 1) AS completed,
            (SELECT max(p.updated_at) FROM progress p JOIN lessons l ON l.id = p.lesson_id
              WHERE p.user_id = $1 AND l.course_id = c.id) AS last_activity
       FROM enrolments e JOIN courses c ON c.id = e.course_id
      WHERE e.user_id = $1 AND c.published = 1 ORDER BY e.enrolled_at DESC, c.id`,
    [userId])
  return rows.map((r) => {
    const lessons = Number(r.lessons)
    const completed = Number(r.completed)
    return {
      id: Number(r.id), code: String(r.code), title: String(r.title), lessons, completedLessons: completed,
      progressRatio: lessons === 0 ? 0 : completed / lessons,
      lastActivityAt: r.last_activity === null ? null : Number(r.last_activity),
    }
  })
}

/** The `n-plus-one` profile: a query per course, then a query per lesson, as an ORM loop does. */
async function dashboardNPlusOne(db: Queryable, userId: number): Promise<DashboardCourse[]> {
  const enrolments = await db.all<Record<string, number | string>>(
    `SELECT c.id, c.code, c.title FROM enrolments e JOIN courses c ON c.id = e.course_id
      WHERE e.user_id = $1 AND c.published = 1 ORDER BY e.enrolled_at DESC, c.id`, [userId])
  const result: DashboardCourse[] = []
  for (const e of enrolments) {
    const lessons = await db.all<{ id: number }>('SELECT id FROM lessons WHERE course_id = $1', [e.id])
    let completed = 0
    let last: number | null = null
    for (const lesson of lessons) {
      const p = await db.one<{ completed: number; updated_at: number }>(
        'SELECT completed, updated_at FROM progress WHERE user_id = $1 AND lesson_id = $2', [userId, lesson.id])
      if (!p) continue
      if (Number(p.completed) === 1) completed++
      last = Math.max(last ?? 0, Number(p.updated_at))
    }
    result.push({
      id: Number(e.id), code: String(e.code), title: String(e.title), lessons: lessons.length, completedLessons: completed,
      progressRatio: lessons.length === 0 ? 0 : completed / lessons.length, lastActivityAt: last,
    })
  }
  return result
}

export function dashboardRoutes(app: FastifyInstance, deps: Deps): void {
  const build = deps.behaviour.dashboardNPlusOne ? dashboardNPlusOne : dashboardAggregate

  app.get('/api/me/dashboard', { schema: { querystring: noQuery } }, async (req) => {
    const user = currentUser(req)
    return { user, courses: await build(req.lms.db, user.id) }
  })

  app.get('/api/me/grades', { schema: { querystring: noQuery } }, async (req) => {
    const user = currentUser(req)
    const rows = await req.lms.db.all<Record<string, number | string | null>>(
      `SELECT a.id, a.quiz_id, q.title, q.course_id, a.state, a.started_at, a.finished_at, a.score, a.max_score
         FROM attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE a.user_id = $1 ORDER BY a.started_at DESC`, [user.id])
    return {
      attempts: rows.map((r) => ({
        id: Number(r.id), quizId: Number(r.quiz_id), quizTitle: String(r.title), courseId: Number(r.course_id), state: String(r.state),
        startedAt: Number(r.started_at), finishedAt: r.finished_at === null ? null : Number(r.finished_at),
        score: r.score === null ? null : Number(r.score), maxScore: r.max_score === null ? null : Number(r.max_score),
      })),
    }
  })
}
