import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDirect } from '../../reference-backend/src/db/direct.ts'
import { ENGINES, seededDatabase, startBackend, type TestBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'

type Actor = 'anonymous' | 'owner' | 'otherLearner' | 'outsider' | 'teacher' | 'otherTeacher' | 'admin'

interface World {
  tokens: Record<Exclude<Actor, 'anonymous'>, string>
  courseId: number
  quizId: number
  lessonId: number
  assignmentId: number
  attemptId: number
  questionId: number
}

interface Case {
  name: string
  method: string
  path: (w: World) => string
  json?: unknown
  octet?: boolean
  expect: Partial<Record<Actor, number>>
}

// Role × route, with ownership: who may do what to whose data. Another learner's attempt is a
// 404 (its existence is private); a role that may never do something gets 403.
const CASES: Case[] = [
  { name: 'read own dashboard', method: 'GET', path: () => '/api/me/dashboard', expect: { anonymous: 401, owner: 200, teacher: 200 } },
  { name: 'read course gradebook', method: 'GET', path: (w) => `/api/courses/${w.courseId}/gradebook`, expect: { anonymous: 401, owner: 403, outsider: 403, teacher: 200, otherTeacher: 403, admin: 200 } },
  { name: 'edit a course', method: 'PATCH', path: (w) => `/api/courses/${w.courseId}`, json: { summary: 'edited' }, expect: { anonymous: 401, owner: 403, teacher: 200, otherTeacher: 403, admin: 200 } },
  { name: 'edit a quiz', method: 'PATCH', path: (w) => `/api/quizzes/${w.quizId}`, json: { timeLimitSec: 3600 }, expect: { anonymous: 401, owner: 403, teacher: 200, otherTeacher: 403, admin: 200 } },
  { name: 'create a user', method: 'POST', path: () => '/api/users', json: { username: 'x1', password: 'password-1', fullName: 'X', email: 'x@example.org', role: 'admin' }, expect: { anonymous: 401, owner: 403, teacher: 403, admin: 201 } },
  { name: 'read a lesson', method: 'GET', path: (w) => `/api/lessons/${w.lessonId}`, expect: { anonymous: 401, owner: 200, outsider: 403, teacher: 200, otherTeacher: 403, admin: 200 } },
  { name: 'save lesson progress', method: 'PUT', path: (w) => `/api/lessons/${w.lessonId}/progress`, json: { positionSec: 5 }, expect: { anonymous: 401, owner: 200, outsider: 403 } },
  { name: 'read a quiz', method: 'GET', path: (w) => `/api/quizzes/${w.quizId}`, expect: { anonymous: 401, owner: 200, outsider: 403, teacher: 200 } },
  { name: 'start an attempt', method: 'POST', path: (w) => `/api/quizzes/${w.quizId}/attempts`, expect: { anonymous: 401, outsider: 403, teacher: 403, admin: 403 } },
  { name: 'read an attempt', method: 'GET', path: (w) => `/api/attempts/${w.attemptId}`, expect: { anonymous: 401, owner: 200, otherLearner: 404, outsider: 404, teacher: 200, otherTeacher: 404, admin: 200 } },
  { name: 'autosave an answer', method: 'PUT', path: (w) => `/api/attempts/${w.attemptId}/answers/${w.questionId}`, json: { choice: 1 }, expect: { anonymous: 401, owner: 200, otherLearner: 404, teacher: 404, admin: 404 } },
  { name: 'submit an attempt', method: 'POST', path: (w) => `/api/attempts/${w.attemptId}/submit`, expect: { anonymous: 401, otherLearner: 404, teacher: 404 } },
  { name: 'read the forum', method: 'GET', path: (w) => `/api/courses/${w.courseId}/forum/posts`, expect: { anonymous: 401, owner: 200, outsider: 403, teacher: 200, otherTeacher: 403, admin: 200 } },
  { name: 'post to the forum', method: 'POST', path: (w) => `/api/courses/${w.courseId}/forum/posts`, json: { title: 't', body: 'b' }, expect: { anonymous: 401, owner: 201, outsider: 403 } },
  { name: 'upload an assignment', method: 'POST', path: (w) => `/api/assignments/${w.assignmentId}/submissions`, octet: true, expect: { anonymous: 401, owner: 201, outsider: 403, teacher: 403 } },
]

// What a refused request must leave untouched: every row of the tables learners and teachers write.
const GUARDED = ['users', 'courses', 'enrolments', 'quizzes', 'attempts', 'answers', 'progress', 'forum_posts', 'submissions']

async function digest(db: TestDatabase): Promise<string> {
  const conn = await openDirect(db.dataDir, db.databaseUrl)
  try {
    const hash = createHash('sha256')
    for (const table of GUARDED) hash.update(`${table}:${JSON.stringify(await conn.all(`SELECT * FROM ${table} ORDER BY id`, []))}`)
    return hash.digest('hex')
  } finally {
    await conn.close()
  }
}

describe.each(ENGINES)('authorization matrix on %s', (engine) => {
  let db: TestDatabase
  let backend: TestBackend
  const world = {} as World

  beforeAll(async () => {
    db = await seededDatabase(engine)
    backend = await startBackend(db)
    const api = backend.api
    const admin = await api.login('admin', PASSWORDS.admin)
    const owner = await api.login('learner1', PASSWORDS.learner)
    const course = (await api.get(`/api/courses/${(await api.get('/api/me/dashboard', owner)).body.courses[0].id}`, owner)).body
    world.courseId = course.id
    world.quizId = course.quizzes[0].id
    world.lessonId = course.lessons[0].id
    world.assignmentId = course.assignments[0].id
    const started = await api.call('POST', `/api/quizzes/${world.quizId}/attempts`, { token: owner })
    world.attemptId = started.body.attempt.id
    world.questionId = started.body.questions[0].id
    // Another learner enrolled in the same course, and one enrolled in nothing.
    let otherLearner = ''
    for (let i = 2; i <= 60 && !otherLearner; i++) {
      const token = await api.login(`learner${i}`, PASSWORDS.learner)
      const dash = await api.get('/api/me/dashboard', token)
      if (dash.body.courses.some((c: { id: number }) => c.id === world.courseId)) otherLearner = token
    }
    await api.call('POST', '/api/users', { token: admin, json: { username: 'outsider', password: 'outsider-pw', fullName: 'Out Sider', email: 'o@example.org', role: 'learner' } })
    const teacherIndex = ((world.courseId - 1) % 2) + 1
    world.tokens = {
      owner, otherLearner, admin,
      outsider: await api.login('outsider', 'outsider-pw'),
      teacher: await api.login(`instructor${teacherIndex}`, PASSWORDS.instructor),
      otherTeacher: await api.login(`instructor${3 - teacherIndex}`, PASSWORDS.instructor),
    }
    expect(otherLearner).not.toBe('')
  })
  afterAll(async () => {
    await backend?.close()
    await db?.drop()
  })

  const rows = CASES.flatMap((c) => Object.entries(c.expect).map(([actor, status]) => ({ c, actor: actor as Actor, status: status! })))
  it.each(rows.map((r) => [`${r.actor} → ${r.c.name} = ${r.status}`, r] as const))('%s', async (_label, { c, actor, status }) => {
    const token = actor === 'anonymous' ? undefined : world.tokens[actor]
    const options = c.octet
      ? { token, body: Buffer.from('essay'), headers: { 'content-type': 'application/octet-stream' } }
      : { token, json: c.json }
    const before = status >= 400 && c.method !== 'GET' ? await digest(db) : undefined
    const r = await backend.api.call(c.method, c.path(world), options)
    expect(r.status, r.text).toBe(status)
    // A refused write changed nothing: not a row, not a column.
    if (before !== undefined) expect(await digest(db)).toBe(before)
  })

  it('never shows one learner the grades of another', async () => {
    const mine = await backend.api.get('/api/me/grades', world.tokens.owner)
    const theirs = await backend.api.get('/api/me/grades', world.tokens.otherLearner)
    const ownerIds = new Set(mine.body.attempts.map((a: { id: number }) => a.id))
    expect(ownerIds.has(world.attemptId)).toBe(true)
    expect(theirs.body.attempts.some((a: { id: number }) => ownerIds.has(a.id))).toBe(false)
  })

  it('refuses a forged or expired bearer token', async () => {
    expect((await backend.api.get('/api/me', 'A'.repeat(43))).status).toBe(401)
    expect((await backend.api.call('GET', '/api/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })).status).toBe(401)
  })

  it('issues unguessable session tokens: unique, 256 bits, no shared structure', async () => {
    const tokens = await Promise.all(Array.from({ length: 40 }, () => backend.api.login('learner3', PASSWORDS.learner)))
    expect(new Set(tokens).size).toBe(tokens.length)
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    // No common prefix beyond chance and every position varies: not a counter, a time or a user id.
    const prefix = tokens.reduce((p, t) => { let i = 0; while (i < p.length && p[i] === t[i]) i++; return p.slice(0, i) }, tokens[0]!)
    expect(prefix.length).toBeLessThan(3)
    for (let i = 0; i < 43; i++) expect(new Set(tokens.map((t) => t[i])).size, `position ${i}`).toBeGreaterThan(5)
  })
})

describe.each(ENGINES)('session expiry on %s', (engine) => {
  it('refuses a token once its session lifetime has passed', async () => {
    const db = await seededDatabase(engine)
    const backend = await startBackend(db, { sessionTtlSec: 1 })
    try {
      const token = await backend.api.login('learner1', PASSWORDS.learner)
      expect((await backend.api.get('/api/me', token)).status).toBe(200)
      await new Promise((r) => setTimeout(r, 1500))
      const expired = await backend.api.get('/api/me', token)
      expect(expired.status).toBe(401)
      expect(expired.text).toMatch(/session expired or unknown/)
    } finally {
      await backend.close()
      await db.drop()
    }
  })
})
