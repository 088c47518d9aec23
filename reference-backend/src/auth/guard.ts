import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { HttpError } from '../http-error.ts'
import type { AuthUser, Role } from '../request-state.ts'

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/

/** Resolves the bearer session of a request; 401 when absent, malformed or expired. */
export async function authenticate(req: FastifyRequest): Promise<AuthUser> {
  const match = BEARER.exec(req.headers.authorization ?? '')
  if (!match) throw new HttpError(401, 'UNAUTHENTICATED', 'missing or malformed bearer token')
  const row = await req.lms.db.one<{ id: number; username: string; full_name: string; role: Role }>(
    `SELECT u.id, u.username, u.full_name, u.role FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > $2`,
    [tokenHash(match[1]!), Date.now()],
  )
  if (!row) throw new HttpError(401, 'UNAUTHENTICATED', 'session expired or unknown')
  const user: AuthUser = { id: Number(row.id), username: row.username, fullName: row.full_name, role: row.role }
  req.lms.user = user
  return user
}

export function currentUser(req: FastifyRequest): AuthUser {
  const user = req.lms.user
  if (!user) throw new HttpError(401, 'UNAUTHENTICATED', 'not signed in')
  return user
}

export function requireRole(req: FastifyRequest, ...roles: Role[]): AuthUser {
  const user = currentUser(req)
  if (!roles.includes(user.role)) throw new HttpError(403, 'FORBIDDEN', `this action needs the ${roles.join(' or ')} role`)
  return user
}
