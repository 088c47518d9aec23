import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import { currentUser, requireRole, tokenHash } from '../auth/guard.ts'
import { hashPassword, hashPasswordSync, parseHash, verifyPassword } from '../auth/passwords.ts'
import type { Deps } from '../deps.ts'
import { DbError } from '../db/pool.ts'
import { HttpError } from '../http-error.ts'

interface LoginBody {
  username: string
  password: string
}

interface NewUserBody {
  username: string
  password: string
  fullName: string
  email: string
  role: 'learner' | 'instructor' | 'admin'
}

const username = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' } as const

export function authRoutes(app: FastifyInstance, deps: Deps): void {
  // Unknown users are checked against a dummy hash, so response time does not reveal which
  // usernames exist.
  const dummyHash = hashPasswordSync(randomBytes(12).toString('hex'), deps.config.scryptLogN)
  const sync = deps.behaviour.syncLoginHash

  app.post<{ Body: LoginBody }>('/api/auth/login', {
    config: {
      public: true,
      rateLimit: {
        max: deps.config.loginRateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (req) => `login:${String((req.body as Partial<LoginBody> | undefined)?.username ?? '').toLowerCase()}`,
      },
    },
    schema: {
      body: {
        type: 'object', required: ['username', 'password'], additionalProperties: false,
        properties: { username, password: { type: 'string', minLength: 1, maxLength: 256 } },
      },
    },
  }, async (req, reply) => {
    const { username: name, password } = req.body
    const user = await req.lms.db.one<{ id: number; username: string; full_name: string; role: string; password_hash: string }>(
      'SELECT id, username, full_name, role, password_hash FROM users WHERE username = $1', [name])
    const start = performance.now()
    const ok = await verifyPassword(password, user?.password_hash ?? dummyHash, sync)
    deps.metrics.hashDuration.labels(sync ? 'sync' : 'async').observe((performance.now() - start) / 1000)
    if (!user || !ok) {
      deps.metrics.logins.labels('rejected').inc()
      throw new HttpError(401, 'BAD_CREDENTIALS', 'wrong username or password')
    }
    if (sync && (parseHash(user.password_hash)?.logN ?? 0) < deps.config.cpuLoginScryptLogN) {
      // cpu-login: rehash to the stricter policy cost, synchronously, as a naive upgrade path does.
      const rehashStart = performance.now()
      const upgraded = hashPasswordSync(password, deps.config.cpuLoginScryptLogN)
      deps.metrics.hashDuration.labels('sync').observe((performance.now() - rehashStart) / 1000)
      await req.lms.db.run('UPDATE users SET password_hash = $1 WHERE id = $2', [upgraded, user.id])
    }
    const token = randomBytes(32).toString('base64url')
    const now = Date.now()
    const expiresAt = now + deps.config.sessionTtlSec * 1000
    await req.lms.db.run('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [tokenHash(token), user.id, now, expiresAt])
    deps.metrics.logins.labels('ok').inc()
    reply.code(201)
    return { token, expiresAt, user: { id: Number(user.id), username: user.username, fullName: user.full_name, role: user.role } }
  })

  app.post('/api/auth/logout', { schema: { querystring: { type: 'object', additionalProperties: false, properties: {} } } }, async (req, reply) => {
    currentUser(req)
    const token = (req.headers.authorization ?? '').slice('Bearer '.length)
    await req.lms.db.run('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)])
    reply.code(204)
  })

  app.get('/api/me', async (req) => currentUser(req))

  app.post<{ Body: NewUserBody }>('/api/users', {
    schema: {
      body: {
        type: 'object', required: ['username', 'password', 'fullName', 'email', 'role'], additionalProperties: false,
        properties: {
          username,
          password: { type: 'string', minLength: 8, maxLength: 256 },
          fullName: { type: 'string', minLength: 1, maxLength: 200 },
          email: { type: 'string', format: 'email', maxLength: 254 },
          role: { type: 'string', enum: ['learner', 'instructor', 'admin'] },
        },
      },
    },
  }, async (req, reply) => {
    requireRole(req, 'admin')
    const body = req.body
    const hash = await hashPassword(body.password, deps.config.scryptLogN)
    try {
      const rows = await req.lms.db.tx((t) => t.all<{ id: number }>(
        'INSERT INTO users (username, email, full_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [body.username, body.email, body.fullName, body.role, hash, Date.now()]))
      reply.code(201)
      return { id: Number(rows[0]!.id), username: body.username, fullName: body.fullName, role: body.role }
    } catch (error) {
      if (error instanceof DbError && error.kind === 'unique') throw new HttpError(409, 'USERNAME_TAKEN', `username '${body.username}' is taken`)
      throw error
    }
  })
}
