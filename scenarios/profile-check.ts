// The ground-truth mix: short, bursty and broad enough that each reference-backend bottleneck
// profile shows its signature. Learners sign in and open their dashboard and the course during a
// lead-in, start the exam together, answer quickly, submit; some then upload an assignment.
// tests/analyze/ground-truth.test.ts and bench/ground-truth.ts run it against every profile.
// The ground truth sets the load with --scale, as a share of the healthy backend's measured
// capacity (tests/helpers/ground-truth.ts). A run lasts about 18 s (answers 0.4–1 s apart,
// stragglers within 3 s): CI runs it 13 times plus the capacity searches' trials.
import { arrival, defineScenario, think } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { signIn } from './journeys/session.ts'

/**
 * The finding each profile must produce first (healthy: none critical), the backend flags it runs
 * with, and a knob that scales inversely with the load where the mechanism needs a fixed size in
 * the window: a leak of 64 kB per request at scale 1 grows the heap by the same amount at any scale.
 */
export const EXPECTED_FINDINGS: Record<string, { id: string; args?: string[]; perScale?: { flag: string; atScale1: number } } | null> = {
  healthy: null,
  'no-index': { id: 'slow-query' },
  'small-pool': { id: 'pool-saturation' },
  'cpu-login': { id: 'event-loop-blocking' },
  'event-loop-block': { id: 'event-loop-blocking' },
  'n-plus-one': { id: 'n-plus-one' },
  'no-cache': { id: 'cache-ineffective' },
  'slow-upstream': { id: 'slow-upstream' },
  'memory-leak': { id: 'memory-growth', perScale: { flag: '--leak-kb', atScale1: 64 } },
  'write-lock': { id: 'lock-contention' },
  'cache-stampede': { id: 'cache-stampede', args: ['--stampede-interval-ms', '500', '--stampede-rebuild-ms', '50'] },
}

export default defineScenario<LmsData>({
  name: 'profile-check',
  description: 'A small exam opening with dashboards, course pages, answers and uploads: every bottleneck profile shows its signature.',
  arrival: arrival.examSpike({ learners: 180, leadIn: '8s', jitter: '2s', stragglers: 0.1, stragglerWindow: '3s', after: '2s' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 1, cohort: 5000 }),
  journeys: {
    'exam taker': {
      weight: 1,
      run: async (l) => {
        const { usernames, quizId, courseId } = l.data.exam
        if (!(await signIn(l, usernames[l.id % Math.max(1, usernames.length)]))) return
        await l.get('/api/me/dashboard')
        await l.get('/api/courses/:id', { params: { id: courseId } })
        await l.waitForRelease()
        const start = await l.post('/api/quizzes/:id/attempts', { params: { id: quizId } })
        if (!start.ok) return
        const { attempt, questions } = start.json<{ attempt: { id: number }; questions: Array<{ id: number }> }>()
        for (const q of questions.slice(0, 6)) {
          await l.think(think.uniform('400ms', '1000ms'))
          await l.put('/api/attempts/:id/answers/:questionId', { params: { id: attempt.id, questionId: q.id }, json: { choice: l.random.int(4) } })
        }
        await l.post('/api/attempts/:id/submit', { params: { id: attempt.id } })
        await l.get('/api/courses/:id', { params: { id: courseId } })
        if (l.random.next() < 0.2) {
          const assignment = l.data.courses[0]!.assignmentIds[0]
          if (assignment) await l.post('/api/assignments/:id/submissions', { params: { id: assignment }, body: new Uint8Array(50_000).fill(66), headers: { 'content-type': 'application/octet-stream' } })
        }
      },
    },
  },
  options: { gracefulStop: '10s' },
})
