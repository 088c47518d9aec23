// The exam start: a class signs in during the lead-in, waits for the opening, and presses
// "start attempt" within seconds of it; late students trickle in after. Then everyone answers
// at 30–90 s per question. What breaks first is usually start-attempt (course cache rebuilds,
// attempt creation, proctoring checks) in the first 20 seconds.
import { arrival, defineScenario } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { takeExam } from './journeys/exam.ts'

export default defineScenario<LmsData>({
  name: 'exam-spike',
  description: 'A 2,000-learner exam opening: sign-in over 20 s, release within 15 s (most in the first 4), 5 % stragglers over 30 s, then answers every 30–90 s.',
  arrival: arrival.examSpike({ learners: 2000, leadIn: '20s', jitter: '15s', stragglers: 0.05, stragglerWindow: '30s', after: '30s' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 1, cohort: 5000 }),
  journeys: {
    'exam taker': { weight: 1, run: (l) => takeExam(l) },
  },
  budgets: {
    overall: ['errors < 1%'],
    'POST /api/quizzes/:id/attempts': ['p95 < 1s', 'p99 < 2s', 'errors < 0.5%'],
    'PUT /api/attempts/:id/answers/:questionId': ['p95 < 300ms'],
    'POST /api/auth/login': ['p95 < 800ms'],
    'step:start attempt': ['p95 < 1s'],
  },
  options: { gracefulStop: '5s' },
})
