// Reading the append-only files of a run directory: whole lines only (a last line without its
// newline is a write torn by a crash), each line parsed and validated against its line type; a line
// that does not parse or match is dropped with a `file:line` warning, never the whole run.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { ValidateFunction } from 'ajv'
import { firstProblem } from './validate.ts'

function tornTail(file: string): string {
  return `${path.basename(file)}: last line is incomplete (the run was cut off mid-write); ignored`
}

/** Lines of an append-only file (index i is line i + 1); a torn last line is dropped with a warning. */
export function readLines(file: string, warnings: string[]): string[] {
  if (!existsSync(file)) return []
  const lines = readFileSync(file, 'utf8').split('\n')
  if (lines.pop() !== '') warnings.push(tornTail(file))
  return lines
}

/**
 * The lines of a file read in 1 MiB chunks (latency.hlog of a long run is tens of MB: never held
 * whole); a torn last line is dropped with a warning, as readLines does.
 */
export function* streamLines(file: string, warnings: string[]): Generator<string> {
  if (!existsSync(file)) return
  const fd = openSync(file, 'r')
  try {
    const chunk = Buffer.allocUnsafe(1 << 20)
    const decoder = new StringDecoder('utf8')
    let carry = ''
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      const lines = (carry + decoder.write(chunk.subarray(0, n))).split('\n')
      carry = lines.pop()!
      yield* lines
    }
    if (carry !== '') warnings.push(tornTail(file))
  } finally {
    closeSync(fd)
  }
}

/** Every valid line of an NDJSON file as `T` (checked by `validate`); bad lines become warnings. */
export function readNdjson<T>(file: string, validate: ValidateFunction<T>, warnings: string[]): T[] {
  const name = path.basename(file)
  const out: T[] = []
  readLines(file, warnings).forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      warnings.push(`${name}:${i + 1}: not valid JSON; line ignored`)
      return
    }
    if (validate(value)) out.push(value)
    else warnings.push(`${name}:${i + 1}: ${firstProblem(validate)}; line ignored`)
  })
  return out
}
