import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { currentUser } from '../auth/guard.ts'
import type { Queryable, Tx } from '../db/database.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, forbidden, notFound } from '../http-error.ts'
import type { AuthUser } from '../request-state.ts'
import { loadCourse, relationTo, requireParticipant, requireTeacher } from './course-data.ts'
import { idParams, noQuery, type IdParams } from './schemas.ts'

interface QuizRow {
  id: number
  course_id: number
  title: string
  time_limit_sec: number
  opens_at: number
  closes_at: number
}

interface AttemptRow {
  id: number
  quiz_id: number
  user_id: number
  state: 'inprogress' | 'finished'
  started_at: number
  deadline_at: number
  finished_at: number | null
  score: number | null
  max_score: number | null
}

const ATTEMPT_COLUMNS = 'id, quiz_id, user_id, state, started_at, deadline_at, finished_at, score, max_score'

function attemptView(a: AttemptRow, autosaveIntervalSec: number) {
  return {
    id: Number(a.id), quizId: Number(a.quiz_id), userId: Number(a.user_id), state: a.state,
    startedAt: Number(a.started_at), deadlineAt: Number(a.deadline_at),
    finishedAt: a.finished_at === null ? null : Number(a.finished_at),
    score: a.score === null ? null : Number(a.score), maxScore: a.max_score === null ? null : Number(a.max_score),
    autosaveIntervalSec,
  }
}

async function loadQuiz(db: Queryable, quizId: number): Promise<QuizRow> {
  const quiz = await db.one<QuizRow>('SELECT id, course_id, title, time_limit_sec, opens_at, closes_at FROM quizzes WHERE id = $1', [quizId])
  if (!quiz) throw notFound('quiz')
  return quiz
}

export interface QuizQuestion {
  id: number
  position: number
  prompt: string
  options: string[]
}

/** Question definitions (never the answer key), cached per quiz as Moodle caches question data. */
export interface QuizQuestions {
  questions: QuizQuestion[]
  byId: Map<number, QuizQuestion>
}

async function buildQuizQuestions(db: Queryable, quizId: number): Promise<QuizQuestions> {
  const rows = await db.all<{ id: number; position: number; prompt: string; options: string }>(
    'SELECT id, position, prompt, options FROM questions WHERE quiz_id = $1 ORDER BY position', [quizId])
  const questions = rows.map((q) => ({ id: Number(q.id), position: Number(q.position), prompt: q.prompt, options: JSON.parse(q.options) as string[] }))
  return { questions, byId: new Map(questions.map((q) => [q.id, q])) }
}

async function savedAnswers(db: Queryable, attemptId: number) {
  const rows = await db.all<{ question_id: number; choice_index: number; saved_at: number }>(
    'SELECT question_id, choice_index, saved_at FROM answers WHERE attempt_id = $1 ORDER BY question_id', [attemptId])
  return rows.map((r) => ({ questionId: Number(r.question_id), choice: Number(r.choice_index), savedAt: Number(r.saved_at) }))
}

/** Scores saved answers against the key and closes the attempt (inside the caller's transaction). */
async function grade(t: Tx, attempt: AttemptRow, now: number): Promise<{ score: number; maxScore: number }> {
  const result = await t.one<{ score: number | null; max_score: number | null }>(
    `SELECT sum(CASE WHEN a.choice_index = q.correct_index THEN q.points ELSE 0 END) AS score, sum(q.points) AS max_score
       FROM questions q LEFT JOIN answers a ON a.question_id = q.id AND a.attempt_id = $1
      WHERE q.quiz_id = $2`, [attempt.id, attempt.quiz_id])
  const score = Number(result?.score ?? 0)
  const maxScore = Number(result?.max_score ?? 0)
  await t.run("UPDATE attempts SET state = 'finished', finished_at = $1, score = $2, max_score = $3 WHERE id = $4",
    [now, score, maxScore, attempt.id])
  return { score, maxScore }
}

/** Question rendering done synchronously on the event loop (the `event-loop-block` profile). */
function renderQuestionsBlocking(blockMs: number, seed: string): void {
  const until = performance.now() + blockMs
  let digest = seed
  while (performance.now() < until) digest = createHash('sha256').update(digest).digest('hex')
}

/** An attempt the user may touch: the owner; teachers and admins may read. 404 otherwise. */
async function ownedAttempt(t: Queryable, user: AuthUser, attemptId: number, lock: boolean): Promise<AttemptRow> {
  const attempt = await t.one<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = $1 ${lock ? '{{forUpdate}}' : ''}`, [attemptId])
  // Another learner's attempt is reported as missing, not forbidden: its existence is private too.
  if (!attempt || Number(attempt.user_id) !== user.id) throw notFound('attempt')
  return attempt
}

export function quizRoutes(app: FastifyInstance, deps: Deps): void {
  const { behaviour, config } = deps

  // Inside a transaction, `tx` builds on the held connection: a second one could deadlock a small pool.
  const questionsOf = (req: FastifyRequest, quizId: number, tx?: Queryable) =>
    deps.questionCache.get(String(quizId), req.lms, () => buildQuizQuestions(tx ?? req.lms.db, quizId), tx === undefined)

  async function quizContext(req: FastifyRequest, quizId: number) {
    const quiz = await loadQuiz(req.lms.db, quizId)
    const course = await loadCourse(deps, req, Number(quiz.course_id))
    return { quiz, course }
  }

  app.get<{ Params: IdParams }>('/api/quizzes/:id', { schema: { params: idParams('id'), querystring: noQuery } }, async (req) => {
    const user = currentUser(req)
    const { quiz, course } = await quizContext(req, req.params.id)
    await requireParticipant(req.lms.db, user, course)
    const mine = await req.lms.db.all<AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 AND quiz_id = $2 ORDER BY started_at DESC`, [user.id, quiz.id])
    return {
      id: Number(quiz.id), courseId: Number(quiz.course_id), title: quiz.title, timeLimitSec: Number(quiz.time_limit_sec),
      opensAt: Number(quiz.opens_at), closesAt: Number(quiz.closes_at),
      attempts: mine.map((a) => attemptView(a, config.autosaveIntervalSec)),
    }
  })

  app.patch<{ Params: IdParams; Body: { timeLimitSec?: number; closesAt?: number } }>('/api/quizzes/:id', {
    schema: {
      params: idParams('id'),
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { timeLimitSec: { type: 'integer', minimum: 1, maximum: 86_400 }, closesAt: { type: 'integer', minimum: 0 } },
      },
    },
  }, async (req) => {
    const user = currentUser(req)
    const { quiz, course } = await quizContext(req, req.params.id)
    requireTeacher(user, course)
    await req.lms.db.run('UPDATE quizzes SET time_limit_sec = COALESCE($1, time_limit_sec), closes_at = COALESCE($2, closes_at) WHERE id = $3',
      [req.body.timeLimitSec ?? null, req.body.closesAt ?? null, quiz.id])
    deps.courseCache.invalidate(String(course.id))
    deps.questionCache.invalidate(String(quiz.id))
    const updated = await loadQuiz(req.lms.db, quiz.id)
    return { id: Number(updated.id), timeLimitSec: Number(updated.time_limit_sec), closesAt: Number(updated.closes_at) }
  })

  // "Start attempt": the request an exam spike sends thousands of times in one minute.
  app.post<{ Params: IdParams }>('/api/quizzes/:id/attempts', { schema: { params: idParams('id'), querystring: noQuery } }, async (req, reply) => {
    const user = currentUser(req)
    if (user.role !== 'learner') throw forbidden('only learners take quizzes')
    const { quiz, course } = await quizContext(req, req.params.id)
    const now = Date.now()
    if (now < Number(quiz.opens_at) || now > Number(quiz.closes_at)) throw conflict('QUIZ_CLOSED', 'this quiz is not open')
    const started = await req.lms.db.tx(async (t) => {
      const enrolment = await t.one('SELECT id FROM enrolments WHERE user_id = $1 AND course_id = $2 {{forUpdate}}', [user.id, course.id])
      if (!enrolment) throw forbidden('you are not enrolled in this course')
      const open = await t.one<AttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 AND quiz_id = $2 AND state = 'inprogress'`, [user.id, quiz.id])
      if (open && now <= Number(open.deadline_at)) return { attempt: open, resumed: true }
      // An overdue attempt is closed with what was saved, as Moodle's overdue handling does.
      if (open) await grade(t, open, now)
      const rows = await t.all<AttemptRow>(
        `INSERT INTO attempts (quiz_id, user_id, state, started_at, deadline_at) VALUES ($1, $2, 'inprogress', $3, $4) RETURNING ${ATTEMPT_COLUMNS}`,
        [quiz.id, user.id, now, now + Number(quiz.time_limit_sec) * 1000])
      return { attempt: rows[0]!, resumed: false }
    })
    if (!started.resumed) await deps.upstream.call('proctoring', req.lms)
    if (behaviour.blockMs > 0) renderQuestionsBlocking(behaviour.blockMs, `${started.attempt.id}`)
    const { questions } = await questionsOf(req, Number(quiz.id))
    const answers = started.resumed ? await savedAnswers(req.lms.db, Number(started.attempt.id)) : []
    reply.code(started.resumed ? 200 : 201)
    return { attempt: attemptView(started.attempt, config.autosaveIntervalSec), questions, answers }
  })

  app.get<{ Params: IdParams }>('/api/attempts/:id', { schema: { params: idParams('id'), querystring: noQuery } }, async (req) => {
    const user = currentUser(req)
    const attempt = await req.lms.db.one<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = $1`, [req.params.id])
    if (!attempt) throw notFound('attempt')
    if (Number(attempt.user_id) !== user.id) {
      // Teachers of the course and admins may review; everyone else sees nothing.
      if (user.role === 'learner') throw notFound('attempt')
      const quiz = await loadQuiz(req.lms.db, Number(attempt.quiz_id))
      const course = await loadCourse(deps, req, Number(quiz.course_id))
      const relation = await relationTo(req.lms.db, user, course)
      if (relation !== 'teacher' && relation !== 'admin') throw notFound('attempt')
    }
    return { attempt: attemptView(attempt, config.autosaveIntervalSec), answers: await savedAnswers(req.lms.db, Number(attempt.id)) }
  })

  // Autosave: each answer is upserted as the learner works (Moodle autosaves every 60 s).
  app.put<{ Params: { id: number; questionId: number }; Body: { choice: number } }>('/api/attempts/:id/answers/:questionId', {
    schema: {
      params: idParams('id', 'questionId'),
      body: { type: 'object', required: ['choice'], additionalProperties: false, properties: { choice: { type: 'integer', minimum: 0, maximum: 31 } } },
    },
  }, async (req) => {
    const user = currentUser(req)
    const { id: attemptId, questionId } = req.params
    const choice = req.body.choice
    const now = Date.now()
    await req.lms.db.tx(async (t) => {
      const attempt = await ownedAttempt(t, user, attemptId, true)
      if (attempt.state !== 'inprogress') throw conflict('ATTEMPT_CLOSED', 'this attempt has been submitted')
      if (now > Number(attempt.deadline_at)) throw conflict('ATTEMPT_TIME_EXPIRED', 'the time limit of this attempt has passed; the answer was not saved')
      const question = (await questionsOf(req, Number(attempt.quiz_id), t)).byId.get(questionId)
      if (!question) throw notFound('question')
      const optionCount = question.options.length
      if (choice >= optionCount) throw badRequest(`choice ${choice} is out of range: this question has ${optionCount} options`)
      if (behaviour.lockHoldMs > 0) {
        // write-lock: a per-quiz counter on the hot quiz row, and the transaction held open.
        await t.lock('UPDATE quizzes SET answers_saved = answers_saved + 1 WHERE id = $1', [attempt.quiz_id])
        await sleep(behaviour.lockHoldMs)
      }
      const changed = await t.run('UPDATE answers SET choice_index = $1, saved_at = $2 WHERE attempt_id = $3 AND question_id = $4',
        [choice, now, attemptId, questionId])
      if (changed === 0) {
        await t.run('INSERT INTO answers (attempt_id, question_id, choice_index, saved_at) VALUES ($1, $2, $3, $4)', [attemptId, questionId, choice, now])
      }
    })
    return { attemptId, questionId, choice, savedAt: now }
  })

  app.post<{ Params: IdParams }>('/api/attempts/:id/submit', { schema: { params: idParams('id'), querystring: noQuery } }, async (req) => {
    const user = currentUser(req)
    const now = Date.now()
    return req.lms.db.tx(async (t) => {
      const attempt = await ownedAttempt(t, user, req.params.id, true)
      if (attempt.state !== 'inprogress') throw conflict('ATTEMPT_CLOSED', 'this attempt has already been submitted')
      const overdue = now > Number(attempt.deadline_at) + config.attemptGraceSec * 1000
      const result = await grade(t, attempt, now)
      return { attemptId: Number(attempt.id), state: 'finished', ...result, overdue }
    })
  })
}
