import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync } from 'node:fs'
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { backup as sqliteBackup, DatabaseSync } from 'node:sqlite'
import { promisify } from 'node:util'
import { sqliteFile } from './db/direct.ts'
import { SCHEMA_VERSION } from './db/schema.ts'
import { runningPid, timestampForFile } from './datadir.ts'

const run = promisify(execFile)

export class BackupError extends Error {}

export interface BackupManifest {
  schema: 'lmsload.backup/1'
  engine: 'sqlite' | 'postgres'
  file: string
  bytes: number
  sha256: string
  createdAt: string
  schemaVersion: number
  counts?: Record<string, number>
}

const COUNTED_TABLES = ['users', 'courses', 'enrolments', 'attempts', 'answers', 'progress', 'forum_posts', 'submissions']

export function manifestPath(file: string): string {
  return `${file}.manifest.json`
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Newest PostgreSQL client tools: Debian installs them under /usr/lib/postgresql/<major>/bin. */
function pgTool(name: string): string {
  const base = '/usr/lib/postgresql'
  if (existsSync(base)) {
    const majors = readdirSync(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))
    for (const major of majors) {
      const candidate = path.join(base, major, 'bin', name)
      if (existsSync(candidate)) return candidate
    }
  }
  return name
}

function checkSqliteIntegrity(file: string): Record<string, number> {
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    const result = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>
    if (result.length !== 1 || result[0]!.integrity_check !== 'ok') {
      throw new BackupError(`${file}: SQLite integrity check failed: ${result.map((r) => r.integrity_check).join('; ')}`)
    }
    const fk = db.prepare('PRAGMA foreign_key_check').all()
    if (fk.length > 0) throw new BackupError(`${file}: ${fk.length} rows break foreign keys`)
    return Object.fromEntries(COUNTED_TABLES.map((t) => [t, Number((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n)]))
  } finally {
    db.close()
  }
}

async function writeManifest(file: string, engine: BackupManifest['engine'], counts?: Record<string, number>): Promise<BackupManifest> {
  const manifest: BackupManifest = {
    schema: 'lmsload.backup/1', engine, file: path.basename(file), bytes: (await stat(file)).size,
    sha256: await sha256Of(file), createdAt: new Date().toISOString(), schemaVersion: SCHEMA_VERSION, counts,
  }
  const target = manifestPath(file)
  await writeFile(`${target}.part`, `${JSON.stringify(manifest, null, 2)}\n`)
  await rename(`${target}.part`, target)
  return manifest
}

/**
 * Online backup, safe under load: SQLite's backup API copies a consistent snapshot while writers
 * continue; pg_dump reads one MVCC snapshot. Written to FILE.part, checked, then renamed.
 */
export async function backupDatabase(dataDir: string, databaseUrl: string | undefined, to: string): Promise<BackupManifest> {
  if (existsSync(to)) throw new BackupError(`${to} already exists; choose a new file name (backups are never overwritten)`)
  await mkdir(path.dirname(path.resolve(to)), { recursive: true })
  const part = `${to}.part`
  try {
    if (databaseUrl) {
      await run(pgTool('pg_dump'), ['--format=custom', '--no-owner', `--file=${part}`, `--dbname=${databaseUrl}`])
      await run(pgTool('pg_restore'), ['--list', part])
      await rename(part, to)
      return await writeManifest(to, 'postgres')
    }
    const source = sqliteFile(dataDir)
    if (!existsSync(source)) throw new BackupError(`${source} does not exist: nothing to back up (seed or start the backend first)`)
    const db = new DatabaseSync(source, { timeout: 10_000 })
    try {
      await sqliteBackup(db, part)
    } finally {
      db.close()
    }
    const counts = checkSqliteIntegrity(part)
    await rename(part, to)
    return await writeManifest(to, 'sqlite', counts)
  } catch (error) {
    await rm(part, { force: true })
    if (error instanceof BackupError) throw error
    throw new BackupError(`backup failed: ${(error as Error).message.split('\n')[0]}`)
  }
}

async function readManifest(file: string): Promise<BackupManifest> {
  const where = manifestPath(file)
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(await readFile(where, 'utf8')) as BackupManifest
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `is not valid JSON (${(error as Error).message})`
    throw new BackupError(`${where} ${reason}: a backup is restored only with its manifest`)
  }
  if (manifest.schema !== 'lmsload.backup/1') throw new BackupError(`${where}: unknown schema '${String(manifest.schema)}', expected 'lmsload.backup/1'`)
  return manifest
}

/** Checks a backup without touching the database: manifest, checksum, and the file itself. */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`)
  const manifest = await readManifest(file)
  const actual = await sha256Of(file)
  if (actual !== manifest.sha256) throw new BackupError(`${file}: checksum mismatch (manifest ${manifest.sha256.slice(0, 12)}…, file ${actual.slice(0, 12)}…): the file is damaged`)
  if (manifest.engine === 'sqlite') checkSqliteIntegrity(file)
  else await run(pgTool('pg_restore'), ['--list', file]).catch((e: Error) => { throw new BackupError(`${file}: pg_restore cannot read it: ${e.message.split('\n')[0]}`) })
  return manifest
}

export interface RestoreResult {
  manifest: BackupManifest
  /** Where the database that was replaced now lives. */
  previous: string | undefined
}

/**
 * Restores a verified backup. The database it replaces is kept (SQLite: moved aside; PostgreSQL:
 * dumped first), so a restore never loses data.
 */
export async function restoreDatabase(dataDir: string, databaseUrl: string | undefined, from: string): Promise<RestoreResult> {
  const manifest = await verifyBackup(from)
  const engine = databaseUrl ? 'postgres' : 'sqlite'
  if (manifest.engine !== engine) throw new BackupError(`${from} is a ${manifest.engine} backup; the target is ${engine}`)
  const pid = runningPid(dataDir)
  if (pid) throw new BackupError(`a backend (pid ${pid}) is serving ${dataDir}; stop it before restoring`)
  const stamp = timestampForFile()
  await mkdir(path.join(dataDir, 'backups'), { recursive: true })
  if (databaseUrl) {
    const previous = path.join(dataDir, 'backups', `pre-restore-${stamp}.dump`)
    await backupDatabase(dataDir, databaseUrl, previous)
    await run(pgTool('pg_restore'), ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${databaseUrl}`, from])
      .catch((e: Error) => { throw new BackupError(`pg_restore failed: ${e.message.split('\n')[0]}`) })
    return { manifest, previous }
  }
  const target = sqliteFile(dataDir)
  let previous: string | undefined
  if (existsSync(target)) {
    previous = path.join(dataDir, 'backups', `pre-restore-${stamp}.sqlite`)
    // Checkpointing through a backup copy folds the WAL in, so the kept file is complete on its own.
    const db = new DatabaseSync(target, { timeout: 10_000 })
    try {
      await sqliteBackup(db, previous)
    } finally {
      db.close()
    }
  }
  await copyFile(from, `${target}.restore-part`)
  for (const suffix of ['-wal', '-shm']) await rm(`${target}${suffix}`, { force: true })
  await rename(`${target}.restore-part`, target)
  return { manifest, previous }
}
