import type { FastifyInstance } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Deps } from '../deps.ts'
import { conflict } from '../http-error.ts'
import { loadCourse, relationTo, requireTeacher, type CatalogPage } from './course-data.ts'
import { idParams, paging, type IdParams } from './schemas.ts'

interface CatalogQuery {
  q?: string
  category?: string
  page: number
  pageSize: number
}

interface CourseEdit {
  title?: string
  summary?: string
  published?: boolean
}

/** Escapes LIKE wildcards so a search for '50%' matches the text, not everything. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export function courseRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: CatalogQuery }>('/api/courses', {
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { q: { type: 'string', maxLength: 100 }, category: { type: 'string', maxLength: 50 }, ...paging },
      },
    },
  }, async (req) => {
    const user = currentUser(req)
    const { q = '', category = '', page, pageSize } = req.query
    const everything = user.role !== 'learner'
    const key = JSON.stringify([q, category, page, pageSize, everything])
    const result = await deps.catalogCache.get(key, req.lms, async (): Promise<CatalogPage> => {
      const where = ['(lower(c.title) LIKE $1 ESCAPE \'\\\' OR lower(c.code) LIKE $1 ESCAPE \'\\\')', '($2 = \'\' OR c.category = $2)']
      if (!everything) where.push('c.published = 1')
      const filter = where.join(' AND ')
      const params = [likePattern(q), category]
      const count = await req.lms.db.one<{ n: number }>(`SELECT count(*) AS n FROM courses c WHERE ${filter}`, params)
      const rows = await req.lms.db.all<Record<string, number | string>>(
        `SELECT c.id, c.code, c.title, c.category, u.full_name AS instructor FROM courses c JOIN users u ON u.id = c.instructor_id
          WHERE ${filter} ORDER BY c.title, c.id LIMIT $3 OFFSET $4`,
        [...params, pageSize, (page - 1) * pageSize])
      return {
        total: Number(count?.n ?? 0),
        courses: rows.map((r) => ({ id: Number(r.id), code: String(r.code), title: String(r.title), category: String(r.category), instructor: String(r.instructor) })),
      }
    })
    return { page, pageSize, ...result }
  })

  app.get<{ Params: IdParams }>('/api/courses/:id', { schema: { params: idParams('id') } }, async (req) => {
    const user = currentUser(req)
    const course = await loadCourse(deps, req, req.params.id)
    const relation = await relationTo(req.lms.db, user, course)
    return { ...course, relation }
  })

  app.patch<{ Params: IdParams; Body: CourseEdit }>('/api/courses/:id', {
    schema: {
      params: idParams('id'),
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, summary: { type: 'string', maxLength: 5000 }, published: { type: 'boolean' } },
      },
    },
  }, async (req) => {
    const user = currentUser(req)
    const course = await loadCourse(deps, req, req.params.id)
    requireTeacher(user, course)
    const b = req.body
    await req.lms.db.run(
      `UPDATE courses SET title = COALESCE($1, title), summary = COALESCE($2, summary), published = COALESCE($3, published), updated_at = $4
        WHERE id = $5`,
      [b.title ?? null, b.summary ?? null, b.published === undefined ? null : b.published ? 1 : 0, Date.now(), course.id])
    // An edit invalidates the course page: the next reader rebuilds it (the mid-exam edit effect).
    deps.courseCache.invalidate(String(course.id))
    deps.catalogCache.clear()
    return loadCourse(deps, req, course.id)
  })

  app.post<{ Params: IdParams }>('/api/courses/:id/enrolments', { schema: { params: idParams('id') } }, async (req, reply) => {
    const user = currentUser(req)
    const course = await loadCourse(deps, req, req.params.id)
    if (!course.published) throw conflict('COURSE_NOT_OPEN', 'this course is not open for enrolment')
    const added = await req.lms.db.tx(async (t) => {
      if (course.maxEnrolments > 0) {
        const count = await t.one<{ n: number }>('SELECT count(*) AS n FROM enrolments WHERE course_id = $1', [course.id])
        if (Number(count?.n ?? 0) >= course.maxEnrolments) throw conflict('COURSE_FULL', 'this course has no places left')
      }
      return t.run('INSERT INTO enrolments (user_id, course_id, enrolled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [user.id, course.id, Date.now()])
    })
    reply.code(added === 1 ? 201 : 200)
    return { courseId: course.id, userId: user.id, enrolled: true }
  })
}
