// An example lmsload scenario: learners sign in, open a course, enrol, and sit its exam.
// It runs unchanged against lmsload's bundled reference LMS (`npx lmsload run lmsload/scenarios/example.ts`
// starts it for you). To load-test your own LMS, change the places marked ADAPT, then add
// `--target https://your-lms.example.edu` (loopback targets need nothing else; others need --allow-remote).
// Every helper is typed: hover `l.` in your editor, or see docs/scenarios.md in the lmsload package.
import { arrival, defineScenario, think, type Learner, type SetupContext } from 'lmsload'

/** What setup finds out once, before the load starts; every learner gets it as `l.data`. */
interface ExampleData {
  courseId: number
  quizId: number
}

// ADAPT: your test accounts. The reference LMS has learner1 … learner2000, all with this password.
const ACCOUNTS = 200
const PASSWORD = 'learner-pass'
function accountOf(l: Learner<ExampleData>): string {
  return `learner${1 + (l.id % ACCOUNTS)}`
}

// ADAPT: how your LMS signs a user in and hands out a token.
async function signIn(l: Learner<ExampleData>): Promise<boolean> {
  const res = await l.post('/api/auth/login', { json: { username: accountOf(l), password: PASSWORD } })
  if (!l.check(res, (r) => r.status === 201, 'signed in')) return false
  l.bearer(res.json<{ token: string }>().token)
  return true
}

// ADAPT: how to find a course with an exam on your LMS (here: the first published course that has a quiz).
async function findExam(ctx: SetupContext): Promise<ExampleData> {
  const login = await ctx.fetchJson<{ token: string }>('/api/auth/login', { method: 'POST', json: { username: 'learner1', password: PASSWORD } })
  if (login.status !== 201) throw new Error(`cannot sign in as learner1 (HTTP ${login.status}): adapt signIn and findExam to your LMS`)
  const token = login.body.token
  const catalog = await ctx.fetchJson<{ courses: Array<{ id: number }> }>('/api/courses?pageSize=20', { token })
  for (const { id } of catalog.body.courses) {
    const course = await ctx.fetchJson<{ published: boolean; quizzes: Array<{ id: number }> }>(`/api/courses/${id}`, { token })
    const exam = course.body.quizzes.at(-1)
    if (course.body.published && exam) return { courseId: id, quizId: exam.id }
  }
  throw new Error('no published course with a quiz on the target')
}

/** One learner's visit: sign in, open the course, enrol, start the exam, answer, submit. */
async function sitExam(l: Learner<ExampleData>): Promise<void> {
  if (!(await signIn(l))) return
  const { courseId, quizId } = l.data
  await l.think(think.uniform('1s', '3s'))
  // ADAPT: your routes. Name them as templates (':id'), so every course counts as one endpoint.
  const course = await l.get('/api/courses/:id', { params: { id: courseId } })
  if (!l.check(course, (r) => r.status === 200, 'course opened')) return
  const enrolled = await l.post('/api/courses/:id/enrolments', { params: { id: courseId } })
  if (!l.check(enrolled, (r) => r.status === 201 || r.status === 200, 'enrolled')) return
  const start = await l.step('start exam', () => l.post('/api/quizzes/:id/attempts', { params: { id: quizId } }))
  if (!l.check(start, (r) => r.status === 201 || r.status === 200, 'exam started')) return
  const { attempt, questions } = start.json<{ attempt: { id: number }; questions: Array<{ id: number; options: string[] }> }>()
  for (const question of questions.slice(0, 3)) {
    await l.think(think.uniform('2s', '5s'))
    const saved = await l.put('/api/attempts/:id/answers/:questionId', {
      params: { id: attempt.id, questionId: question.id },
      json: { choice: l.random.int(question.options.length) },
    })
    l.check(saved, (r) => r.status === 200, 'answer saved')
  }
  const submitted = await l.post('/api/attempts/:id/submit', { params: { id: attempt.id } })
  l.check(submitted, (r) => r.status === 200, 'exam submitted')
}

export default defineScenario<ExampleData>({
  name: 'example',
  description: 'Two learners a second for 30 s sign in, open a course, enrol and sit its exam (three answers, then submit).',
  // ADAPT: the traffic model. arrival.examSpike, arrival.ramp, arrival.diurnal … (docs/scenarios.md).
  arrival: arrival.constant({ rate: 2, duration: '30s' }),
  setup: findExam,
  journeys: {
    exam: { weight: 1, run: sitExam },
  },
  // ADAPT: your service levels. lmsload/budgets.json adds more; a failed budget makes `run` exit 99.
  budgets: {
    overall: ['p95 < 1s', 'errors < 1%'],
    'step:start exam': ['p95 < 2s'],
  },
})
