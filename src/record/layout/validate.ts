// The run directory's validators: its schemas compiled ahead of time into plain functions
// (validators.generated.ts, written by scripts/validators.ts), so reading a run compiles nothing.
import type { ValidateFunction } from 'ajv'
import type { DrillJson } from './drill-json.ts'
import type { ImportJson } from './import-json.ts'
import type { EventLine, IntervalLine, ResourceLine } from './lines.ts'
import type { RunJson } from './run-json.ts'
import * as generated from './validators.generated.ts'

export const validateRunJson = generated.validateRunJson as ValidateFunction<RunJson>
export const validateIntervalLine = generated.validateIntervalLine as ValidateFunction<IntervalLine>
export const validateEventLine = generated.validateEventLine as ValidateFunction<EventLine>
export const validateResourceLine = generated.validateResourceLine as ValidateFunction<ResourceLine>
export const validateDrillJson = generated.validateDrillJson as ValidateFunction<DrillJson>
export const validateImportJson = generated.validateImportJson as ValidateFunction<ImportJson>

/** The first problem found, as `<field> <message>` (`/arrivals/started must be number`); `whole` names the value itself. */
export function firstProblem(v: ValidateFunction, whole = '(line)'): string {
  const e = v.errors?.[0]
  return `${e?.instancePath || whole} ${e?.message ?? 'does not match its schema'}`
}
