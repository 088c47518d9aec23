import { performance } from 'node:perf_hooks'
import type { FastifyRequest } from 'fastify'
import type { Deps } from '../deps.ts'
import type { Queryable } from '../db/database.ts'
import { forbidden, notFound } from '../http-error.ts'
import type { AuthUser } from '../request-state.ts'

export interface CourseDetail {
  id: number
  code: string
  title: string
  summary: string
  category: string
  published: boolean
  instructor: { id: number; fullName: string }
  enrolmentCount: number
  maxEnrolments: number
  updatedAt: number
  lessons: Array<{ id: number; position: number; title: string; durationSec: number; completedBy: number }>
  quizzes: Array<{ id: number; title: string; timeLimitSec: number; questionCount: number }>
  assignments: Array<{ id: number; title: string; dueAt: number; maxBytes: number }>
}

export interface CatalogPage {
  total: number
  courses: Array<{ id: number; code: string; title: string; category: string; instructor: string }>
}

const COMPLETION_SQL = `SELECT lesson_id, sum(completed) AS completed_by FROM progress
  WHERE lesson_id IN (SELECT id FROM lessons WHERE course_id = $1) GROUP BY lesson_id`

/**
 * The rest of a large course's page (cache-stampede): a course with hundreds of sections summarises
 * completion section by section, which costs `ms` of database work in all: real statements on a
 * reader connection, so concurrent rebuilds compete for connections and cores as they would.
 */
async function largeCourseSections(db: Queryable, courseId: number, ms: number): Promise<void> {
  const start = performance.now()
  while (performance.now() - start < ms) await db.all(COMPLETION_SQL, [courseId])
}

/** The expensive page of an LMS: what Moodle rebuilds into its course cache (modinfo). */
export async function buildCourseDetail(db: Queryable, courseId: number): Promise<CourseDetail | null> {
  const course = await db.one<Record<string, unknown>>(
    `SELECT c.id, c.code, c.title, c.summary, c.category, c.published, c.max_enrolments, c.updated_at,
            u.id AS instructor_id, u.full_name AS instructor_name,
            (SELECT count(*) FROM enrolments e WHERE e.course_id = c.id) AS enrolment_count
       FROM courses c JOIN users u ON u.id = c.instructor_id WHERE c.id = $1`,
    [courseId],
  )
  if (!course) return null
  const lessons = await db.all<Record<string, number | string>>(
    'SELECT id, position, title, duration_sec FROM lessons WHERE course_id = $1 ORDER BY position', [courseId])
  // The completion summary beside each lesson (Moodle's course page shows it as activity
  // completion): an aggregate over the whole cohort's progress, by far the costliest statement of
  // the page (about 2 ms in-process on the demo data: progress is indexed by learner, not by lesson). It is
  // what makes a rebuild expensive and a cache worth having, as in a real LMS.
  const completions = await db.all<Record<string, number | string>>(COMPLETION_SQL, [courseId])
  const completedBy = new Map(completions.map((c) => [Number(c.lesson_id), Number(c.completed_by)]))
  const quizzes = await db.all<Record<string, number | string>>(
    `SELECT q.id, q.title, q.time_limit_sec, (SELECT count(*) FROM questions x WHERE x.quiz_id = q.id) AS question_count
       FROM quizzes q WHERE q.course_id = $1 ORDER BY q.id`, [courseId])
  const assignments = await db.all<Record<string, number | string>>(
    'SELECT id, title, due_at, max_bytes FROM assignments WHERE course_id = $1 ORDER BY id', [courseId])
  return {
    id: Number(course.id),
    code: String(course.code),
    title: String(course.title),
    summary: String(course.summary),
    category: String(course.category),
    published: Number(course.published) === 1,
    instructor: { id: Number(course.instructor_id), fullName: String(course.instructor_name) },
    enrolmentCount: Number(course.enrolment_count),
    maxEnrolments: Number(course.max_enrolments),
    updatedAt: Number(course.updated_at),
    lessons: lessons.map((l) => ({ id: Number(l.id), position: Number(l.position), title: String(l.title), durationSec: Number(l.duration_sec), completedBy: completedBy.get(Number(l.id)) ?? 0 })),
    quizzes: quizzes.map((q) => ({ id: Number(q.id), title: String(q.title), timeLimitSec: Number(q.time_limit_sec), questionCount: Number(q.question_count) })),
    assignments: assignments.map((a) => ({ id: Number(a.id), title: String(a.title), dueAt: Number(a.due_at), maxBytes: Number(a.max_bytes) })),
  }
}

/** A course through the cache; 404 when it does not exist (or is hidden from this user). */
export async function loadCourse(deps: Deps, req: FastifyRequest, courseId: number): Promise<CourseDetail> {
  const course = await deps.courseCache.get(String(courseId), req.lms, async () => {
    const built = await buildCourseDetail(req.lms.db, courseId)
    // Missing courses are not cached: the cache holds objects only.
    if (!built) throw notFound('course')
    if (deps.behaviour.courseRebuildMs > 0) await largeCourseSections(req.lms.db, courseId, deps.behaviour.courseRebuildMs)
    return built
  })
  const user = req.lms.user
  if (!course.published && user && user.role === 'learner') throw notFound('course')
  return course
}

export type CourseRelation = 'admin' | 'teacher' | 'enrolled' | 'none'

export async function relationTo(db: Queryable, user: AuthUser, course: CourseDetail): Promise<CourseRelation> {
  if (user.role === 'admin') return 'admin'
  if (user.role === 'instructor' && course.instructor.id === user.id) return 'teacher'
  const row = await db.one('SELECT 1 AS x FROM enrolments WHERE user_id = $1 AND course_id = $2', [user.id, course.id])
  return row ? 'enrolled' : 'none'
}

/** Teachers and admins always; learners only when enrolled. */
export async function requireParticipant(db: Queryable, user: AuthUser, course: CourseDetail): Promise<CourseRelation> {
  const relation = await relationTo(db, user, course)
  if (relation === 'none') throw forbidden('you are not enrolled in this course')
  return relation
}

export function requireTeacher(user: AuthUser, course: CourseDetail): void {
  if (user.role === 'admin') return
  if (user.role === 'instructor' && course.instructor.id === user.id) return
  throw forbidden('only the course instructor or an admin can do this')
}
