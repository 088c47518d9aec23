import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../core/atomic-write.ts'
import { UserError } from '../core/errors.ts'
import { checkRunNameFlag } from '../core/run-name.ts'
import { harToScenario, type HarConversion } from '../integrations/har/har-to-scenario.ts'

export interface RecordHarRequest {
  har: string
  out: string
  origin?: string
  keepStatic?: boolean
  name?: string
  /** Replace an existing --out file (never done silently). */
  force?: boolean
}

/** `lmsload record har`: a browser recording as a scenario file (a journey skeleton to edit and run). */
export function recordHar(req: RecordHarRequest): HarConversion & { out: string } {
  if (!existsSync(req.har)) throw new UserError('LMSLOAD_IMPORT', `${req.har}: no such file`)
  if (!req.out.endsWith('.ts')) throw new UserError('LMSLOAD_USAGE', `--out: a scenario is a .ts file, got '${req.out}'`)
  if (existsSync(req.out) && !req.force) throw new UserError('LMSLOAD_USAGE', `--out: ${req.out} already exists (pass --force to replace it)`)
  const name = req.name ?? path.basename(req.out, '.ts').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '')
  checkRunNameFlag(name)
  if (req.origin !== undefined) {
    try {
      new URL(req.origin)
    } catch {
      throw new UserError('LMSLOAD_USAGE', `--origin: expected a URL like https://lms.example, got '${req.origin}'`)
    }
  }
  const conversion = harToScenario(readFileSync(req.har, 'utf8'), { origin: req.origin, keepStatic: req.keepStatic, name, source: req.har })
  const out = path.resolve(req.out)
  writeFileAtomic(out, conversion.code)
  return { ...conversion, out }
}
