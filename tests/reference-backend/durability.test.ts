import { afterAll, describe, expect, it } from 'vitest'
import { ENGINES, seededDatabase, spawnBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS, type ApiClient } from '../helpers/api.ts'

const WRITERS = 8
const KILL_AFTER_ACKS = 120

interface Ack {
  token: string
  attemptId: number
  questionId: number
  choice: number
}

async function startAttempt(api: ApiClient, username: string) {
  const token = await api.login(username, PASSWORDS.learner)
  const dash = await api.get('/api/me/dashboard', token)
  const course = await api.get(`/api/courses/${dash.body.courses[0].id}`, token)
  const quiz = course.body.quizzes[1]
  const start = await api.call('POST', `/api/quizzes/${quiz.id}/attempts`, { token })
  return { token, attemptId: start.body.attempt.id as number, questions: start.body.questions.map((q: { id: number }) => q.id) as number[] }
}

describe.each(ENGINES)('durability of acknowledged writes on %s', (engine) => {
  const dbs: TestDatabase[] = []
  afterAll(async () => {
    for (const db of dbs) await db.drop()
  })

  it('keeps every answer that got a 2xx when the backend is killed with SIGKILL mid-write', async () => {
    const db = await seededDatabase(engine)
    dbs.push(db)
    const backend = await spawnBackend(db)
    const acks: Ack[] = []
    const attempts = await Promise.all(Array.from({ length: WRITERS }, (_, i) => startAttempt(backend.api, `learner${i + 1}`)))
    let killed = false
    // The one write per writer still in flight at the kill may or may not have committed.
    const inFlight: Ack[] = []
    const writers = attempts.map(async (a) => {
      // Each writer saves its questions in turn, each with a choice of its own, until the kill.
      for (let round = 0; !killed; round++) {
        const questionId = a.questions[round % a.questions.length]!
        const choice = (round >> 4) % 4
        const write: Ack = { token: a.token, attemptId: a.attemptId, questionId, choice }
        try {
          const r = await backend.api.call('PUT', `/api/attempts/${a.attemptId}/answers/${questionId}`, { token: a.token, json: { choice } })
          if (r.status === 200) acks.push(write)
        } catch {
          inFlight.push(write)
          return // connection reset: the process is gone
        }
        if (acks.length >= KILL_AFTER_ACKS && !killed) {
          killed = true
          backend.child.kill('SIGKILL')
        }
      }
    })
    await Promise.all(writers)
    expect(await backend.exited).toBe('SIGKILL')
    expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)

    const again = await spawnBackend(db)
    try {
      // The last acknowledged choice per (attempt, question) is what must be stored.
      const expected = new Map<string, Ack>()
      for (const ack of acks) expected.set(`${ack.attemptId}:${ack.questionId}`, ack)
      let checked = 0
      for (const a of attempts) {
        const token = await again.api.login(`learner${attempts.indexOf(a) + 1}`, PASSWORDS.learner)
        const saved = await again.api.get(`/api/attempts/${a.attemptId}`, token)
        const stored = new Map(saved.body.answers.map((x: { questionId: number; choice: number }) => [x.questionId, x.choice]))
        for (const ack of expected.values()) {
          if (ack.attemptId !== a.attemptId) continue
          const value = stored.get(ack.questionId)
          const unacknowledged = inFlight.filter((w) => w.attemptId === ack.attemptId && w.questionId === ack.questionId).map((w) => w.choice)
          expect([ack.choice, ...unacknowledged], `attempt ${ack.attemptId} question ${ack.questionId}`).toContain(value)
          checked++
        }
      }
      expect(checked).toBe(expected.size)
    } finally {
      await again.stop()
    }
  })
})
