// `lmsload setup`'s file: what the scenario's setup() returned, once for all shards of a run.
import { existsSync, readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import { writeFileAtomic } from '../../core/atomic-write.ts'
import { UserError } from '../../core/errors.ts'
import { displayPath } from '../../core/paths.ts'
import { setupDigest } from './plan.ts'

export const SETUP_SCHEMA = 'lmsload.setup/1'

export interface SetupFile {
  schema: typeof SETUP_SCHEMA
  scenario: string
  target: string
  seed: number
  createdAt: string
  /** setupDigest(data): part of every shard's plan digest. */
  digest: string
  data: unknown
}

const bad = (file: string, why: string): never => {
  throw new UserError('LMSLOAD_SHARD', `${displayPath(file)}: ${why}`)
}

/** Writes the file (readable by its owner only: setup data often holds tokens); refuses to overwrite one. */
export function writeSetupFile(file: string, content: Omit<SetupFile, 'schema' | 'digest' | 'createdAt'>): SetupFile {
  if (existsSync(file)) bad(file, 'already exists; choose another --out (a setup file is never overwritten)')
  // Shards get the data through JSON: a Map, a Date or a class instance would arrive as something else.
  if (content.data !== undefined && !isDeepStrictEqual(JSON.parse(JSON.stringify(content.data)), content.data)) {
    bad(file, 'setup() returned something JSON cannot carry unchanged (a Map, Set, Date, class instance, undefined field…); return plain data for a sharded run')
  }
  const setup: SetupFile = { schema: SETUP_SCHEMA, ...content, createdAt: new Date().toISOString(), digest: setupDigest(content.data) }
  try {
    writeFileAtomic(file, `${JSON.stringify(setup, null, 2)}\n`)
  } catch (error) {
    bad(file, `cannot write: ${(error as Error).message}`)
  }
  return setup
}

export function readSetupFile(file: string, scenario: string): SetupFile {
  if (!existsSync(file)) bad(file, 'no such setup file (write one with lmsload setup <scenario> --out FILE)')
  let setup: SetupFile
  try {
    setup = JSON.parse(readFileSync(file, 'utf8')) as SetupFile
  } catch (error) {
    return bad(file, `not valid JSON (${(error as Error).message})`)
  }
  if (setup?.schema !== SETUP_SCHEMA) bad(file, `schema ${JSON.stringify(setup?.schema)}; this lmsload reads ${SETUP_SCHEMA}`)
  if (setup.scenario !== scenario) bad(file, `written for scenario '${setup.scenario}', not '${scenario}'`)
  if (setup.digest !== setupDigest(setup.data)) bad(file, 'its data does not match its digest (edited by hand?); write it again with lmsload setup')
  return setup
}
