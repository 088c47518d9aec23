import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { displayPath } from '../core/paths.ts'

// lmsload's own code (src/ from sources, dist/ when installed): frames there are not the user's.
const OWN_CODE = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

function frameFile(line: string): { file: string; line: string } | undefined {
  const text = line.trim().replace(/^at\s+/, '')
  const inParens = /\(([^()]*)\)$/.exec(text)
  const m = /^(.*):(\d+):\d+$/.exec(inParens ? inParens[1]! : text)
  if (!m) return undefined
  let file = m[1]!
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file)
    } catch {
      return undefined
    }
  }
  return path.isAbsolute(file) ? { file, line: m[2]! } : undefined
}

/**
 * Where a journey threw, as `file:line` of the innermost stack frame in the user's code: frames in
 * lmsload itself, in node_modules and in Node's internals are skipped (k6 points at the script line
 * the same way). Undefined when the stack shows no such frame.
 */
export function journeyErrorSite(error: unknown, ownCode = OWN_CODE, cwd = process.cwd()): string | undefined {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : undefined
  if (!stack) return undefined
  for (const line of stack.split('\n')) {
    if (!/^\s+at\s/.test(line)) continue
    const frame = frameFile(line)
    if (!frame) continue
    const own = path.relative(ownCode, frame.file)
    if (!own.startsWith('..') && !path.isAbsolute(own)) continue
    if (frame.file.includes(`${path.sep}node_modules${path.sep}`)) continue
    return `${displayPath(frame.file, cwd)}:${frame.line}`
  }
  return undefined
}

/** The message of whatever a journey threw. */
export function journeyErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return typeof error === 'string' ? error : `threw ${JSON.stringify(error) ?? String(error)}`
}
