import { UserError } from './errors.ts'

const DURATION_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const SIZE_UNITS_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/**
 * Parses '500ms', '30s', '1.5m', '2h' or a compound like '1m30s' into milliseconds.
 * `where` names the place the value came from (flag, field, file:line) for the error message.
 */
export function parseDurationMs(text: string, where: string): number {
  const trimmed = text.trim()
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)]
  const consumed = parts.map((p) => p[0]).join('')
  if (parts.length === 0 || consumed !== trimmed) {
    throw new UserError('LMSLOAD_BAD_DURATION', `${where}: expected a duration like '500ms', '30s' or '5m', got '${text}'`)
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS_MS[p[2] as string]!, 0)
}

/** Parses '512kb', '10mb', '1gb' or a plain number of bytes. */
export function parseSizeBytes(text: string, where: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim())
  if (!match) {
    throw new UserError('LMSLOAD_BAD_SIZE', `${where}: expected a size like '512kb' or '10mb', got '${text}'`)
  }
  const unit = (match[2] ?? 'b').toLowerCase()
  return Math.round(Number(match[1]) * SIZE_UNITS_BYTES[unit]!)
}
