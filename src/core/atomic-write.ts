import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'

/**
 * Writes `text` to `file` so that a reader finds the old file or the new one, never a part of
 * either: a temporary file beside it, flushed to disk, renamed over. Every file lmsload writes whole
 * (run.json, analysis.json, reports, side files, exported and converted scripts) goes through here.
 * By hand because it is these few lines: write-file-atomic (npm's) adds ownership changes and a
 * write queue that nothing here needs. Errors are thrown as they come: callers name the file.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.tmp`
  try {
    const fd = openSync(temp, 'w')
    try {
      writeFileSync(fd, text)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, file)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}
