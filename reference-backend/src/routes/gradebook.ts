import type { FastifyInstance } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Deps } from '../deps.ts'
import { loadCourse, requireTeacher } from './course-data.ts'
import { idParams, paging, type IdParams } from './schemas.ts'

export function gradebookRoutes(app: FastifyInstance, deps: Deps): void {
  // The instructor's gradebook: one aggregate over enrolments, attempts and submissions, the
  // kind of report query that gets slow as a course grows.
  app.get<{ Params: IdParams; Querystring: { page: number; pageSize: number } }>('/api/courses/:id/gradebook', {
    schema: { params: idParams('id'), querystring: { type: 'object', additionalProperties: false, properties: paging } },
  }, async (req) => {
    const user = currentUser(req)
    const course = await loadCourse(deps, req, req.params.id)
    requireTeacher(user, course)
    const { page, pageSize } = req.query
    const rows = await req.lms.db.all<Record<string, number | string | null>>(
      `SELECT u.id, u.username, u.full_name,
              count(a.id) AS attempts,
              count(DISTINCT a.quiz_id) AS quizzes_attempted,
              sum(a.score) AS score, sum(a.max_score) AS max_score,
              max(a.finished_at) AS last_finished_at,
              count(*) OVER () AS enrolled,
              (SELECT count(*) FROM submissions s JOIN assignments x ON x.id = s.assignment_id
                WHERE x.course_id = $1 AND s.user_id = u.id) AS submissions
         FROM enrolments e
         JOIN users u ON u.id = e.user_id
         LEFT JOIN attempts a ON a.user_id = e.user_id AND a.state = 'finished'
              AND a.quiz_id IN (SELECT q.id FROM quizzes q WHERE q.course_id = $1)
        WHERE e.course_id = $1
        GROUP BY u.id, u.username, u.full_name
        ORDER BY u.full_name, u.id
        LIMIT $2 OFFSET $3`,
      [course.id, pageSize, (page - 1) * pageSize])
    return {
      courseId: course.id, page, pageSize, enrolled: rows.length === 0 ? 0 : Number(rows[0]!.enrolled),
      learners: rows.map((r) => {
        const max = r.max_score === null ? 0 : Number(r.max_score)
        return {
          id: Number(r.id), username: String(r.username), fullName: String(r.full_name),
          attempts: Number(r.attempts), quizzesAttempted: Number(r.quizzes_attempted),
          scoreRatio: max === 0 ? null : Number(r.score) / max,
          lastFinishedAt: r.last_finished_at === null ? null : Number(r.last_finished_at),
          submissions: Number(r.submissions),
        }
      }),
    }
  })
}
