import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { openDirect } from '../../reference-backend/src/db/direct.ts'
import { seedDatabase, AlreadySeededError } from '../../reference-backend/src/seed/seed.ts'
import { COLUMNS, instructorCount, type SeedOptions } from '../../reference-backend/src/seed/generate.ts'
import { verifyPassword } from '../../reference-backend/src/auth/passwords.ts'
import { emptyDatabase, ENGINES, type Engine, type TestDatabase } from '../helpers/backend.ts'

const OPTIONS: SeedOptions = { learners: 120, courses: 6, seed: 11 }
const created: TestDatabase[] = []

async function seeded(engine: Engine, options: SeedOptions) {
  const db = await emptyDatabase(engine)
  created.push(db)
  const conn = await openDirect(db.dataDir, db.databaseUrl)
  const summary = await seedDatabase(conn, options, 4)
  return { db, conn, summary }
}

/** A digest per table of every row in id order: equal digests mean equal data. */
async function digests(conn: Awaited<ReturnType<typeof openDirect>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const rows = await conn.all<Record<string, unknown>>(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY id`, [])
    out[table] = createHash('sha256').update(JSON.stringify(rows.map((r) => columns.map((c) => r[c])))).digest('hex')
  }
  return out
}

afterAll(async () => {
  for (const db of created) await db.drop()
})

describe('deterministic seeding', () => {
  it('gives byte-identical data for the same seed, and different data for another', async () => {
    const a = await seeded('sqlite', OPTIONS)
    const b = await seeded('sqlite', OPTIONS)
    const c = await seeded('sqlite', { ...OPTIONS, seed: 12 })
    const [da, db, dc] = [await digests(a.conn), await digests(b.conn), await digests(c.conn)]
    expect(db).toEqual(da)
    expect(dc.users).not.toBe(da.users)
    expect(dc.enrolments).not.toBe(da.enrolments)
    for (const x of [a, b, c]) await x.conn.close()
  })

  it('writes the same rows to PostgreSQL as to SQLite: one schema, one set of queries', async () => {
    const lite = await seeded('sqlite', OPTIONS)
    const pg = await seeded('postgres', OPTIONS)
    expect(await digests(pg.conn)).toEqual(await digests(lite.conn))
    await lite.conn.close()
    await pg.conn.close()
  })

  it.each(ENGINES)('builds the requested population with consistent relations on %s', async (engine) => {
    const { conn, summary } = await seeded(engine, OPTIONS)
    expect(summary.learners).toBe(120)
    expect(summary.courses).toBe(6)
    const count = async (sql: string) => Number((await conn.all<{ n: number }>(sql, []))[0]!.n)
    expect(await count("SELECT count(*) AS n FROM users WHERE role = 'learner'")).toBe(120)
    expect(await count("SELECT count(*) AS n FROM users WHERE role = 'instructor'")).toBe(instructorCount(6))
    expect(await count('SELECT count(*) AS n FROM enrolments')).toBe(summary.enrolments)
    // Every learner is enrolled somewhere, every finished attempt has one answer per question.
    expect(await count("SELECT count(*) AS n FROM users u WHERE u.role = 'learner' AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = u.id)")).toBe(0)
    expect(await count(`SELECT count(*) AS n FROM attempts a WHERE (SELECT count(*) FROM answers x WHERE x.attempt_id = a.id)
      <> (SELECT count(*) FROM questions q WHERE q.quiz_id = a.quiz_id)`)).toBe(0)
    expect(await count('SELECT count(*) AS n FROM attempts WHERE score > max_score')).toBe(0)
    const hash = (await conn.all<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'learner7'", []))[0]!.password_hash
    expect(await verifyPassword('learner-pass', hash)).toBe(true)
    expect(await verifyPassword('learner-pas', hash)).toBe(false)
    await conn.close()
  })

  it('refuses to seed a database that already holds users', async () => {
    const { conn } = await seeded('sqlite', { learners: 5, courses: 1, seed: 1 })
    await expect(seedDatabase(conn, { learners: 5, courses: 1, seed: 1 }, 4)).rejects.toBeInstanceOf(AlreadySeededError)
    await conn.close()
  })
})
