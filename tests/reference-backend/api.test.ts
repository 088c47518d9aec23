import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, seededDatabase, startBackend, type TestBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'
import { OpenApiChecker } from '../helpers/openapi.ts'

describe.each(ENGINES)('reference backend API on %s', (engine) => {
  let db: TestDatabase
  let backend: TestBackend
  let learner: string
  let courseId: number
  let openapi: OpenApiChecker

  beforeAll(async () => {
    db = await seededDatabase(engine)
    backend = await startBackend(db)
    // Every response of every test below is checked against the backend's own OpenAPI document.
    openapi = new OpenApiChecker((await backend.api.get('/openapi.json')).body)
    backend.api.observers.push(openapi.check)
    learner = await backend.api.login('learner1', PASSWORDS.learner)
    const dash = await backend.api.get('/api/me/dashboard', learner)
    courseId = dash.body.courses[0].id
  })
  afterAll(async () => {
    await backend?.close()
    await db?.drop()
  })

  it('reports health with the engine and profile', async () => {
    const r = await backend.api.get('/healthz')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'ok', engine, profile: 'healthy', schemaVersion: 1 })
  })

  it('logs in, identifies the user, and logs out', async () => {
    const login = await backend.api.call('POST', '/api/auth/login', { json: { username: 'learner2', password: PASSWORDS.learner } })
    expect(login.status).toBe(201)
    expect(login.body.user).toMatchObject({ username: 'learner2', role: 'learner' })
    expect(login.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const me = await backend.api.get('/api/me', login.body.token)
    expect(me.body).toMatchObject({ username: 'learner2', role: 'learner' })
    expect((await backend.api.call('POST', '/api/auth/logout', { token: login.body.token })).status).toBe(204)
    expect((await backend.api.get('/api/me', login.body.token)).status).toBe(401)
  })

  it('rejects a wrong password and an unknown user alike', async () => {
    const wrong = await backend.api.call('POST', '/api/auth/login', { json: { username: 'learner3', password: 'nope' } })
    const unknown = await backend.api.call('POST', '/api/auth/login', { json: { username: 'nobody', password: 'nope' } })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
  })

  it('pages and searches the catalog, escaping LIKE wildcards', async () => {
    const all = await backend.api.get('/api/courses?pageSize=2', learner)
    expect(all.status).toBe(200)
    expect(all.body.courses).toHaveLength(2)
    expect(all.body.total).toBeGreaterThanOrEqual(2)
    const page2 = await backend.api.get('/api/courses?pageSize=2&page=2', learner)
    expect(page2.body.courses[0].id).not.toBe(all.body.courses[0].id)
    const code = all.body.courses[0].code as string
    const found = await backend.api.get(`/api/courses?q=${encodeURIComponent(code.toLowerCase())}`, learner)
    expect(found.body.courses.map((c: { code: string }) => c.code)).toContain(code)
    const wildcard = await backend.api.get('/api/courses?q=%25', learner)
    expect(wildcard.body.total).toBe(0)
  })

  it('shows a course with lessons, quizzes and the caller\'s relation, cached on the second read', async () => {
    const first = await backend.api.get(`/api/courses/${courseId}`, learner)
    expect(first.status).toBe(200)
    expect(first.body.relation).toBe('enrolled')
    expect(first.body.lessons.length).toBeGreaterThanOrEqual(8)
    expect(first.body.quizzes.map((q: { title: string }) => q.title)).toEqual(['Weekly quiz 1', 'Weekly quiz 2', 'Weekly quiz 3', 'Weekly quiz 4', 'Final exam'])
    const second = await backend.api.get(`/api/courses/${courseId}`, learner)
    expect(second.headers.get('server-timing')).toContain('cache;desc=hit')
  })

  it('answers every API call with a Server-Timing header split into components', async () => {
    const r = await backend.api.get('/api/me/dashboard', learner)
    const header = r.headers.get('server-timing') ?? ''
    expect(header).toMatch(/db;dur=\d+\.\d+;desc="\d+ queries"/)
    expect(header).toMatch(/pool;dur=\d+\.\d+/)
    expect(header).toMatch(/lock;dur=\d+\.\d+/)
    expect(header).toMatch(/upstream;dur=\d+\.\d+/)
    expect(header).toMatch(/app;dur=\d+\.\d+/)
  })

  it('enrols a learner once (201, then 200) and lists the course on the dashboard', async () => {
    const admin = await backend.api.login('admin', PASSWORDS.admin)
    await backend.api.call('POST', '/api/users', {
      token: admin, json: { username: 'freshman', password: 'freshman-pw', fullName: 'Fresh Man', email: 'fresh@example.org', role: 'learner' },
    })
    const token = await backend.api.login('freshman', 'freshman-pw')
    expect((await backend.api.get('/api/me/dashboard', token)).body.courses).toEqual([])
    const catalog = await backend.api.get('/api/courses?pageSize=100', token)
    const target = catalog.body.courses[0]
    expect((await backend.api.call('POST', `/api/courses/${target.id}/enrolments`, { token })).status).toBe(201)
    expect((await backend.api.call('POST', `/api/courses/${target.id}/enrolments`, { token })).status).toBe(200)
    const after = await backend.api.get('/api/me/dashboard', token)
    expect(after.body.courses.map((c: { id: number }) => c.id)).toContain(target.id)
  })

  it('returns lesson playback info and upserts progress heartbeats', async () => {
    const course = await backend.api.get(`/api/courses/${courseId}`, learner)
    const lesson = course.body.lessons[course.body.lessons.length - 1]
    const info = await backend.api.get(`/api/lessons/${lesson.id}`, learner)
    expect(info.status).toBe(200)
    expect(info.body.playback.masterUrl).toMatch(new RegExp(`^/media/lessons/${lesson.id}/master\\.m3u8\\?d=\\d+&exp=\\d+&sig=`))
    const beat1 = await backend.api.call('PUT', `/api/lessons/${lesson.id}/progress`, { token: learner, json: { positionSec: 30 } })
    expect(beat1.status).toBe(200)
    const beat2 = await backend.api.call('PUT', `/api/lessons/${lesson.id}/progress`, { token: learner, json: { positionSec: 10, watchedSec: 20 } })
    expect(beat2.status).toBe(200)
    const after = await backend.api.get(`/api/lessons/${lesson.id}`, learner)
    // Position follows the player; watched time never goes backwards.
    expect(after.body.progress).toMatchObject({ positionSec: 10, watchedSec: 30 })
    const beyond = await backend.api.call('PUT', `/api/lessons/${lesson.id}/progress`, { token: learner, json: { positionSec: lesson.durationSec + 100 } })
    expect(beyond.status).toBe(400)
  })

  it('runs an exam attempt: start, resume, autosave, overwrite, submit and grade', async () => {
    const token = await backend.api.login('learner6', PASSWORDS.learner)
    const dash = await backend.api.get('/api/me/dashboard', token)
    const course = await backend.api.get(`/api/courses/${dash.body.courses[0].id}`, token)
    const quiz = course.body.quizzes[0]
    const start = await backend.api.call('POST', `/api/quizzes/${quiz.id}/attempts`, { token })
    expect(start.status).toBe(201)
    expect(start.headers.get('server-timing')).toMatch(/upstream;dur=[1-9]/)
    const attempt = start.body.attempt
    expect(attempt).toMatchObject({ state: 'inprogress', autosaveIntervalSec: 60 })
    expect(start.body.questions).toHaveLength(quiz.questionCount)
    expect(start.body.questions[0]).not.toHaveProperty('correct_index')
    const resumed = await backend.api.call('POST', `/api/quizzes/${quiz.id}/attempts`, { token })
    expect(resumed.status).toBe(200)
    expect(resumed.body.attempt.id).toBe(attempt.id)
    const q1 = start.body.questions[0].id
    const q2 = start.body.questions[1].id
    expect((await backend.api.call('PUT', `/api/attempts/${attempt.id}/answers/${q1}`, { token, json: { choice: 0 } })).status).toBe(200)
    expect((await backend.api.call('PUT', `/api/attempts/${attempt.id}/answers/${q1}`, { token, json: { choice: 1 } })).status).toBe(200)
    expect((await backend.api.call('PUT', `/api/attempts/${attempt.id}/answers/${q2}`, { token, json: { choice: 2 } })).status).toBe(200)
    const saved = await backend.api.get(`/api/attempts/${attempt.id}`, token)
    expect(saved.body.answers.map((a: { questionId: number; choice: number }) => [a.questionId, a.choice])).toEqual([[q1, 1], [q2, 2]])
    const submit = await backend.api.call('POST', `/api/attempts/${attempt.id}/submit`, { token })
    expect(submit.status).toBe(200)
    expect(submit.body).toMatchObject({ state: 'finished', maxScore: quiz.questionCount, overdue: false })
    expect(submit.body.score).toBeGreaterThanOrEqual(0)
    expect(submit.body.score).toBeLessThanOrEqual(2)
    const again = await backend.api.call('POST', `/api/attempts/${attempt.id}/submit`, { token })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('ATTEMPT_CLOSED')
    const late = await backend.api.call('PUT', `/api/attempts/${attempt.id}/answers/${q1}`, { token, json: { choice: 3 } })
    expect(late.status).toBe(409)
    const grades = await backend.api.get('/api/me/grades', token)
    expect(grades.body.attempts.find((a: { id: number }) => a.id === attempt.id)).toMatchObject({ state: 'finished', score: submit.body.score })
  })

  it('refuses answers after the time limit with 409 ATTEMPT_TIME_EXPIRED', async () => {
    const token = await backend.api.login('learner7', PASSWORDS.learner)
    const dash = await backend.api.get('/api/me/dashboard', token)
    const course = await backend.api.get(`/api/courses/${dash.body.courses[0].id}`, token)
    const quiz = course.body.quizzes.at(-1)
    const teacherName = `instructor${((course.body.id - 1) % 2) + 1}`
    const teacher = await backend.api.login(teacherName, PASSWORDS.instructor)
    const edit = await backend.api.call('PATCH', `/api/quizzes/${quiz.id}`, { token: teacher, json: { timeLimitSec: 1 } })
    expect(edit.status).toBe(200)
    const start = await backend.api.call('POST', `/api/quizzes/${quiz.id}/attempts`, { token })
    expect(start.status).toBe(201)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const q = start.body.questions[0].id
    const late = await backend.api.call('PUT', `/api/attempts/${start.body.attempt.id}/answers/${q}`, { token, json: { choice: 0 } })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('ATTEMPT_TIME_EXPIRED')
    await backend.api.call('PATCH', `/api/quizzes/${quiz.id}`, { token: teacher, json: { timeLimitSec: 3600 } })
  })

  it('serves the instructor gradebook as an aggregate per learner', async () => {
    const course = await backend.api.get(`/api/courses/${courseId}`, learner)
    const teacher = await backend.api.login(`instructor${((courseId - 1) % 2) + 1}`, PASSWORDS.instructor)
    const book = await backend.api.get(`/api/courses/${courseId}/gradebook?pageSize=100`, teacher)
    expect(book.status).toBe(200)
    expect(book.body.enrolled).toBeGreaterThanOrEqual(course.body.enrolmentCount)
    expect(book.body.learners).toHaveLength(Math.min(100, book.body.enrolled))
    const withAttempts = book.body.learners.filter((l: { attempts: number }) => l.attempts > 0)
    expect(withAttempts.length).toBeGreaterThan(0)
    for (const l of withAttempts) expect(l.scoreRatio).toBeGreaterThanOrEqual(0)
  })

  it('lists forum posts newest first and accepts a post', async () => {
    const posted = await backend.api.call('POST', `/api/courses/${courseId}/forum/posts`, { token: learner, json: { title: 'Exam tips?', body: 'Anyone?' } })
    expect(posted.status).toBe(201)
    const list = await backend.api.get(`/api/courses/${courseId}/forum/posts?pageSize=5`, learner)
    expect(list.body.posts[0]).toMatchObject({ id: posted.body.id, title: 'Exam tips?' })
    const times = list.body.posts.map((p: { createdAt: number }) => p.createdAt)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
  })

  it('stores an assignment upload with its checksum and refuses one over the limit', async () => {
    const course = await backend.api.get(`/api/courses/${courseId}`, learner)
    const assignment = course.body.assignments[0]
    const file = Buffer.from('my essay '.repeat(1000))
    const up = await backend.api.call('POST', `/api/assignments/${assignment.id}/submissions`, {
      token: learner, body: file, headers: { 'content-type': 'application/octet-stream' },
    })
    expect(up.status).toBe(201)
    expect(up.body.bytes).toBe(file.length)
    expect(up.body.sha256).toMatch(/^[0-9a-f]{64}$/)
    const small = await startBackend(db, { uploadLimitBytes: 1000 })
    try {
      const token = await small.api.login('learner1', PASSWORDS.learner)
      const big = await small.api.call('POST', `/api/assignments/${assignment.id}/submissions`, {
        token, body: file, headers: { 'content-type': 'application/octet-stream' },
      })
      expect(big.status).toBe(413)
    } finally {
      await small.close()
    }
  })

  it('lets an instructor edit a course and invalidates its cached page', async () => {
    const teacher = await backend.api.login(`instructor${((courseId - 1) % 2) + 1}`, PASSWORDS.instructor)
    await backend.api.get(`/api/courses/${courseId}`, learner)
    const edit = await backend.api.call('PATCH', `/api/courses/${courseId}`, { token: teacher, json: { title: 'Renamed for the exam' } })
    expect(edit.status).toBe(200)
    // The edit dropped the cached page, so answering it meant a rebuild.
    expect(edit.headers.get('server-timing')).toContain('cache;desc=miss')
    const after = await backend.api.get(`/api/courses/${courseId}`, learner)
    expect(after.body.title).toBe('Renamed for the exam')
  })

  it('lets an admin create a user with a salted hash of its own', async () => {
    const admin = await backend.api.login('admin', PASSWORDS.admin)
    const created = await backend.api.call('POST', '/api/users', {
      token: admin, json: { username: 'newbie', password: 'long-enough-pw', fullName: 'New Learner', email: 'newbie@example.org', role: 'learner' },
    })
    expect(created.status).toBe(201)
    expect(await backend.api.login('newbie', 'long-enough-pw')).toMatch(/\w+/)
    const dup = await backend.api.call('POST', '/api/users', {
      token: admin, json: { username: 'newbie', password: 'long-enough-pw', fullName: 'Again', email: 'again@example.org', role: 'learner' },
    })
    expect(dup.status).toBe(409)
  })

  // Last: by now the tests above have called every JSON route; the rest are called here.
  it('documents every route in /openapi.json, and every answer matches it', async () => {
    const documented = openapi.operations.map((o) => `${o.method} ${o.template.replace(/\{([^}]+)\}/g, ':$1')}`)
    expect([...documented].sort()).toEqual([...backend.routes].sort())
    expect((await backend.api.get('/openapi.json')).status).toBe(200)
    expect((await backend.api.get('/metrics')).status).toBe(200)
    const course = await backend.api.get(`/api/courses/${courseId}`, learner)
    expect((await backend.api.get(`/api/quizzes/${course.body.quizzes[0].id}`, learner)).status).toBe(200)
    const lesson = await backend.api.get(`/api/lessons/${course.body.lessons[0].id}`, learner)
    const master = await backend.api.get(lesson.body.playback.masterUrl)
    const base = lesson.body.playback.masterUrl.split('?')[0].replace(/master\.m3u8$/, '')
    const rendition = master.text.split('\n').find((l: string) => l.endsWith('index.m3u8') || l.includes('index.m3u8?'))!
    const index = await backend.api.get(`${base}${rendition}`)
    const segment = index.text.split('\n').find((l: string) => l.startsWith('seg-'))!
    const renditionBase = `${base}${rendition.split('/')[0]}/`
    expect((await backend.api.get(`${renditionBase}${segment}`)).status).toBe(200)
    expect((await backend.api.call('GET', `${renditionBase}${segment}`, { headers: { range: 'bytes=0-99' } })).status).toBe(206)
    expect(openapi.failures).toEqual([])
    const missing = openapi.documentedSuccesses().filter((s) => !openapi.checked.has(s))
    expect(missing, 'documented answers no test received').toEqual([])
  })
})
