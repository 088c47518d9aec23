// What every route answers, as JSON schemas for the OpenAPI document (GET /openapi.json). They
// document and do not serialise: the bottleneck profiles were measured with Fastify's default
// serializer, and a response schema would change it. tests/reference-backend/api.test.ts validates
// every real response against these with no extra properties allowed, so a field missing here
// fails it.

const int = { type: 'integer' } as const
const num = { type: 'number' } as const
const str = { type: 'string' } as const
const bool = { type: 'boolean' } as const
const epochMs = { type: 'integer', description: 'milliseconds since the Unix epoch' } as const

function nullable<T extends object>(schema: T) {
  return { ...schema, nullable: true }
}

/** An object whose every listed property is present and no other. */
function obj(properties: Record<string, object>, description?: string) {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties, ...(description ? { description } : {}) }
}

const role = { type: 'string', enum: ['learner', 'instructor', 'admin'] } as const
const user = obj({ id: int, username: str, fullName: str, role })
const attempt = obj({
  id: int, quizId: int, userId: int, state: { type: 'string', enum: ['inprogress', 'finished'] }, startedAt: epochMs, deadlineAt: epochMs,
  finishedAt: nullable(epochMs), score: nullable(int), maxScore: nullable(int), autosaveIntervalSec: int,
})
const answer = obj({ questionId: int, choice: int, savedAt: epochMs })
const question = obj({ id: int, position: int, prompt: str, options: { type: 'array', items: str } })
const seedOptions = obj({ learners: int, courses: int, seed: int }, 'what the demo data was generated with (absent when the database was not seeded by lmsload)')
const courseFields = {
  id: int, code: str, title: str, summary: str, category: str, published: bool,
  instructor: obj({ id: int, fullName: str }), enrolmentCount: int, maxEnrolments: { type: 'integer', description: '0: no limit' }, updatedAt: epochMs,
  lessons: { type: 'array', items: obj({ id: int, position: int, title: str, durationSec: int, completedBy: { type: 'integer', description: 'learners who completed the lesson' } }) },
  quizzes: { type: 'array', items: obj({ id: int, title: str, timeLimitSec: int, questionCount: int }) },
  assignments: { type: 'array', items: obj({ id: int, title: str, dueAt: epochMs, maxBytes: int }) },
}
const course = obj({ ...courseFields, relation: { type: 'string', enum: ['admin', 'teacher', 'enrolled', 'none'], description: "the caller's relation to the course" } })
const dashboardCourse = obj({ id: int, code: str, title: str, lessons: int, completedLessons: int, progressRatio: num, lastActivityAt: nullable(epochMs) })

/** The body of every 4xx and 5xx answer. */
export const ERROR = {
  type: 'object', required: ['error'], additionalProperties: false,
  properties: { statusCode: { type: 'integer', description: 'rate-limited answers (429) only' }, error: obj({ code: str, message: str }) },
} as const

/** Success responses by route ('METHOD /url' as Fastify registers it) and status. */
export const RESPONSES: Record<string, Record<number, { description: string; schema?: object; contentType?: string }>> = {
  'GET /healthz': {
    200: {
      description: 'the backend and its database answer',
      schema: { ...obj({ status: { type: 'string', enum: ['ok'] }, engine: { type: 'string', enum: ['sqlite', 'postgres'] }, profile: str, schemaVersion: int, pid: int, workers: int, uptimeSec: int, seed: seedOptions }), required: ['status', 'engine', 'profile', 'schemaVersion', 'pid', 'workers', 'uptimeSec'] },
    },
  },
  'GET /openapi.json': { 200: { description: 'this document (OpenAPI 3.0)', schema: { type: 'object' } } },
  'GET /metrics': { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain', schema: str } },
  'POST /api/auth/login': { 201: { description: 'signed in: send the token as `Authorization: Bearer <token>`', schema: obj({ token: str, expiresAt: epochMs, user }) } },
  'POST /api/auth/logout': { 204: { description: 'the session is ended' } },
  'GET /api/me': { 200: { description: 'the signed-in user', schema: user } },
  'POST /api/users': { 201: { description: 'the account was created (admins only)', schema: user } },
  'GET /api/courses': {
    200: { description: 'a page of the catalog (learners see published courses only)', schema: obj({ page: int, pageSize: int, total: int, courses: { type: 'array', items: obj({ id: int, code: str, title: str, category: str, instructor: str }) } }) },
  },
  'GET /api/courses/:id': { 200: { description: 'a course with its lessons, quizzes and assignments', schema: course } },
  'PATCH /api/courses/:id': { 200: { description: 'the edited course (its teacher or an admin)', schema: obj(courseFields) } },
  'POST /api/courses/:id/enrolments': {
    201: { description: 'enrolled', schema: obj({ courseId: int, userId: int, enrolled: { type: 'boolean', enum: [true] } }) },
    200: { description: 'already enrolled', schema: obj({ courseId: int, userId: int, enrolled: { type: 'boolean', enum: [true] } }) },
  },
  'GET /api/me/dashboard': { 200: { description: "the learner's courses and progress", schema: obj({ user, courses: { type: 'array', items: dashboardCourse } }) } },
  'GET /api/me/grades': {
    200: {
      description: "the learner's quiz attempts, newest first",
      schema: obj({ attempts: { type: 'array', items: obj({ id: int, quizId: int, quizTitle: str, courseId: int, state: str, startedAt: epochMs, finishedAt: nullable(epochMs), score: nullable(int), maxScore: nullable(int) }) } }),
    },
  },
  'GET /api/lessons/:id': {
    200: {
      description: 'a lesson, its signed HLS playback URL and the caller\'s progress',
      schema: obj({
        id: int, courseId: int, position: int, title: str, durationSec: int,
        playback: obj({ masterUrl: { type: 'string', description: 'HLS master playlist, signed for this lesson' }, segmentSec: int, renditions: { type: 'array', items: obj({ name: str, bandwidth: int, resolution: str }) } }),
        progress: nullable(obj({ positionSec: num, watchedSec: num, completed: bool, updatedAt: epochMs })),
      }),
    },
  },
  'PUT /api/lessons/:id/progress': { 200: { description: 'the heartbeat was saved', schema: obj({ lessonId: int, positionSec: num, savedAt: epochMs }) } },
  'GET /media/lessons/:lessonId/master.m3u8': { 200: { description: 'HLS master playlist', contentType: 'application/vnd.apple.mpegurl', schema: str } },
  'GET /media/lessons/:lessonId/:rendition/index.m3u8': { 200: { description: 'HLS media playlist of one rendition', contentType: 'application/vnd.apple.mpegurl', schema: str } },
  'GET /media/lessons/:lessonId/:rendition/:segment': {
    200: { description: 'an MPEG-TS segment', contentType: 'video/mp2t', schema: { type: 'string', format: 'binary' } },
    206: { description: 'the requested byte range of a segment', contentType: 'video/mp2t', schema: { type: 'string', format: 'binary' } },
  },
  'GET /api/quizzes/:id': {
    200: { description: "a quiz and the caller's attempts", schema: obj({ id: int, courseId: int, title: str, timeLimitSec: int, opensAt: epochMs, closesAt: epochMs, attempts: { type: 'array', items: attempt } }) },
  },
  'PATCH /api/quizzes/:id': { 200: { description: 'the edited quiz (its teacher or an admin)', schema: obj({ id: int, timeLimitSec: int, closesAt: epochMs }) } },
  'POST /api/quizzes/:id/attempts': {
    201: { description: 'a new attempt with its questions', schema: obj({ attempt, questions: { type: 'array', items: question }, answers: { type: 'array', items: answer } }) },
    200: { description: 'the open attempt, resumed, with the answers saved so far', schema: obj({ attempt, questions: { type: 'array', items: question }, answers: { type: 'array', items: answer } }) },
  },
  'GET /api/attempts/:id': { 200: { description: 'an attempt of the caller and its saved answers', schema: obj({ attempt, answers: { type: 'array', items: answer } }) } },
  'PUT /api/attempts/:id/answers/:questionId': { 200: { description: 'the answer was saved (autosave)', schema: obj({ attemptId: int, questionId: int, choice: int, savedAt: epochMs }) } },
  'POST /api/attempts/:id/submit': { 200: { description: 'the attempt is graded and closed', schema: obj({ attemptId: int, state: { type: 'string', enum: ['finished'] }, score: int, maxScore: int, overdue: bool }) } },
  'GET /api/courses/:id/gradebook': {
    200: {
      description: "a page of a course's learners and their results (its teacher or an admin)",
      schema: obj({ courseId: int, page: int, pageSize: int, enrolled: int, learners: { type: 'array', items: obj({ id: int, username: str, fullName: str, attempts: int, quizzesAttempted: int, scoreRatio: nullable(num), lastFinishedAt: nullable(epochMs), submissions: int }) } }),
    },
  },
  'GET /api/courses/:id/forum/posts': {
    200: { description: "a page of a course's forum, newest first", schema: obj({ courseId: int, page: int, pageSize: int, posts: { type: 'array', items: obj({ id: int, title: str, body: str, createdAt: epochMs, author: obj({ id: int, fullName: str }) }) } }) },
  },
  'POST /api/courses/:id/forum/posts': { 201: { description: 'the post was created', schema: obj({ id: int, courseId: int, title: str, createdAt: epochMs }) } },
  'POST /api/assignments/:id/submissions': { 201: { description: 'the upload was stored', schema: obj({ id: int, assignmentId: int, bytes: int, sha256: str, submittedAt: epochMs }) } },
}
