// An assignment deadline: a few submit early, most in the last minutes, submissions growing
// exponentially until the cliff at the deadline, then a short tail of late ones. Uploads are
// 50–500 KB and go through the plagiarism upstream.
import { arrival, defineScenario } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { submitAssignment } from './journeys/activities.ts'

export default defineScenario<LmsData>({
  name: 'deadline-rush',
  description: '1,000 submissions toward a deadline at 2 minutes (e-fold every 40 s), 10 % early, 3 % late.',
  arrival: arrival.deadlineRush({ learners: 1000, deadline: '2m', buildUp: '40s', early: 0.1, late: 0.03, after: '30s' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 5, cohort: 100 }),
  journeys: { submitter: { weight: 1, run: submitAssignment } },
  budgets: {
    overall: ['errors < 1%'],
    'POST /api/assignments/:id/submissions': ['p95 < 2s', 'errors < 0.5%'],
  },
  options: { gracefulStop: '10s' },
})
