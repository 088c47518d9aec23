// Every kind of learner traffic at a trickle: a quick check that the target and each journey work.
import { arrival, defineScenario, think } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { takeExam } from './journeys/exam.ts'
import { enrol, forum, reviewGradebook, submitAssignment } from './journeys/activities.ts'
import { study } from './journeys/learner.ts'

export default defineScenario<LmsData>({
  name: 'smoke',
  description: 'Two learners a second for 20 s, each taking one of the six journeys: every route once or more.',
  arrival: arrival.constant({ rate: 2, duration: '20s' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 5, cohort: 200 }),
  journeys: {
    study: { weight: 30, run: (l) => study(l) },
    exam: { weight: 20, run: (l) => takeExam(l, { perQuestion: think.uniform('1s', '3s'), questions: 3 }) },
    forum: { weight: 15, run: forum },
    assignment: { weight: 10, run: submitAssignment },
    enrol: { weight: 15, run: enrol },
    gradebook: { weight: 10, run: reviewGradebook },
  },
  budgets: {
    overall: ['errors < 1%', 'p95 < 1s'],
    'POST /api/auth/login': ['p95 < 500ms'],
  },
  options: { gracefulStop: '10s' },
})
