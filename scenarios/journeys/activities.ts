import { think, type Learner } from 'lmsload'
import type { LmsData } from './data.ts'
import { pick, signIn } from './session.ts'

/** An instructor checks the gradebook of one of their courses, page by page. */
export async function reviewGradebook(l: Learner<LmsData>): Promise<void> {
  const course = pick(l, l.data.courses)
  if (!(await signIn(l, course.instructor, 'instructor-pass'))) return
  for (let page = 1; page <= 2; page++) {
    const book = await l.get('/api/courses/:id/gradebook', { params: { id: course.id }, query: { page, pageSize: 50 } })
    l.check(book, (r) => r.status === 200, 'gradebook loaded')
    await l.think(think.lognormal({ median: '15s', sigma: 0.5 }))
  }
}

/** A learner reads a course forum and now and then posts. */
export async function forum(l: Learner<LmsData>): Promise<void> {
  if (!(await signIn(l))) return
  const dash = await l.get('/api/me/dashboard')
  const enrolled = dash.ok ? dash.json<{ courses: Array<{ id: number }> }>().courses : []
  if (enrolled.length === 0) return
  const courseId = pick(l, enrolled).id
  const posts = await l.get('/api/courses/:id/forum/posts', { params: { id: courseId }, query: { page: 1, pageSize: 20 } })
  l.check(posts, (r) => r.status === 200, 'forum loaded')
  await l.think(think.lognormal({ median: '20s', sigma: 0.6 }))
  if (l.random.next() < 0.2) {
    const res = await l.post('/api/courses/:id/forum/posts', {
      params: { id: courseId }, json: { title: l.faker.lorem.sentence({ min: 3, max: 7 }), body: l.faker.lorem.paragraph() },
    })
    l.check(res, (r) => r.status === 201, 'post created')
  }
}

/** A learner uploads an assignment file (50–500 KB). */
export async function submitAssignment(l: Learner<LmsData>): Promise<void> {
  if (!(await signIn(l))) return
  const dash = await l.get('/api/me/dashboard')
  const enrolled = dash.ok ? dash.json<{ courses: Array<{ id: number }> }>().courses : []
  if (enrolled.length === 0) return
  const course = await l.get('/api/courses/:id', { params: { id: pick(l, enrolled).id } })
  const assignments = course.ok ? course.json<{ assignments: Array<{ id: number }> }>().assignments : []
  if (assignments.length === 0) return
  await l.think(think.lognormal({ median: '5s', sigma: 0.5 }))
  const size = 50_000 + l.random.int(450_000)
  const res = await l.post('/api/assignments/:id/submissions', {
    params: { id: pick(l, assignments).id }, body: new Uint8Array(size).fill(65 + (l.id % 26)), headers: { 'content-type': 'application/octet-stream' },
  })
  l.check(res, (r) => r.status === 201, 'assignment uploaded')
}

/** Registration day: search the catalog, open a course, enrol, look at the dashboard. */
export async function enrol(l: Learner<LmsData>): Promise<void> {
  if (!(await signIn(l))) return
  let catalog = await l.get('/api/courses', { query: { pageSize: 20, page: 1 } })
  const total = catalog.ok ? catalog.json<{ total: number }>().total : 0
  // Half of those with a second page to browse look at it too.
  if (total > 20 && l.random.next() < 0.5) catalog = await l.get('/api/courses', { query: { pageSize: 20, page: 2 } })
  const listed = catalog.ok ? catalog.json<{ courses: Array<{ id: number }> }>().courses : []
  if (!l.check(listed, (c) => c.length > 0, 'catalog listed')) return
  await l.think(think.lognormal({ median: '8s', sigma: 0.6 }))
  const course = pick(l, listed)
  await l.get('/api/courses/:id', { params: { id: course.id } })
  await l.think(think.lognormal({ median: '10s', sigma: 0.6 }))
  const res = await l.post('/api/courses/:id/enrolments', { params: { id: course.id } })
  l.check(res, (r) => r.status === 201 || r.status === 200, 'enrolled')
  await l.get('/api/me/dashboard')
}
