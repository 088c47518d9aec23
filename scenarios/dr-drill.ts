// The disaster-recovery drill on the bundled backend: learners take an exam at a steady pace,
// saving answers as they go (retrying a failed save, as an exam client's autosave does), while
// `lmsload drill` kills the backend, restarts it and checks every answer it acknowledged.
//   lmsload drill scenarios/dr-drill.ts                          (kill -9 at 40 %, restart)
//   lmsload drill scenarios/dr-drill.ts --restore-from pre-run   (restore the start's backup: RPO > 0)
import { arrival, defineScenario, think, type Learner, type Response } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { signIn } from './journeys/session.ts'

/** A save that failed because the server was down is tried again, up to `tries` times. */
async function withRetry(l: Learner<LmsData>, tries: number, send: () => Promise<Response>): Promise<Response> {
  let res = await send()
  for (let i = 1; i < tries && !res.ok && (res.status === 0 || res.status >= 500); i++) {
    await l.think(think.uniform('500ms', '1500ms'))
    res = await send()
  }
  return res
}

export default defineScenario<LmsData>({
  name: 'dr-drill',
  description: 'Six learners a second take a short exam for 60 s, answers saved with retries: the load a DR drill kills and checks.',
  arrival: arrival.constant({ rate: 6, duration: '60s' }),
  // One exam account per learner (360 planned): no two learners share an attempt.
  setup: (ctx) => lmsSetup(ctx, { courses: 1, cohort: 1000 }),
  journeys: {
    'exam taker': {
      weight: 1,
      run: async (l) => {
        const { usernames, quizId } = l.data.exam
        if (!(await signIn(l, usernames[l.id % Math.max(1, usernames.length)]))) return
        const start = await withRetry(l, 3, () => l.post('/api/quizzes/:id/attempts', { params: { id: quizId } }))
        if (!l.check(start, (r) => r.status === 201 || r.status === 200, 'attempt started')) return
        const { attempt, questions } = start.json<{ attempt: { id: number }; questions: Array<{ id: number; options: string[] }> }>()
        for (const q of questions.slice(0, 4)) {
          await l.think(think.uniform('1s', '2s'))
          const choice = l.random.int(q.options.length)
          const saved = await withRetry(l, 5, () => l.put('/api/attempts/:id/answers/:questionId', { params: { id: attempt.id, questionId: q.id }, json: { choice } }))
          if (l.check(saved, (r) => r.status === 200, 'answer saved')) l.acknowledged('answer', `${attempt.id}:${q.id}`, choice)
        }
        const submitted = await withRetry(l, 5, () => l.post('/api/attempts/:id/submit', { params: { id: attempt.id } }))
        if (l.check(submitted, (r) => r.status === 200, 'attempt submitted')) l.acknowledged('submit', String(attempt.id), 'finished')
      },
    },
  },
  // No error budget: the drill causes errors on purpose; it gates on recovery and lost writes.
  options: { gracefulStop: '15s', requestTimeout: '5s' },
})
