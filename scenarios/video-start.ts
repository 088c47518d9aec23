// A lecture is released: the announcement goes out and video starts arrive in a wave that halves
// every minute. Each start is a sign-in, the lesson page, HLS playlists, the first three segments,
// then a progress heartbeat every 10 s.
import { arrival, defineScenario } from 'lmsload'
import { lmsSetup, type LmsData } from './journeys/data.ts'
import { signIn } from './journeys/session.ts'
import { watchLecture } from './journeys/learner.ts'

export default defineScenario<LmsData>({
  name: 'video-start',
  description: '1,500 learners start the same new lecture over 3 minutes, starts halving every 60 s; segments sized by bitrate.',
  arrival: arrival.videoWave({ learners: 1500, halfLife: '60s', duration: '3m' }),
  setup: (ctx) => lmsSetup(ctx, { courses: 1, cohort: 5000 }),
  journeys: {
    'lecture viewer': {
      weight: 1,
      run: async (l) => {
        const username = l.data.exam.usernames[l.id % Math.max(1, l.data.exam.usernames.length)]
        if (!(await signIn(l, username))) return
        await watchLecture(l, { lessonId: l.data.courses[0]!.lessonIds.at(-1), heartbeats: 6 })
      },
    },
  },
  budgets: {
    overall: ['errors < 1%'],
    'GET /media/lessons/:lessonId/master.m3u8': ['p95 < 200ms'],
    'GET /media/lessons/:lessonId/:rendition/:segment': ['p95 < 1s'],
    'PUT /api/lessons/:id/progress': ['p95 < 300ms'],
  },
  options: { gracefulStop: '5s' },
})
