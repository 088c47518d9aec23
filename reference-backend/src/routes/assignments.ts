import { createHash, randomBytes } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Deps } from '../deps.ts'
import { forbidden, HttpError, notFound } from '../http-error.ts'
import { loadCourse, relationTo } from './course-data.ts'
import { idParams, noQuery, type IdParams } from './schemas.ts'

export function assignmentRoutes(app: FastifyInstance, deps: Deps): void {
  const uploads = path.join(deps.config.dataDir, 'uploads')

  // Uploads arrive as raw bytes; the route's own body limit applies instead of the JSON one.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: deps.config.uploadLimitBytes }, (_req, body, done) => {
    done(null, body)
  })

  app.post<{ Params: IdParams; Body: Buffer }>('/api/assignments/:id/submissions', {
    bodyLimit: deps.config.uploadLimitBytes,
    schema: { params: idParams('id'), querystring: noQuery },
  }, async (req, reply) => {
    const user = currentUser(req)
    if (user.role !== 'learner') throw forbidden('only learners submit assignments')
    if (!Buffer.isBuffer(req.body)) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the file as application/octet-stream')
    const assignment = await req.lms.db.one<{ id: number; course_id: number; max_bytes: number }>(
      'SELECT id, course_id, max_bytes FROM assignments WHERE id = $1', [req.params.id])
    if (!assignment) throw notFound('assignment')
    const course = await loadCourse(deps, req, Number(assignment.course_id))
    if ((await relationTo(req.lms.db, user, course)) !== 'enrolled') throw forbidden('you are not enrolled in this course')
    const bytes = req.body.length
    if (bytes === 0) throw new HttpError(400, 'EMPTY_UPLOAD', 'the uploaded file is empty')
    if (bytes > Number(assignment.max_bytes)) {
      throw new HttpError(413, 'UPLOAD_TOO_LARGE', `the file is ${bytes} bytes; this assignment accepts at most ${assignment.max_bytes}`)
    }
    const sha256 = createHash('sha256').update(req.body).digest('hex')
    const dir = path.join(uploads, `a${assignment.id}`)
    const name = `u${user.id}-${Date.now()}-${randomBytes(4).toString('hex')}.bin`
    await mkdir(dir, { recursive: true })
    // Write then rename: a crash never leaves a half file under the recorded name.
    await writeFile(path.join(dir, `${name}.part`), req.body, { flush: true })
    await rename(path.join(dir, `${name}.part`), path.join(dir, name))
    await deps.upstream.call('plagiarism', req.lms)
    const now = Date.now()
    const rows = await req.lms.db.tx((t) => t.all<{ id: number }>(
      'INSERT INTO submissions (assignment_id, user_id, bytes, sha256, stored_as, submitted_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [assignment.id, user.id, bytes, sha256, path.join(`a${assignment.id}`, name), now]))
    reply.code(201)
    return { id: Number(rows[0]!.id), assignmentId: Number(assignment.id), bytes, sha256, submittedAt: now }
  })
}
