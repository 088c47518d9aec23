// A soak: a day of ordinary LMS traffic compressed into 10 minutes (pass --duration 24h for a real
// one): quiet nights, a working day, an evening peak. Mostly studying and video, some forum,
// quizzes, uploads and instructors in the gradebook.
import { arrival, defineScenario, think } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { takeExam } from './journeys/exam.ts'
import { forum, reviewGradebook, submitAssignment } from './journeys/activities.ts'
import { study } from './journeys/learner.ts'

export default defineScenario<LmsData>({
  name: 'daily-cycle',
  description: 'One day in 10 minutes: 0.4 learners/s at night to 8/s at the evening peak; study 55 %, forum 20 %, quiz 10 %, uploads 10 %, gradebook 5 %.',
  arrival: arrival.diurnal({ peakRate: 8, troughRate: 0.4, day: '10m' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 20, cohort: 500 }),
  journeys: {
    study: { weight: 55, run: study },
    forum: { weight: 20, run: forum },
    quiz: { weight: 10, run: (l) => takeExam(l, { perQuestion: think.lognormal({ median: '20s', sigma: 0.4 }), questions: 5 }) },
    assignment: { weight: 10, run: submitAssignment },
    gradebook: { weight: 5, run: reviewGradebook },
  },
  budgets: { overall: ['errors < 1%', 'p95 < 800ms'] },
  options: { gracefulStop: '10s' },
})
