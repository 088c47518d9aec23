import path from 'node:path'
import { UserError } from '../core/errors.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { exportK6, type K6ExportResult } from '../integrations/k6/export.ts'
import type { LoadShape } from '../scenario/shape.ts'
import { setRunParameters, type RunParameters } from '../scenario/params.ts'
import { defaultOutputDir } from './outputs.ts'
import { resolveScenario } from './scenarios.ts'
import { parseTarget } from './target.ts'

export interface ExportK6Request {
  scenarioFile: string
  outDir?: string
  parallelism?: number
  /** Base URL the script sends to (default: the reference backend on its default port). */
  target?: string
  shape?: LoadShape
  seed?: number
  typecheck?: boolean
  /** --env/--secret for a scenario that reads them at its top level: used to import it here, never written into the script. */
  parameters?: RunParameters
}

export const DEFAULT_K6_TARGET = 'http://127.0.0.1:8080'

/** `lmsload export k6`: the scenario as one k6 script, a k6-operator TestRun and a guide. */
export async function exportScenarioToK6(req: ExportK6Request): Promise<K6ExportResult> {
  const scenarioFile = path.resolve(resolveScenario(req.scenarioFile))
  setRunParameters(req.parameters ?? { env: {}, secrets: {} })
  const scenario = await importScenario(scenarioFile)
  const target = req.target ?? DEFAULT_K6_TARGET
  // k6 runs elsewhere (a cluster): any host is allowed; the URL must still be well-formed.
  parseTarget(target, true)
  const parallelism = req.parallelism ?? 1
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 1000) {
    throw new UserError('LMSLOAD_USAGE', `--parallelism: expected a whole number from 1 to 1000, got ${parallelism}`)
  }
  return exportK6({
    scenarioFile,
    scenario,
    shape: req.shape ?? {},
    seed: req.seed ?? 1,
    target,
    outDir: req.outDir === undefined ? defaultOutputDir('k6', scenario.name) : path.resolve(req.outDir),
    parallelism,
    typecheck: req.typecheck,
  })
}
