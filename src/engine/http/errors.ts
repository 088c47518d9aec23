import type { TransportError } from '../../scenario/types.ts'

/** Sorts a failed request into refused, reset, timeout, dns, aborted or other. */
export function classifyTransportError(error: unknown): TransportError {
  const e = error as { code?: string; name?: string; cause?: { code?: string } }
  const code = e?.code ?? e?.cause?.code
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused'
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset'
    case 'ETIMEDOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timeout'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns'
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return 'aborted'
  }
  if (e?.name === 'AbortError') return 'aborted'
  return 'other'
}
