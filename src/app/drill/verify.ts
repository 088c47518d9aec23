// A drill's recovery point: the acknowledged writes (from the run's events) written to
// acknowledged-writes.ndjson and checked by a verifier after the target recovered.
import type { DrillWrites } from '../../record/layout/drill-json.ts'
import { acknowledgedWrites, writeAcknowledgedWrites } from '../../record/layout/side-files.ts'
import type { BundledBackend } from '../bundled-backend.ts'
import { shell } from './target.ts'

function parseVerifierOutput(stdout: string): { checked: number; lost: DrillWrites['lostSample']; unknownKinds?: string[] } {
  const last = stdout.trim().split('\n').pop() ?? ''
  const parsed = JSON.parse(last) as { checked?: unknown; lost?: unknown; unknownKinds?: unknown }
  if (typeof parsed.checked !== 'number' || !Array.isArray(parsed.lost)) throw new Error('expected {"checked": <number>, "lost": [...]} as the last line')
  return { checked: parsed.checked, lost: parsed.lost as DrillWrites['lostSample'], unknownKinds: Array.isArray(parsed.unknownKinds) ? parsed.unknownKinds as string[] : undefined }
}

/**
 * Every write the target acknowledged during the run, checked after recovery by the bundled backend
 * or the user's --verify-command; lost writes give the recovery point (RPO) before the kill.
 */
export async function verifyWrites(dir: string, how: { bundled?: BundledBackend; verifyCommand?: string; killSec: number }, problems: string[]): Promise<DrillWrites | undefined> {
  const writes = acknowledgedWrites(dir, [])
  const file = writeAcknowledgedWrites(dir, writes)
  if (writes.length === 0 && !how.verifyCommand) return undefined
  let verifier: string
  let stdout: string
  try {
    if (how.bundled) {
      verifier = 'reference-backend'
      stdout = (await how.bundled.command(['verify-writes', '--writes', file])).stdout
    } else if (how.verifyCommand !== undefined) {
      verifier = `command: ${how.verifyCommand}`
      const r = await shell(how.verifyCommand, { LMSLOAD_WRITES: file })
      if (r.code !== 0) throw new Error(`exited with ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`)
      stdout = r.stdout
    } else {
      problems.push(`${writes.length} acknowledged writes were not checked: pass --verify-command to check them on your target`)
      return undefined
    }
    const result = parseVerifierOutput(stdout)
    if (result.unknownKinds?.length) problems.push(`the verifier could not check writes of kind ${result.unknownKinds.join(', ')}`)
    const killSec = how.killSec
    const earliestLost = result.lost.reduce((m, w) => Math.min(m, w.t), Number.POSITIVE_INFINITY)
    return {
      verifier, acknowledged: writes.length, checked: result.checked, lost: result.lost.length,
      lostSample: result.lost.slice(0, 20),
      rpoSec: result.lost.length ? Math.max(0, Number((killSec - earliestLost).toFixed(3))) : 0,
    }
  } catch (error) {
    problems.push(`verifying acknowledged writes failed: ${((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').pop()}`)
    return undefined
  }
}
