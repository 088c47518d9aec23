import { UserError } from './errors.ts'

// The names of scenarios and runs (`defineScenario({ name })`, `--name` of import, probe and
// record har): they become directory names and report titles, so one shape for all of them.
export const RUN_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** Refuses a `--name` that is not a run name, in one line naming the flag. */
export function checkRunNameFlag(name: string): string {
  if (!RUN_NAME.test(name)) throw new UserError('LMSLOAD_USAGE', `--name: lowercase letters, digits, '.', '_' or '-', got '${name}'`)
  return name
}
