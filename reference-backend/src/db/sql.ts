import type { Dialect } from './pool.ts'

// Queries are written once for PostgreSQL. SQLite binds `?NNN` by position, so `$1` becomes `?1`;
// `{{forUpdate}}` marks row locks that only PostgreSQL has (SQLite's writer lock covers them).
const translated: Record<Dialect, Map<string, string>> = { sqlite: new Map(), postgres: new Map() }

export function toDialect(sql: string, dialect: Dialect): string {
  const cache = translated[dialect]
  let out = cache.get(sql)
  if (out === undefined) {
    out =
      dialect === 'sqlite'
        ? sql.replace(/\$(\d+)/g, '?$1').replaceAll('{{forUpdate}}', '')
        : sql.replaceAll('{{forUpdate}}', 'FOR UPDATE')
    cache.set(sql, out)
  }
  return out
}
