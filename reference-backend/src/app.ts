import { performance } from 'node:perf_hooks'
import Fastify, { type FastifyInstance, type FastifyError, type FastifySchemaValidationError } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { authenticate } from './auth/guard.ts'
import { newDbTiming } from './db/database.ts'
import { DbError } from './db/pool.ts'
import type { Deps } from './deps.ts'
import { HttpError } from './http-error.ts'
import { registerOpenApi } from './openapi.ts'
import { serverTiming } from './server-timing.ts'
import { assignmentRoutes } from './routes/assignments.ts'
import { authRoutes } from './routes/auth.ts'
import { courseRoutes } from './routes/courses.ts'
import { dashboardRoutes } from './routes/dashboard.ts'
import { forumRoutes } from './routes/forum.ts'
import { gradebookRoutes } from './routes/gradebook.ts'
import { lessonRoutes } from './routes/lessons.ts'
import { quizRoutes } from './routes/quizzes.ts'
import './request-state.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a bearer session (login, health, metrics, signed media). */
    public?: boolean
  }
}

export interface AppOptions {
  /** Prometheus exposition of this process, or of the whole cluster. */
  metricsText(): Promise<string>
  health(): Promise<Record<string, unknown>>
}

function errorBody(code: string, message: string) {
  return { error: { code, message } }
}

/** Maps any thrown error to a status: 4xx for the client's mistakes, 503 for overload, 500 for bugs. */
function toResponse(error: FastifyError | Error): { status: number; code: string; message: string; retryAfter?: number } {
  if (error instanceof HttpError) return { status: error.statusCode, code: error.code, message: error.message }
  if (error instanceof DbError) {
    if (error.kind === 'unique') return { status: 409, code: 'CONFLICT', message: 'a concurrent request wrote the same record' }
    if (error.kind === 'busy' || error.kind === 'pool-timeout') return { status: 503, code: 'DB_BUSY', message: error.message, retryAfter: 1 }
  }
  const fe = error as FastifyError
  if (fe.validation) return { status: 400, code: 'VALIDATION', message: fe.message }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: fe.code ?? 'BAD_REQUEST', message: fe.message }
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error' }
}

export interface BuiltApp {
  app: FastifyInstance
  /** `METHOD /url` of every registered route (HEAD excluded), for docs and tests. */
  routes: string[]
}

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null }

/**
 * Ajv's coercion reads '0x10' as 16 and '1e309' as Infinity: an id or a page number in a URL must
 * be plain decimal digits, or the request is a 400 like any other bad parameter.
 */
function decimalIntegers(validate: Validate, schema: unknown): Validate {
  const props = (schema as { properties?: Record<string, { type?: string }> }).properties ?? {}
  const integers = Object.entries(props).filter(([, p]) => p.type === 'integer').map(([k]) => k)
  if (integers.length === 0) return validate
  const checked: Validate = (data) => {
    for (const key of integers) {
      const value = (data as Record<string, unknown> | null)?.[key]
      if (typeof value === 'string' && !/^-?\d{1,16}$/.test(value)) {
        checked.errors = [{ instancePath: `/${key}`, schemaPath: '#/properties', keyword: 'type', params: { type: 'integer' }, message: 'must be an integer in decimal digits' }]
        return false
      }
    }
    const ok = validate(data)
    checked.errors = validate.errors
    return ok
  }
  return checked
}

export async function buildApp(deps: Deps, options: AppOptions): Promise<BuiltApp> {
  const { config, behaviour, metrics } = deps
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    logger: config.logLevel === 'silent' ? false : {
      level: config.logLevel,
      // Credentials never reach the log.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.password'],
    },
    return503OnClosing: true,
  })

  // Bodies are JSON and must match their schema exactly (no coercion, no silently dropped fields);
  // params and query strings arrive as text, so they are coerced to the declared types.
  const strict = addFormats.default(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false }))
  const coercing = addFormats.default(new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false }))
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict.compile(schema) : decimalIntegers(coercing.compile(schema), schema)))

  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      ...errorBody('RATE_LIMITED', `too many login attempts; retry in ${context.after}`),
    }),
  })

  app.decorateRequest('lms', null as never)
  const routes: string[] = []
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`)
  })

  app.addHook('onRequest', async (req) => {
    const timing = newDbTiming()
    const route = req.routeOptions.url ?? 'unmatched'
    req.lms = { startMs: performance.now(), timing, db: deps.db.session(route, timing), cache: undefined, upstreamMs: 0, user: undefined }
    if (behaviour.leakBytesPerRequest > 0) deps.leaked.push(Buffer.alloc(behaviour.leakBytesPerRequest, 1))
  })

  // Authentication runs before validation: an anonymous caller learns nothing about a route's input.
  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.config.public || req.routeOptions.url === undefined) return
    if (!req.url.startsWith('/api/')) return
    await authenticate(req)
  })

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.lms) reply.header('server-timing', serverTiming(req.lms, performance.now()))
    return payload
  })

  app.addHook('onResponse', async (req, reply) => {
    const s = req.lms
    if (!s) return
    const route = req.routeOptions.url ?? 'unmatched'
    metrics.request(req.method, route, reply.statusCode, (performance.now() - s.startMs) / 1000, s.timing.queries, s.timing.dbMs / 1000)
  })

  app.setErrorHandler((error, req, reply) => {
    const r = toResponse(error as Error)
    if (r.status >= 500 && r.status !== 503 && r.status !== 504) req.log.error({ err: error }, 'request failed')
    if (r.retryAfter) reply.header('retry-after', String(r.retryAfter))
    reply.code(r.status).send(errorBody(r.code, r.message))
  })

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`))
  })

  await registerOpenApi(app)
  app.get('/healthz', { config: { public: true } }, async () => options.health())

  app.get('/metrics', { config: { public: true } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType)
    return options.metricsText()
  })

  authRoutes(app, deps)
  courseRoutes(app, deps)
  dashboardRoutes(app, deps)
  lessonRoutes(app, deps)
  quizRoutes(app, deps)
  gradebookRoutes(app, deps)
  forumRoutes(app, deps)
  assignmentRoutes(app, deps)
  return { app, routes }
}
