// Registration opens: a thundering herd of learners who waited for the minute, then a decaying
// stream as the news spreads. Catalog searches, course pages and enrolments.
import { arrival, defineScenario } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { enrol } from './journeys/activities.ts'

export default defineScenario<LmsData>({
  name: 'enrollment-day',
  description: '1,500 learners: 40 % in the first 15 s after registration opens at 10 s, the rest halving every 60 s over 3 minutes.',
  arrival: arrival.enrollmentDay({ learners: 1500, opensAt: '10s', herd: 0.4, herdWindow: '15s', halfLife: '60s', duration: '3m' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 5, cohort: 100 }),
  journeys: { registrant: { weight: 1, run: enrol } },
  budgets: {
    overall: ['errors < 1%'],
    'GET /api/courses': ['p95 < 500ms'],
    'POST /api/courses/:id/enrolments': ['p95 < 500ms'],
  },
  options: { gracefulStop: '10s' },
})
