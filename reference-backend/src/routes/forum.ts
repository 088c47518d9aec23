import type { FastifyInstance } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Deps } from '../deps.ts'
import { loadCourse, requireParticipant } from './course-data.ts'
import { idParams, paging, type IdParams } from './schemas.ts'

export function forumRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: IdParams; Querystring: { page: number; pageSize: number } }>('/api/courses/:id/forum/posts', {
    schema: { params: idParams('id'), querystring: { type: 'object', additionalProperties: false, properties: paging } },
  }, async (req) => {
    const user = currentUser(req)
    const course = await loadCourse(deps, req, req.params.id)
    await requireParticipant(req.lms.db, user, course)
    const { page, pageSize } = req.query
    const rows = await req.lms.db.all<Record<string, number | string>>(
      `SELECT p.id, p.title, p.body, p.created_at, u.id AS author_id, u.full_name AS author
         FROM forum_posts p JOIN users u ON u.id = p.user_id
        WHERE p.course_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3`,
      [course.id, pageSize, (page - 1) * pageSize])
    return {
      courseId: course.id, page, pageSize,
      posts: rows.map((r) => ({ id: Number(r.id), title: String(r.title), body: String(r.body), createdAt: Number(r.created_at), author: { id: Number(r.author_id), fullName: String(r.author) } })),
    }
  })

  app.post<{ Params: IdParams; Body: { title: string; body: string } }>('/api/courses/:id/forum/posts', {
    schema: {
      params: idParams('id'),
      body: {
        type: 'object', required: ['title', 'body'], additionalProperties: false,
        properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, body: { type: 'string', minLength: 1, maxLength: 20_000 } },
      },
    },
  }, async (req, reply) => {
    const user = currentUser(req)
    const course = await loadCourse(deps, req, req.params.id)
    await requireParticipant(req.lms.db, user, course)
    const now = Date.now()
    const rows = await req.lms.db.tx((t) => t.all<{ id: number }>(
      'INSERT INTO forum_posts (course_id, user_id, title, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [course.id, user.id, req.body.title, req.body.body, now]))
    reply.code(201)
    return { id: Number(rows[0]!.id), courseId: course.id, title: req.body.title, createdAt: now }
  })
}
