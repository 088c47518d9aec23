// What the scenarios learn about the target before the run (setup runs once, unrecorded): which
// accounts exist, which courses are open, who is enrolled in the exam's course. Written for the
// bundled reference backend's API; a real LMS needs its own setup with the same shape.
import type { SetupContext } from 'lmsload'

export interface CourseInfo {
  id: number
  instructor: string
  lessonIds: number[]
  lessonDurations: number[]
  quizIds: number[]
  finalExamId: number
  assignmentIds: number[]
  enrolments: number
}

export interface LmsData {
  /** Seeded learner accounts: learner1 … learnerN. */
  learners: number
  password: string
  courses: CourseInfo[]
  /** The exam everyone sits in exam scenarios: the most popular course's final exam. */
  exam: { courseId: number; quizId: number; usernames: string[] }
}

export const DEMO = { learnerPassword: 'learner-pass', instructorPassword: 'instructor-pass', admin: 'admin', adminPassword: 'admin-pass' }

async function login(ctx: SetupContext, username: string, password: string): Promise<string> {
  const r = await ctx.fetchJson<{ token: string }>('/api/auth/login', { method: 'POST', json: { username, password } })
  if (r.status !== 201) throw new Error(`cannot sign in as ${username} (HTTP ${r.status}); is the target the lmsload reference backend?`)
  return r.body.token
}

export async function lmsSetup(ctx: SetupContext, options: { courses?: number; cohort?: number } = {}): Promise<LmsData> {
  const health = await ctx.fetchJson<{ seed?: { learners: number } }>('/healthz')
  const learners = health.body.seed?.learners ?? 2000
  const admin = await login(ctx, DEMO.admin, DEMO.adminPassword)
  const catalog = await ctx.fetchJson<{ courses: Array<{ id: number }> }>('/api/courses?pageSize=100', { token: admin })
  const details = await Promise.all(catalog.body.courses.map((c) => ctx.fetchJson<any>(`/api/courses/${c.id}`, { token: admin })))
  const courses: CourseInfo[] = details
    .map((d) => d.body)
    .filter((c) => c.published && c.quizzes.length > 0)
    .sort((a, b) => b.enrolmentCount - a.enrolmentCount)
    .slice(0, options.courses ?? 20)
    .map((c) => ({
      id: c.id,
      instructor: `instructor${c.instructor.id - 1}`,
      lessonIds: c.lessons.map((l: { id: number }) => l.id),
      lessonDurations: c.lessons.map((l: { durationSec: number }) => l.durationSec),
      quizIds: c.quizzes.map((q: { id: number }) => q.id),
      finalExamId: c.quizzes[c.quizzes.length - 1].id,
      assignmentIds: c.assignments.map((a: { id: number }) => a.id),
      enrolments: c.enrolmentCount,
    }))
  if (courses.length === 0) throw new Error('the target has no published course with quizzes')
  const examCourse = courses[0]!
  const usernames: string[] = []
  for (let page = 1; usernames.length < (options.cohort ?? 5000); page++) {
    const book = await ctx.fetchJson<{ learners: Array<{ username: string }> }>(`/api/courses/${examCourse.id}/gradebook?pageSize=100&page=${page}`, { token: admin })
    if (book.status !== 200 || book.body.learners.length === 0) break
    usernames.push(...book.body.learners.map((l) => l.username))
  }
  return { learners, password: DEMO.learnerPassword, courses, exam: { courseId: examCourse.id, quizId: examCourse.finalExamId, usernames } }
}
