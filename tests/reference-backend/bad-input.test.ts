import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, seededDatabase, startBackend, type TestBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'

const INJECTIONS = [
  "' OR '1'='1",
  "1; DROP TABLE users; --",
  "learner1' --",
  "\\'; DELETE FROM sessions; --",
  "%' UNION SELECT password_hash FROM users --",
]

describe.each(ENGINES)('bad input on %s', (engine) => {
  let db: TestDatabase
  let backend: TestBackend
  let token: string
  let attemptPath: string
  let lessonId: number

  beforeAll(async () => {
    db = await seededDatabase(engine)
    backend = await startBackend(db, { bodyLimitBytes: 4096 })
    token = await backend.api.login('learner1', PASSWORDS.learner)
    const dash = await backend.api.get('/api/me/dashboard', token)
    const course = await backend.api.get(`/api/courses/${dash.body.courses[0].id}`, token)
    lessonId = course.body.lessons[0].id
    const start = await backend.api.call('POST', `/api/quizzes/${course.body.quizzes[0].id}/attempts`, { token })
    attemptPath = `/api/attempts/${start.body.attempt.id}/answers/${start.body.questions[0].id}`
  })
  afterAll(async () => {
    await backend?.close()
    await db?.drop()
  })

  const raw = (path: string, body: string, method = 'PUT') =>
    backend.api.call(method, path, { token, body, headers: { 'content-type': 'application/json' } })

  it('answers malformed JSON with 400 and a message, not 500', async () => {
    const r = await raw(attemptPath, '{"choice": 1,')
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/JSON/i)
  })

  it.each([
    ['a string', { choice: 'abc' }],
    ['a fraction', { choice: 1.5 }],
    ['a negative number', { choice: -1 }],
    ['null', { choice: null }],
    ['an object', { choice: { $gt: 0 } }],
    ['a missing field', {}],
  ])('rejects a choice that is %s with 400 naming the field', async (_label, body) => {
    const r = await backend.api.call('PUT', attemptPath, { token, json: body })
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/choice/)
  })

  it('rejects a choice beyond the question\'s options with 400', async () => {
    const r = await backend.api.call('PUT', attemptPath, { token, json: { choice: 9 } })
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/out of range/)
  })

  it.each([
    ['/api/courses/abc', 'a word'],
    ['/api/courses/0', 'zero'],
    ['/api/courses/-3', 'a negative id'],
    ['/api/courses/99999999999', 'an id beyond 32 bits'],
  ])('rejects %s (%s) as an id with 400', async (path) => {
    expect((await backend.api.get(path, token)).status).toBe(400)
  })

  it('rejects bad paging and unknown query parameters', async () => {
    expect((await backend.api.get('/api/courses?pageSize=1000', token)).status).toBe(400)
    expect((await backend.api.get('/api/courses?page=0', token)).status).toBe(400)
    expect((await backend.api.get('/api/courses?sort=title', token)).status).toBe(400)
  })

  it('answers a body over the limit with 413', async () => {
    const r = await backend.api.call('POST', `/api/courses/1/forum/posts`, { token, json: { title: 'big', body: 'x'.repeat(10_000) } })
    expect(r.status).toBe(413)
  })

  it('answers an unsupported content type with 415', async () => {
    const r = await backend.api.call('PUT', attemptPath, { token, body: 'choice=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(r.status).toBe(415)
  })

  it('answers unknown routes and methods with a JSON 404', async () => {
    const r = await backend.api.get('/api/nope', token)
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('NOT_FOUND')
    expect((await backend.api.call('DELETE', '/api/courses/1', { token })).status).toBe(404)
  })

  it.each(INJECTIONS)('treats %j as data in login, search and posts', async (evil) => {
    const login = await backend.api.call('POST', '/api/auth/login', { json: { username: evil, password: evil } })
    expect([400, 401]).toContain(login.status)
    const search = await backend.api.get(`/api/courses?q=${encodeURIComponent(evil)}`, token)
    expect(search.status).toBe(200)
    expect(search.body.total).toBe(0)
    const post = await backend.api.call('POST', '/api/courses/1/forum/posts', { token, json: { title: evil, body: evil } })
    expect([201, 403]).toContain(post.status)
    // Everything still there: the users table answers logins, the sessions table our token.
    expect((await backend.api.get('/api/me', token)).status).toBe(200)
    expect(await backend.api.login('learner2', PASSWORDS.learner)).toBeTruthy()
  })

  // Every route parameter is an id: injection and path-traversal strings in any of them are a 400
  // (schema) or a 404 (routing), never a 500, never a file, never a changed row.
  const PARAM_ROUTES = [
    ['GET', '/api/courses/:p'], ['GET', '/api/courses/:p/gradebook'], ['GET', '/api/courses/:p/forum/posts'], ['GET', '/api/lessons/:p'],
    ['PUT', '/api/lessons/:p/progress'], ['GET', '/api/quizzes/:p'], ['POST', '/api/quizzes/:p/attempts'], ['GET', '/api/attempts/:p'],
    ['POST', '/api/attempts/:p/submit'], ['PUT', '/api/attempts/1/answers/:p'], ['POST', '/api/assignments/:p/submissions'],
  ] as const
  const EVIL_IDS = [...INJECTIONS, '../../../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%00', '1e309', '-1', '0x10', '99999999999999999999']
  it.each(PARAM_ROUTES)('refuses injection and traversal in the id of %s %s', async (method, route) => {
    const before = await backend.api.get('/api/me/grades', token)
    for (const evil of EVIL_IDS) {
      const p = route.replace(':p', evil.includes('%') ? evil : encodeURIComponent(evil))
      const r = route.includes('submissions')
        ? await backend.api.call(method, p, { token, body: Buffer.from('essay'), headers: { 'content-type': 'application/octet-stream' } })
        : await backend.api.call(method, p, { token, json: method === 'GET' ? undefined : { positionSec: 1, choice: 1 } })
      expect([400, 404], `${method} ${p}: ${r.status} ${r.text}`).toContain(r.status)
      expect(r.text).not.toMatch(/root:|SQLITE|syntax error|at \w+ \(/)
    }
    expect((await backend.api.get('/api/me/grades', token)).body).toEqual(before.body)
  })

  it('refuses a learner progress position that is not a number', async () => {
    const r = await backend.api.call('PUT', `/api/lessons/${lessonId}/progress`, { token, json: { positionSec: '10s' } })
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/positionSec/)
  })

  it('rate-limits repeated logins for one username with 429', async () => {
    const limited = await startBackend(db, { loginRateLimitPerMinute: 5 })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) {
        statuses.push((await limited.api.call('POST', '/api/auth/login', { json: { username: 'learner9', password: 'wrong' } })).status)
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
      expect(statuses.slice(5)).toEqual([429, 429])
      // Another username is not affected.
      expect((await limited.api.call('POST', '/api/auth/login', { json: { username: 'learner10', password: PASSWORDS.learner } })).status).toBe(201)
    } finally {
      await limited.close()
    }
  })
})
