import type { Session, DbTiming } from './db/database.ts'

export type Role = 'learner' | 'instructor' | 'admin'

export interface AuthUser {
  id: number
  username: string
  fullName: string
  role: Role
}

/** The worst cache outcome of a request, for Server-Timing: a miss outranks a wait outranks a hit. */
export type CacheOutcome = 'hit' | 'coalesced' | 'miss'

export interface RequestState {
  startMs: number
  timing: DbTiming
  db: Session
  cache: CacheOutcome | undefined
  upstreamMs: number
  user: AuthUser | undefined
}

const CACHE_RANK: Record<CacheOutcome, number> = { hit: 0, coalesced: 1, miss: 2 }

export function noteCache(state: RequestState, outcome: CacheOutcome): void {
  if (state.cache === undefined || CACHE_RANK[outcome] > CACHE_RANK[state.cache]) state.cache = outcome
}

declare module 'fastify' {
  interface FastifyRequest {
    lms: RequestState
  }
}
