import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ENGINES, seededDatabase, startBackend, type TestDatabase } from '../helpers/backend.ts'
import { PASSWORDS } from '../helpers/api.ts'
import { dbArgs, runCli } from '../helpers/cli.ts'

describe.each(ENGINES)('backup and restore on %s', (engine) => {
  const dbs: TestDatabase[] = []
  afterAll(async () => {
    for (const db of dbs) await db.drop()
  })

  it('takes an online backup under concurrent writes and restores it with every write acknowledged before it began', async () => {
    const db = await seededDatabase(engine)
    dbs.push(db)
    const backend = await startBackend(db)
    const token = await backend.api.login('learner1', PASSWORDS.learner)
    const courseId = (await backend.api.get('/api/me/dashboard', token)).body.courses[0].id
    const postIds: number[] = []
    let writing = true
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const r = await backend.api.call('POST', `/api/courses/${courseId}/forum/posts`, { token, json: { title: `post ${i}`, body: 'during backup' } })
        expect(r.status).toBe(201)
        postIds.push(r.body.id)
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const acknowledgedBefore = [...postIds]
    const file = path.join(db.dataDir, 'backups', 'nightly.bak')
    const backup = await runCli(['backend', 'backup', ...dbArgs(db), '--to', file])
    await new Promise((resolve) => setTimeout(resolve, 100))
    writing = false
    await writer
    expect(backup.code, backup.stderr).toBe(0)
    expect(backup.stdout).toMatch(/backed up/)
    const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'))
    expect(manifest).toMatchObject({ schema: 'lmsload.backup/1', engine, schemaVersion: 1 })
    const acknowledgedTotal = postIds.length
    expect(acknowledgedTotal).toBeGreaterThan(acknowledgedBefore.length)
    await backend.close()

    const restore = await runCli(['backend', 'restore', ...dbArgs(db), '--from', file])
    expect(restore.code, restore.stderr).toBe(0)
    expect(restore.stdout).toMatch(/kept as/)
    expect(readdirSync(path.join(db.dataDir, 'backups')).some((f) => f.startsWith('pre-restore-'))).toBe(true)

    const restored = await startBackend(db)
    try {
      const t = await restored.api.login('learner1', PASSWORDS.learner)
      const present = new Set<number>()
      for (let page = 1; ; page++) {
        const posts = await restored.api.get(`/api/courses/${courseId}/forum/posts?pageSize=100&page=${page}`, t)
        if (posts.body.posts.length === 0) break
        for (const p of posts.body.posts) present.add(p.id)
      }
      for (const id of acknowledgedBefore) expect(present.has(id), `post ${id}`).toBe(true)
      // A consistent snapshot: a prefix of the write sequence, never a hole.
      const ours = postIds.filter((id) => present.has(id))
      expect(ours).toEqual(postIds.slice(0, ours.length))
      expect(ours.length).toBeLessThanOrEqual(acknowledgedTotal)
    } finally {
      await restored.close()
    }
  })

  it('refuses a damaged backup, a missing manifest and an existing target, and touches nothing', async () => {
    const db = await seededDatabase(engine)
    dbs.push(db)
    const file = path.join(db.dataDir, 'b1.bak')
    expect((await runCli(['backend', 'backup', ...dbArgs(db), '--to', file])).code).toBe(0)
    const again = await runCli(['backend', 'backup', ...dbArgs(db), '--to', file])
    expect(again.code).toBe(1)
    expect(again.stderr.trim()).toMatch(/already exists/)
    expect(again.stderr.trim().split('\n')).toHaveLength(1)

    const bytes = readFileSync(file)
    const middle = Math.floor(bytes.length / 2)
    bytes[middle] = bytes[middle]! ^ 0xff
    writeFileSync(file, bytes)
    const damaged = await runCli(['backend', 'restore', ...dbArgs(db), '--from', file])
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(/checksum mismatch/)
    expect(existsSync(path.join(db.dataDir, 'backups'))).toBe(false)

    writeFileSync(path.join(db.dataDir, 'lonely.bak'), 'x')
    const orphan = await runCli(['backend', 'restore', ...dbArgs(db), '--from', path.join(db.dataDir, 'lonely.bak')])
    expect(orphan.code).toBe(1)
    expect(orphan.stderr).toMatch(/manifest\.json is missing/)

    // The database is intact after both refusals.
    const backend = await startBackend(db)
    expect(await backend.api.login('learner1', PASSWORDS.learner)).toBeTruthy()
    await backend.close()
  })
})
