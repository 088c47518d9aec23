import type { Learner } from 'lmsload'
import type { LmsData } from './data.ts'

/** The seeded account this learner plays: learner1 … learnerN, by arrival index. */
export function accountOf(l: Learner<LmsData>): string {
  return `learner${1 + (l.id % l.data.learners)}`
}

/** Signs in; the journey ends (returns false) when the LMS refuses. */
export async function signIn(l: Learner<LmsData>, username = accountOf(l), password = l.data.password): Promise<boolean> {
  const res = await l.post('/api/auth/login', { json: { username, password } })
  if (!l.check(res, (r) => r.status === 201, 'signed in')) return false
  l.bearer(res.json<{ token: string }>().token)
  return true
}

export function pick<T>(l: Learner, items: readonly T[]): T {
  return items[l.random.int(items.length)]!
}
