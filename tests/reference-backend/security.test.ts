import { afterAll, describe, expect, it } from 'vitest'
import { seededDatabase, spawnBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'

describe('no secrets in logs', () => {
  let db: TestDatabase | undefined
  afterAll(async () => {
    await db?.drop()
  })

  it('logs requests at debug level without passwords, bearer tokens or password hashes', async () => {
    db = await seededDatabase('sqlite')
    const backend = await spawnBackend(db, ['--log-level', 'debug'])
    try {
      const token = await backend.api.login('learner1', PASSWORDS.learner)
      await backend.api.call('POST', '/api/auth/login', { json: { username: 'learner2', password: 'not-the-password-XYZ' } })
      await backend.api.get('/api/me/dashboard', token)
      await backend.api.call('PUT', '/api/attempts/1/answers/1', { token, body: '{"choice":', headers: { 'content-type': 'application/json' } })
    } finally {
      await backend.stop()
    }
    const log = backend.output()
    // The log is real: requests are in it.
    expect(log).toMatch(/"url":"\/api\/me\/dashboard"/)
    for (const secret of [PASSWORDS.learner, 'not-the-password-XYZ', 'scrypt$']) expect(log).not.toContain(secret)
    expect(log).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/)
  })
})
