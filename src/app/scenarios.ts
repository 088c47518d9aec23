// The ready scenario suite that ships with lmsload (scenarios/ of the package), run by name:
// `lmsload run exam-spike` as well as `lmsload run scenarios/my-flow.ts`.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { UserError } from '../core/errors.ts'
import { packageModule, RUNS_COMPILED } from '../core/install.ts'
import { importScenario } from '../engine/load-scenario.ts'

const READY_DIR = packageModule('scenarios')
const EXTENSION = RUNS_COMPILED ? '.js' : '.ts'

/** The names of the ready scenarios, sorted (their journeys live in scenarios/journeys/). */
export function readyScenarioNames(): string[] {
  return readdirSync(READY_DIR)
    .filter((f) => f.endsWith(EXTENSION) && !f.endsWith(`.d${EXTENSION}`))
    .map((f) => f.slice(0, -EXTENSION.length))
    .sort()
}

/** The file of a ready scenario by name. */
export function readyScenarioFile(name: string): string {
  return path.join(READY_DIR, `${name}${EXTENSION}`)
}

/** Looks like a path rather than a name: has a folder or a module's extension. */
function looksLikePath(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep) || /\.[cm]?[jt]s$/.test(arg)
}

/**
 * The scenario file an argument names: an existing file, else a ready scenario by name. An unknown
 * name is refused with the list of names (a path that does not exist keeps its own message).
 */
export function resolveScenario(arg: string): string {
  if (existsSync(arg) || looksLikePath(arg)) return arg
  const names = readyScenarioNames()
  if (names.includes(arg)) return readyScenarioFile(arg)
  throw new UserError('LMSLOAD_SCENARIO', `${arg}: no such scenario file, and no ready scenario of that name (ready: ${names.join(', ')}; see lmsload scenarios)`)
}

export interface ReadyScenario {
  name: string
  description: string
  file: string
}

/** Every ready scenario with the description its defineScenario gives. */
export async function readyScenarios(): Promise<ReadyScenario[]> {
  const list: ReadyScenario[] = []
  for (const name of readyScenarioNames()) {
    const file = readyScenarioFile(name)
    list.push({ name, description: (await importScenario(file)).description, file })
  }
  return list
}
