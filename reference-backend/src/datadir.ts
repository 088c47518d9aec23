import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

// A running backend writes its pid here, so maintenance commands (restore, reseed) can refuse to
// pull the database from under it.
const PID_FILE = 'backend.pid'

export function runningPid(dataDir: string): number | undefined {
  let pid: number
  try {
    pid = Number(readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim())
  } catch {
    return undefined
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch {
    return undefined
  }
}

export function writePidFile(dataDir: string): () => void {
  const file = path.join(dataDir, PID_FILE)
  writeFileSync(file, `${process.pid}\n`)
  return () => rmSync(file, { force: true })
}

export function timestampForFile(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
}
