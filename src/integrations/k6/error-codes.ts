import type { TransportError } from '../../scenario/types.ts'

// k6's error codes (grafana.com/docs/k6/latest/javascript-api/error-codes) as lmsload's transport
// errors. Pure: used by the k6 adapter inside k6 scripts and by `lmsload import k6` on Node.

export function k6TransportError(code: number | string | undefined): TransportError {
  const n = Number(code)
  if (n === 1050 || n === 1211) return 'timeout'
  if (n >= 1100 && n < 1200) return 'dns'
  if (n === 1212) return 'refused'
  if (n >= 1220 && n < 1230) return 'reset'
  return 'other'
}
