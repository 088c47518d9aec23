// Seeding speed: the issue's goal is 100,000 learners in under a minute on SQLite.
// Usage: npm run bench:seed [-- --learners 100000 --courses 200] (DATABASE_URL=… also seeds PostgreSQL; its database must be empty)
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DirectPg, DirectSqlite, sqliteFile } from '../reference-backend/src/db/direct.ts'
import { seedDatabase } from '../reference-backend/src/seed/seed.ts'

const { values } = parseArgs({ options: { learners: { type: 'string', default: '100000' }, courses: { type: 'string', default: '200' } } })
const options = { learners: Number(values.learners), courses: Number(values.courses), seed: 42 }

async function bench(label: string, open: () => Promise<DirectSqlite | DirectPg>, size?: () => number) {
  const conn = await open()
  const start = performance.now()
  const summary = await seedDatabase(conn, options, 13)
  const seconds = (performance.now() - start) / 1000
  await conn.close()
  const rows = Object.entries(summary).filter(([k]) => !['learners', 'instructors'].includes(k)).reduce((n, [, v]) => n + v, 0)
  console.log(`${label}: ${options.learners} learners, ${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s)${size ? `, ${(size() / 2 ** 20).toFixed(0)} MiB` : ''}`)
}

const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-bench-seed-'))
try {
  await bench('sqlite', async () => new DirectSqlite(sqliteFile(dir)), () => statSync(sqliteFile(dir)).size)
  if (process.env.DATABASE_URL) await bench('postgres', () => DirectPg.connect(process.env.DATABASE_URL!))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
