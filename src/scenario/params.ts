// Parameters of a run from the command line: `--env KEY=VALUE` (recorded in run.json like other
// options) and `--secret KEY` (a token or a password, read from the environment or a file, never
// recorded). A scenario reads them anywhere — at its top level, in setup(), in journeys — with
// `env('KEY')` and `secret('KEY')`. The values are set in each thread before the scenario is
// imported (the main thread by the run, each load worker from its start message).
import { callerLocation, scenarioError } from './location.ts'

export interface RunParameters {
  env: Record<string, string>
  secrets: Record<string, string>
}

let current: RunParameters = { env: {}, secrets: {} }

/** Sets this thread's parameters (lmsload's own use: before the scenario module is imported). */
export function setRunParameters(parameters: RunParameters): void {
  current = { env: { ...parameters.env }, secrets: { ...parameters.secrets } }
}

/** The secret values of this thread's run, for redaction of everything the run writes. */
export function secretValues(): string[] {
  return Object.values(current.secrets).filter((v) => v !== '')
}

function missing(api: string, key: string, how: string): never {
  throw scenarioError(`${callerLocation()}: ${api}('${key}')`, `not given; ${how}`)
}

/** `--env KEY=VALUE`: the value, or `fallback` when not given; without a fallback it is required. */
function envString(key: string, fallback?: string): string {
  const v = current.env[key]
  if (v !== undefined) return v
  if (fallback !== undefined) return fallback
  return missing('env', key, `pass --env ${key}=…`)
}

/** `--env KEY=VALUE` as a number. */
function envNumber(key: string, fallback?: number): number {
  const v = current.env[key]
  if (v === undefined) return fallback ?? missing('env.number', key, `pass --env ${key}=<number>`)
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) throw scenarioError(`${callerLocation()}: env.number('${key}')`, `--env ${key}=${v} is not a number`)
  return n
}

/** `--env KEY=VALUE` as a boolean: true/false, yes/no, 1/0. */
function envBoolean(key: string, fallback?: boolean): boolean {
  const v = current.env[key]
  if (v === undefined) return fallback ?? missing('env.boolean', key, `pass --env ${key}=true or false`)
  const t = v.trim().toLowerCase()
  if (['true', 'yes', '1'].includes(t)) return true
  if (['false', 'no', '0'].includes(t)) return false
  throw scenarioError(`${callerLocation()}: env.boolean('${key}')`, `--env ${key}=${v} is not true or false`)
}

export const env = Object.assign(envString, { number: envNumber, boolean: envBoolean })

/** `--secret KEY` (from the environment variable KEY) or `--secret-file KEY=PATH`: always required. */
export function secret(key: string): string {
  const v = current.secrets[key]
  if (v === undefined) return missing('secret', key, `pass --secret ${key} with ${key} set in the environment, or --secret-file ${key}=<file>`)
  return v
}
