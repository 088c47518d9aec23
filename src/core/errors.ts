// The error catalogue: every user-facing failure has a code, an exit code and a one-line doc.
// docs/errors.md lists the same codes; tests/core/errors.test.ts keeps the two in step.

export const EXIT = {
  ok: 0,
  usage: 1,
  gateFailed: 99,
  interrupted: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const ERROR_CATALOGUE = {
  LMSLOAD_USAGE: { exit: EXIT.usage, doc: 'A command-line argument is missing, unknown or malformed.' },
  LMSLOAD_BAD_DURATION: { exit: EXIT.usage, doc: "A duration is not a number with a unit like '500ms', '30s', '5m' or '1h'." },
  LMSLOAD_BAD_SIZE: { exit: EXIT.usage, doc: "A byte size is not a number with a unit like '512kb', '10mb' or '1gb'." },
  LMSLOAD_BACKEND_FAILED: { exit: EXIT.usage, doc: 'The reference backend could not be started or its command failed.' },
  LMSLOAD_SCENARIO: { exit: EXIT.usage, doc: 'A scenario file cannot be loaded or its definition is invalid (the message names file:line and the field).' },
  LMSLOAD_TARGET: { exit: EXIT.usage, doc: 'The target URL is malformed, unreachable, or not on loopback without --allow-remote.' },
  LMSLOAD_RUN_DIR: { exit: EXIT.usage, doc: 'The run directory cannot be created or written, or already holds a run.' },
  LMSLOAD_BUDGET: { exit: EXIT.usage, doc: 'A budget rule or budget file is malformed, or names an endpoint, step or check the run never saw.' },
  LMSLOAD_CSV: { exit: EXIT.usage, doc: 'A capacity-fit CSV is malformed: missing header, too few rows, non-numeric or non-positive values.' },
  LMSLOAD_EXPORT: { exit: EXIT.usage, doc: 'A scenario cannot be exported to k6: it uses something k6 cannot run (a Node module, a budget with no k6 threshold); the message names file:line.' },
  LMSLOAD_IMPORT: { exit: EXIT.usage, doc: 'A k6, JMeter or HAR file cannot be imported: unreadable, not that format, or malformed at the named line.' },
  LMSLOAD_COMPARE: { exit: EXIT.usage, doc: 'Two runs cannot be compared as given: different scenarios, loads, targets or backend profiles (pass --allow-different), or the same run twice.' },
  LMSLOAD_RUN_READ: { exit: EXIT.usage, doc: 'A run directory is missing files, has an unknown schema version, or cannot be parsed.' },
  LMSLOAD_CHECK: { exit: EXIT.usage, doc: 'A scenario does not type-check against lmsload\'s types, or its definition is invalid (lmsload check, run --check); the message names file:line.' },
  LMSLOAD_INIT: { exit: EXIT.usage, doc: 'lmsload init would overwrite a file that exists (pass --force), or cannot write its starter kit.' },
  LMSLOAD_SHARD: { exit: EXIT.usage, doc: 'A sharded run cannot start or be merged: a bad --shard or --start-at, a barrier that did not fill, clock skew beyond the bound, or shards of different plans, missing or given twice.' },
  LMSLOAD_MISSING_DEPENDENCY: { exit: EXIT.usage, doc: 'A command needs an optional package that is not installed (esbuild for export k6); the message says what to install.' },
} as const

export type ErrorCode = keyof typeof ERROR_CATALOGUE

/** A failure caused by the user's input: printed as one line, never with a stack. */
export class UserError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly exitCode: ExitCode

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message)
    this.name = 'UserError'
    this.code = code
    this.hint = hint
    this.exitCode = ERROR_CATALOGUE[code].exit
  }
}

export function isUserError(value: unknown): value is UserError {
  return value instanceof UserError
}

/** The single line a user sees for an error: message, then the hint if there is one. */
export function formatUserError(error: UserError): string {
  return error.hint ? `${error.message} (${error.hint})` : error.message
}
