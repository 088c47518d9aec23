// A real exam day: the exam never happens on an idle LMS. Term-time traffic (studying, lectures,
// the forum) runs all along; 90 s in, 600 students of one course sign in and press "start
// attempt" within seconds of the opening; a minute in, an assignment deadline builds up in other
// courses. Three streams, one run: what breaks is often the background, starved by the exam, and
// the report shows each stream's latency side by side and the background's during the spike.
import { arrival, defineScenario, think } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { takeExam } from './journeys/exam.ts'
import { forum, submitAssignment } from './journeys/activities.ts'
import { study } from './journeys/learner.ts'

export default defineScenario<LmsData>({
  name: 'exam-day',
  description: 'Term-time background (3 learners/s for 5 min: study 70 %, forum 30 %); at 1:30 an exam spike of 600 in one course; from 1:00 an assignment deadline rush of 300.',
  streams: {
    background: {
      arrival: arrival.constant({ rate: 3, duration: '5m' }),
      journeys: {
        study: { weight: 70, run: study },
        forum: { weight: 30, run: forum },
      },
      budgets: { overall: ['p95 < 800ms', 'errors < 1%'] },
    },
    exam: {
      arrival: arrival.examSpike({ learners: 600, leadIn: '20s', jitter: '10s', stragglers: 0.05, stragglerWindow: '30s', after: '60s' }),
      startAfter: '90s',
      journeys: {
        'exam taker': { weight: 1, run: (l) => takeExam(l, { perQuestion: think.lognormal({ median: '20s', sigma: 0.35 }), questions: 4 }) },
      },
      budgets: {
        'POST /api/quizzes/:id/attempts': ['p95 < 1s', 'errors < 0.5%'],
        'step:start attempt': ['p95 < 1s'],
      },
    },
    deadline: {
      arrival: arrival.deadlineRush({ learners: 300, deadline: '2m', buildUp: '30s', early: 0.1, late: 0.03, after: '20s' }),
      startAfter: '60s',
      journeys: { submitter: { weight: 1, run: submitAssignment } },
      budgets: { 'POST /api/assignments/:id/submissions': ['p95 < 2s', 'errors < 0.5%'] },
    },
  },
  setup: (ctx) => lmsSetup(ctx, { courses: 10, cohort: 1000 }),
  budgets: { overall: ['errors < 1%'] },
  options: { gracefulStop: '10s' },
})
