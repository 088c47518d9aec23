// The files beside the recorded ones: written whole and atomically, each through one writer here,
// read back through a validating reader. Their shapes that belong to a later stage (comparison.json,
// capacity.json, analysis.json: the analyzer's contracts) pass through `writeRunFile` as values.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../../core/atomic-write.ts'
import type { ValidateFunction } from 'ajv'
import type { DrillJson } from './drill-json.ts'
import { FILES, type RunFile } from './files.ts'
import { IMPORT_SCHEMA, type ImportJson } from './import-json.ts'
import type { EventLine } from './lines.ts'
import { readNdjson } from './ndjson.ts'
import { firstProblem, validateDrillJson, validateEventLine, validateImportJson } from './validate.ts'

/** Writes `value` as pretty JSON to `dir/file`, atomically (a reader sees the old file or the new one). */
export function writeRunFile(dir: string, file: RunFile, value: unknown): string {
  const target = path.join(dir, file)
  writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`)
  return target
}

/**
 * A side file read back: undefined when absent; when it does not parse or match its schema, a
 * warning and undefined (a damaged side file never costs the run its analysis).
 */
export function readRunFile<T>(dir: string, file: RunFile, validate: ValidateFunction<T>, warnings: string[], ignored = 'ignored'): T | undefined {
  const target = path.join(dir, file)
  if (!existsSync(target)) return undefined
  let value: unknown
  try {
    value = JSON.parse(readFileSync(target, 'utf8'))
  } catch (error) {
    warnings.push(`${file}: not valid JSON (${(error as Error).message}); ${ignored}`)
    return undefined
  }
  if (validate(value)) return value
  warnings.push(`${file}: ${firstProblem(validate)}; ${ignored}`)
  return undefined
}

export function writeDrill(dir: string, drill: DrillJson): void {
  writeRunFile(dir, FILES.drill, drill)
}

export function readDrill(dir: string, warnings: string[]): DrillJson | undefined {
  return readRunFile(dir, FILES.drill, validateDrillJson, warnings, 'drill results ignored')
}

/** A line of acknowledged-writes.ndjson: what a verifier (built in, or the user's command) checks. */
export interface AcknowledgedWrite {
  kind: string
  key: string
  value: string | number | null
  /** Seconds from the run's start when the target acknowledged it. */
  t: number
}

/** The writes a run's learners noted as acknowledged, from its events (one `write` event each). */
export function acknowledgedWrites(dir: string, warnings: string[]): AcknowledgedWrite[] {
  return readEvents(dir, warnings).flatMap((e) => (e.type === 'write' ? [{ kind: e.kind, key: e.key, value: e.value, t: e.t }] : []))
}

/** Writes acknowledged-writes.ndjson (whole, atomically) and returns its path. */
export function writeAcknowledgedWrites(dir: string, writes: AcknowledgedWrite[]): string {
  const file = path.join(dir, FILES.acknowledgedWrites)
  writeFileAtomic(file, writes.map((w) => `${JSON.stringify({ kind: w.kind, key: w.key, value: w.value, t: w.t })}\n`).join(''))
  return file
}

export function readEvents(dir: string, warnings: string[]): EventLine[] {
  return readNdjson<EventLine>(path.join(dir, FILES.events), validateEventLine, warnings)
}

export function writeImportJson(dir: string, body: Omit<ImportJson, 'schema'>): void {
  writeRunFile(dir, FILES.import, { schema: IMPORT_SCHEMA, ...body })
}

export function readImportJson(dir: string, warnings: string[]): ImportJson | undefined {
  return readRunFile(dir, FILES.import, validateImportJson, warnings)
}
