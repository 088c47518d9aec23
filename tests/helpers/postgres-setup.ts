// Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the whole test run (or uses
// LMSLOAD_TEST_DATABASE_URL), and hands its admin URL to the tests through `inject('pgAdminUrl')`.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string
  }
}

function pgBinDir(): string {
  const base = '/usr/lib/postgresql'
  const majors = existsSync(base) ? readdirSync(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : []
  for (const major of majors) {
    const dir = path.join(base, major, 'bin')
    if (existsSync(path.join(dir, 'initdb'))) return dir
  }
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: install the Debian package postgresql (bash .ci/run does)')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export default async function setup(project: TestProject) {
  const external = process.env.LMSLOAD_TEST_DATABASE_URL
  if (external) {
    project.provide('pgAdminUrl', external)
    return
  }
  const bin = pgBinDir()
  const root = mkdtempSync(path.join(tmpdir(), 'lmsload-pg-'))
  const data = path.join(root, 'data')
  const asRoot = userInfo().uid === 0
  // initdb refuses to run as root: run the server as the postgres user on a directory it owns.
  const runAs = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const : [cmd, args] as const)
  if (asRoot) chownSync(root, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()))
  const exec = (cmd: string, args: string[]) => {
    const [c, a] = runAs(cmd, args)
    const result = spawnSync(c, a as string[], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`)
  }
  exec(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'lmsload', '-E', 'UTF8', '--no-sync'])
  const port = await freePort()
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`
  exec(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(root, 'server.log'), '-w', 'start'])
  project.provide('pgAdminUrl', `postgres://lmsload@127.0.0.1:${port}/postgres`)
  return () => {
    spawnSync(...(runAs(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']) as [string, string[]]))
    rmSync(root, { recursive: true, force: true })
  }
}
