// `lmsload setup`: the scenario's setup() run once against the target, its result written to a
// file every shard of a sharded run reads (`lmsload run --shard K/N --setup-from FILE`).
import path from 'node:path'
import { UserError } from '../core/errors.ts'
import { HttpClient } from '../engine/http/client.ts'
import { importScenario } from '../engine/load-scenario.ts'
import type { LoadShape } from '../scenario/shape.ts'
import { setRunParameters, type RunParameters } from '../scenario/params.ts'
import { setupContextOf } from './run/config.ts'
import { preflight } from './run/target.ts'
import { resolveScenario } from './scenarios.ts'
import { writeSetupFile, type SetupFile } from './shard/setup-file.ts'
import { parseTarget } from './target.ts'
import type { TargetTls } from '../engine/config.ts'

export interface SetupRequest {
  scenarioFile: string
  target: string
  allowRemote?: boolean
  out: string
  shape?: LoadShape
  seed?: number
  tls?: TargetTls
  parameters?: RunParameters
}

export async function runSetup(req: SetupRequest): Promise<{ file: string; setup: SetupFile; ran: boolean }> {
  const scenarioFile = path.resolve(resolveScenario(req.scenarioFile))
  setRunParameters(req.parameters ?? { env: {}, secrets: {} })
  const scenario = await importScenario(scenarioFile)
  const url = parseTarget(req.target, req.allowRemote === true)
  const seed = req.seed ?? 1
  const client = new HttpClient({ connections: 4, requestTimeoutMs: 30_000, ...req.tls })
  try {
    await preflight(url, client)
    let data: unknown
    if (scenario.setup) {
      try {
        data = await scenario.setup(setupContextOf(scenario, req.shape ?? {}, url, seed, client))
      } catch (error) {
        throw new UserError('LMSLOAD_SCENARIO', `${scenario.definedAt}: setup() failed: ${(error as Error).message}`)
      }
    }
    const file = path.resolve(req.out)
    const setup = writeSetupFile(file, { scenario: scenario.name, target: url.href, seed, data })
    return { file, setup, ran: scenario.setup !== undefined }
  } finally {
    await client.close()
  }
}
