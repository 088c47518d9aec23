import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { emptyDatabase, seededDatabase, spawnBackend, type TestDatabase } from '../helpers/backend.ts'
import { runCli } from '../helpers/cli.ts'

const cleanup: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(1)
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr).not.toMatch(/^\s+at /m)
}

describe('lmsload --help', () => {
  it.each([
    [[], /lmsload <command>[\s\S]*lmsload init[\s\S]*lmsload completion/],
    [['run'], /--backend-profile[\s\S]*Examples:[\s\S]*lmsload run smoke/],
    [['init'], /--force[\s\S]*Examples:/],
    [['check'], /Examples:[\s\S]*lmsload check/],
    [['backend'], /lmsload backend <command>/],
    [['backend', 'seed'], /--learners/],
    [['backend', 'start'], /--profile[\s\S]*Profiles:[\s\S]*cache-stampede/],
    [['backend', 'backup'], /--to/],
    [['backend', 'restore'], /--from[\s\S]*--verify-only/],
  ])('documents %j', async (command, pattern) => {
    const r = await runCli([...command, '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(pattern)
  })
})

describe.concurrent('bad command lines get one line and exit 1', () => {
  it.each([
    [['bogus'], /^lmsload: unknown command 'bogus' \(see --help for the commands\)$/],
    [['bogus', '--frobnicate'], /^lmsload: unknown command 'bogus' \(see --help for the commands\)$/],
    [['rnu', 'smoke'], /^lmsload: unknown command 'rnu' \(did you mean run\?\)$/],
    [['run', 'smoke', '--scael', '2'], /^lmsload: unknown option --scael \(did you mean --scale\?\)$/],
    [['compare', 'a', 'b', '--max-regresion', '5%'], /^lmsload: unknown option --max-regresion \(did you mean --max-regression\?\)$/],
    [['analyze', 'a', 'b'], /^lmsload: unknown argument 'b' \(see --help\)$/],
    [[], /^lmsload: name a command/],
    [['backend'], /^lmsload backend: name a command/],
    [['backend', 'start', '--port', 'abc'], /^lmsload backend: --port: expected a whole number from 0 to 65535, got 'abc'$/],
    [['backend', 'start', '--workers', '0'], /--workers: expected a whole number from 1 to 64, got '0'/],
    [['backend', 'start', '--pool-size', '1.5'], /--pool-size: expected a whole number ≥ 1, got '1.5'/],
    [['backend', 'start', '--profile', 'nope'], /Invalid values: Argument: profile, Given: "nope", Choices: "healthy"/],
    [['backend', 'start', '--sqlite-synchronous', 'maybe'], /Argument: sqlite-synchronous, Given: "maybe"/],
    [['backend', 'start', '--database-url', 'mysql://x'], /--database-url: expected a postgres:\/\/ URL, got 'mysql:\/\/x'/],
    [['backend', 'start', '--frob'], /Unknown argument: frob/],
    [['backend', 'seed', '--learners', '0'], /--learners: expected a whole number from 1 to 10000000, got '0'/],
    [['backend', 'seed', '--courses', 'many'], /--courses: expected a whole number from 1 to 100000, got 'many'/],
    [['backend', 'backup'], /Missing required argument: to/],
    [['backend', 'restore', '--from', '/nonexistent/x.bak'], /\/nonexistent\/x\.bak does not exist/],
  ])('%j', async (args, pattern) => {
    expectOneLineError(await runCli(args), pattern)
  })
})

describe('the backend commands protect data', () => {
  it('refuses to reseed a seeded data dir, and --reset keeps the old database', async () => {
    const db = await seededDatabase('sqlite')
    cleanup.push(db.drop)
    const file = path.join(db.dataDir, 'lms.sqlite')
    const before = createHash('sha256').update(readFileSync(file)).digest('hex')
    const refused = await runCli(['backend', 'seed', '--data-dir', db.dataDir, '--learners', '5', '--courses', '1'])
    expectOneLineError(refused, /already holds \d+ users; pass --reset/)
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before)
    const reset = await runCli(['backend', 'seed', '--data-dir', db.dataDir, '--learners', '5', '--courses', '1', '--reset', '--scrypt-log-n', '4'])
    expect(reset.code, reset.stderr).toBe(0)
    expect(reset.stdout).toMatch(/seeded .* 5 learners/)
    const kept = readdirSync(path.join(db.dataDir, 'backups')).filter((f) => f.startsWith('pre-reset-') && f.endsWith('.sqlite'))
    expect(kept).toHaveLength(1)
    expect(createHash('sha256').update(readFileSync(path.join(db.dataDir, 'backups', kept[0]!))).digest('hex')).toBe(before)
  })

  it('seeds demo data on the first start of an empty data dir, then refuses a second server on it', async () => {
    const db = await emptyDatabase('sqlite')
    cleanup.push(db.drop)
    const backend = await spawnBackend(db)
    try {
      expect(backend.output()).toMatch(/seeded demo data on first start: 2000 learners/)
      expect((await backend.api.get('/healthz')).body.status).toBe('ok')
      const second = await runCli(['backend', 'start', '--data-dir', db.dataDir, '--port', '0'])
      expectOneLineError(second, /a backend \(pid \d+\) is already serving/)
    } finally {
      expect(await backend.stop('SIGINT')).toBe(0)
    }
    expect(existsSync(path.join(db.dataDir, 'backend.pid'))).toBe(false)
  })

  it('reports a port in use in one line', async () => {
    const db = await seededDatabase('sqlite')
    cleanup.push(db.drop)
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      expectOneLineError(await runCli(['backend', 'start', '--data-dir', db.dataDir, '--port', String(port)]), /EADDRINUSE/)
    } finally {
      blocker.close()
    }
  })

  it('refuses to restore under a running backend', async () => {
    const db = await seededDatabase('sqlite')
    cleanup.push(db.drop)
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-bak-')), 'x.bak')
    cleanup.push(() => rmSync(path.dirname(file), { recursive: true, force: true }))
    expect((await runCli(['backend', 'backup', '--data-dir', db.dataDir, '--to', file])).code).toBe(0)
    const backend = await spawnBackend(db)
    try {
      expectOneLineError(await runCli(['backend', 'restore', '--data-dir', db.dataDir, '--from', file]), /is serving .*; stop it before restoring/)
    } finally {
      await backend.stop()
    }
    const verify = await runCli(['backend', 'restore', '--data-dir', db.dataDir, '--from', file, '--verify-only'])
    expect(verify.code).toBe(0)
    expect(verify.stdout).toMatch(/: ok \(sqlite/)
    writeFileSync(`${file}.manifest.json`, '{not json')
    expectOneLineError(await runCli(['backend', 'restore', '--data-dir', db.dataDir, '--from', file]), /manifest\.json is not valid JSON/)
  })
})
