// Queries are written once for PostgreSQL; `{{forUpdate}}` marks row locks that only PostgreSQL has
// (SQLite's writer lock covers them). For SQLite, `$N` becomes an anonymous `?` and the values are
// put in the order the `?`s appear: Node 22's node:sqlite binds positional values to anonymous
// parameters only (`?1` fails there with "column index out of range"; Node 24 accepts both).
interface SqliteQuery {
  sql: string
  /** Which value each `?` takes (0-based), or null when that is simply the values in order. */
  order: number[] | null
}

const postgres = new Map<string, string>()
const sqlite = new Map<string, SqliteQuery>()

export function toPostgres(sql: string): string {
  let out = postgres.get(sql)
  if (out === undefined) {
    out = sql.replaceAll('{{forUpdate}}', 'FOR UPDATE')
    postgres.set(sql, out)
  }
  return out
}

function sqliteQuery(sql: string): SqliteQuery {
  let query = sqlite.get(sql)
  if (query === undefined) {
    const order: number[] = []
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1)
      return '?'
    }).replaceAll('{{forUpdate}}', '')
    query = { sql: text, order: order.every((v, i) => v === i) ? null : order }
    sqlite.set(sql, query)
  }
  return query
}

/** The SQLite text of a query and the values in the order its parameters appear. */
export function toSqlite(sql: string, params: readonly unknown[] | null): [sql: string, params: unknown[] | null] {
  const query = sqliteQuery(sql)
  if (params === null) return [query.sql, null]
  return [query.sql, query.order === null ? (params as unknown[]) : query.order.map((i) => params[i])]
}
