import { isIP } from 'node:net'
import { UserError } from '../core/errors.ts'

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts a load may go to without --allow-remote. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.')
  return false
}

/** Checks a --target: an http(s) URL, on loopback unless remote load was asked for explicitly. */
export function parseTarget(text: string, allowRemote: boolean): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UserError('LMSLOAD_TARGET', `--target: expected a URL like http://127.0.0.1:8080, got '${text}'`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('LMSLOAD_TARGET', `--target: expected an http:// or https:// URL, got '${text}'`)
  }
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new UserError('LMSLOAD_TARGET', `--target: ${url.hostname} is not loopback; a load test aimed at the wrong host is an outage`, 'pass --allow-remote if you mean it')
  }
  return url
}
