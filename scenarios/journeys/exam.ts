import { think, type Learner, type ThinkTime } from 'lmsload'
import type { LmsData } from './data.ts'
import { signIn } from './session.ts'

export interface ExamOptions {
  /** Time on each question before its answer is saved (Moodle exam tests: 30–90 s per page). */
  perQuestion?: ThinkTime
  /** Answer at most this many questions, then submit (default: all). */
  questions?: number
}

/**
 * An exam taker: signs in and opens the quiz before the opening, waits at the barrier, presses
 * "start attempt" at release, answers question by question (each answer saved as the page
 * changes, as Moodle's autosave does at most every 60 s), then submits.
 */
export async function takeExam(l: Learner<LmsData>, options: ExamOptions = {}): Promise<void> {
  const { usernames, quizId } = l.data.exam
  const username = usernames.length > 0 ? usernames[l.id % usernames.length]! : undefined
  if (!(await signIn(l, username))) return
  const quiz = await l.get('/api/quizzes/:id', { params: { id: quizId } })
  if (!l.check(quiz, (r) => r.status === 200, 'quiz page opened')) return
  await l.waitForRelease()
  const start = await l.step('start attempt', () => l.post('/api/quizzes/:id/attempts', { params: { id: quizId } }))
  if (!l.check(start, (r) => r.status === 201 || r.status === 200, 'attempt started')) return
  const { attempt, questions } = start.json<{ attempt: { id: number }; questions: Array<{ id: number; options: string[] }> }>()
  const perQuestion = options.perQuestion ?? think.lognormal({ median: '45s', sigma: 0.35 })
  for (const q of questions.slice(0, options.questions ?? questions.length)) {
    await l.think(perQuestion)
    const saved = await l.put('/api/attempts/:id/answers/:questionId', { params: { id: attempt.id, questionId: q.id }, json: { choice: l.random.int(q.options.length) } })
    l.check(saved, (r) => r.status === 200, 'answer saved')
  }
  await l.think(think.uniform('5s', '20s'))
  const submitted = await l.post('/api/attempts/:id/submit', { params: { id: attempt.id } })
  l.check(submitted, (r) => r.status === 200, 'attempt submitted')
}
