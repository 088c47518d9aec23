import type { RequestOptions } from './types.ts'

/** Whether a status counts as success: `expect` when given, else 200–399. */
export function isExpectedStatus(status: number, expect: RequestOptions['expect']): boolean {
  if (expect === undefined) return status >= 200 && status < 400
  return typeof expect === 'number' ? status === expect : expect.includes(status)
}
