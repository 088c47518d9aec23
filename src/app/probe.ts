import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { writeImportJson } from '../record/layout/side-files.ts'
import { UserError } from '../core/errors.ts'
import { checkRunNameFlag } from '../core/run-name.ts'
import { probe, type ProbeOutcome } from '../integrations/probe/autocannon.ts'
import { runId } from '../record/layout/run-json.ts'
import { analyzeDir, type AnalyzeOutcome } from './analyze.ts'
import { defaultRunDir } from './outputs.ts'
import { parseTarget } from './target.ts'

export interface ProbeRunRequest {
  url: string
  connections?: number
  durationMs?: number
  rate?: number
  method?: string
  headers?: Record<string, string>
  body?: string
  timeoutMs?: number
  pipelining?: number
  out?: string
  name?: string
  allowRemote?: boolean
  budgetFile?: string
  signal?: AbortSignal
  onSecond?: (second: number, requests: number) => void
}

export interface ProbeRunOutcome extends ProbeOutcome {
  dir: string
  analysis: AnalyzeOutcome
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** `lmsload probe`: a single-endpoint autocannon run recorded, analysed and reported like any run. */
export async function runProbe(req: ProbeRunRequest): Promise<ProbeRunOutcome> {
  const url = parseTarget(req.url, req.allowRemote ?? false)
  const method = (req.method ?? 'GET').toUpperCase()
  if (!METHODS.includes(method)) throw new UserError('LMSLOAD_USAGE', `--method: expected one of ${METHODS.join(', ')}, got '${req.method}'`)
  const name = req.name ?? 'probe'
  checkRunNameFlag(name)
  const dir = req.out === undefined ? defaultRunDir(runId(name)) : path.resolve(req.out)
  const existed = existsSync(dir)
  try {
    const outcome = await probe({
      url: url.href, dir, name, connections: req.connections ?? 10, durationSec: Math.max(1, Math.round((req.durationMs ?? 10_000) / 1000)),
      rate: req.rate, method, headers: req.headers ?? {}, body: req.body, timeoutSec: Math.max(1, Math.round((req.timeoutMs ?? 10_000) / 1000)),
      pipelining: req.pipelining ?? 1, signal: req.signal, onSecond: req.onSecond,
    })
    writeImportJson(dir, { tool: 'autocannon', url: url.href, requests: outcome.requests, seconds: outcome.seconds, comparison: outcome.comparison, autocannon: outcome.autocannon })
    const analysis = analyzeDir(dir, { budgetFile: req.budgetFile })
    return { ...outcome, dir, analysis }
  } catch (error) {
    if (!existed) rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
