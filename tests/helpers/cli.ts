import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The CLI from its sources, as `npm run lmsload` runs it in the checkout (the bin runs dist/ only). */
export const LMSLOAD_BIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

/** Runs `lmsload …` as a real process (Node 24 from the project), collecting its output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand(process.execPath, [LMSLOAD_BIN, ...args], env)
}

/** Runs any command as a real process with extra environment, collecting its output. */
export function runCommand(file: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { ...process.env, ...env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

export function dbArgs(db: { dataDir: string; databaseUrl: string | undefined }): string[] {
  return ['--data-dir', db.dataDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])]
}
