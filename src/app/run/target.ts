// Stage 1 of runScenario: the target — a URL that answers a preflight request, or the bundled
// reference backend started for the run.
import { UserError } from '../../core/errors.ts'
import type { HttpClient } from '../../engine/http/client.ts'
import { startBundledBackend, type BundledBackend } from '../bundled-backend.ts'
import { parseTarget } from '../target.ts'

export interface RunTarget {
  url: URL
  /** The bundled backend, when the run started one (stopped by the caller). */
  bundled: BundledBackend | undefined
}

export async function preflight(target: URL, client: HttpClient): Promise<void> {
  try {
    await client.send(target.origin, { method: 'GET', path: `${target.pathname}${target.search}`, headers: [], timeoutMs: 10_000 }, false)
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message
    throw new UserError('LMSLOAD_TARGET', `--target: cannot reach ${target.origin} (${code})`)
  }
}

/** `--target` checked and answering, or (without one) the bundled backend started. */
export async function openTarget(req: { target?: string; allowRemote?: boolean; backendProfile?: string; backendWorkers?: number }, client: HttpClient, notice: (line: string) => void): Promise<RunTarget> {
  if (req.target !== undefined) {
    const url = parseTarget(req.target, req.allowRemote === true)
    await preflight(url, client)
    return { url, bundled: undefined }
  }
  notice('starting the bundled reference backend (seeds demo data on first use)…')
  const bundled = await startBundledBackend({ profile: req.backendProfile, workers: req.backendWorkers })
  notice(`reference backend on ${bundled.url} (profile ${bundled.profile}, pid ${bundled.pid})`)
  return { url: new URL(bundled.url), bundled }
}
