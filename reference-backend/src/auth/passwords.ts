import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'

// Stored as `scrypt$logN$r$p$salt$hash` (base64url) so the cost can change without breaking
// existing hashes, and a login can tell that a hash is below the current policy.
const KEY_LENGTH = 32
const R = 8
const P = 1

export interface ParsedHash {
  logN: number
  salt: Buffer
  hash: Buffer
}

function options(logN: number) {
  const N = 2 ** logN
  return { N, r: R, p: P, maxmem: 256 * N * R }
}

export function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  return { logN: Number(parts[1]), salt: Buffer.from(parts[4]!, 'base64url'), hash: Buffer.from(parts[5]!, 'base64url') }
}

function format(logN: number, salt: Buffer, hash: Buffer): string {
  return `scrypt$${logN}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

export function hashPasswordSync(password: string, logN: number, salt: Buffer = randomBytes(16)): string {
  return format(logN, salt, scryptSync(password, salt, KEY_LENGTH, options(logN)))
}

/** Hashes on libuv's thread pool: the event loop stays free during a login storm. */
export function hashPassword(password: string, logN: number, salt: Buffer = randomBytes(16)): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, options(logN), (error, key) => (error ? reject(error) : resolve(format(logN, salt, key))))
  })
}

function derive(password: string, parsed: ParsedHash, sync: boolean): Promise<Buffer> {
  if (sync) return Promise.resolve(scryptSync(password, parsed.salt, parsed.hash.length, options(parsed.logN)))
  return new Promise((resolve, reject) => {
    scrypt(password, parsed.salt, parsed.hash.length, options(parsed.logN), (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/** Constant-time check. `sync` runs scrypt on the event loop (the `cpu-login` profile). */
export async function verifyPassword(password: string, stored: string, sync = false): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) return false
  const key = await derive(password, parsed, sync)
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash)
}
