// `lmsload backend verify-writes`: the reference backend's side of a DR drill's recovery-point check.
// Reads the writes a load run saw acknowledged (NDJSON: kind, key, value, t) and looks each one up
// in the database after recovery. Prints one JSON line: { checked, lost: [...], unknownKinds }.
import { readFileSync } from 'node:fs'
import type { DirectConnection } from './db/direct.ts'

export interface AcknowledgedWrite {
  kind: string
  key: string
  value: string | number | null
  t: number
}

export interface VerifyResult {
  checked: number
  lost: Array<{ kind: string; key: string; expected: string | number | null; found: string | number | null; t: number }>
  unknownKinds: string[]
}

type Lookup = (db: DirectConnection, key: string) => Promise<string | number | null | undefined>

const ids = (key: string, n: number) => {
  const parts = key.split(':').map(Number)
  return parts.length === n && parts.every((p) => Number.isSafeInteger(p) && p > 0) ? parts : undefined
}

/** What each kind's key names and which column holds its value. */
const LOOKUPS: Record<string, Lookup> = {
  // key attemptId:questionId, value the choice
  answer: async (db, key) => {
    const k = ids(key, 2)
    if (!k) return undefined
    const rows = await db.all<{ choice_index: number }>('SELECT choice_index FROM answers WHERE attempt_id = $1 AND question_id = $2 ORDER BY id DESC LIMIT 1', k)
    return rows[0] ? Number(rows[0].choice_index) : null
  },
  // key attemptId, value the attempt's state after the submit (finished)
  submit: async (db, key) => {
    const k = ids(key, 1)
    if (!k) return undefined
    const rows = await db.all<{ state: string }>('SELECT state FROM attempts WHERE id = $1', k)
    return rows[0]?.state === 'finished' ? 'finished' : null
  },
  // key post id, value its title
  'forum-post': async (db, key) => {
    const k = ids(key, 1)
    if (!k) return undefined
    const rows = await db.all<{ title: string }>('SELECT title FROM forum_posts WHERE id = $1', k)
    return rows[0]?.title ?? null
  },
  // key submission id, value the sha256 of the upload
  submission: async (db, key) => {
    const k = ids(key, 1)
    if (!k) return undefined
    const rows = await db.all<{ sha256: string }>('SELECT sha256 FROM submissions WHERE id = $1', k)
    return rows[0]?.sha256 ?? null
  },
}

export const VERIFIABLE_KINDS = Object.keys(LOOKUPS)

/** The last acknowledged value of every key (a later write of the same answer replaces it). */
export function readWrites(file: string): AcknowledgedWrite[] {
  const latest = new Map<string, AcknowledgedWrite>()
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    let w: AcknowledgedWrite
    try {
      w = JSON.parse(line) as AcknowledgedWrite
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`)
    }
    if (typeof w?.kind !== 'string' || typeof w.key !== 'string') throw new Error(`${file}:${i + 1}: a write needs string "kind" and "key"`)
    const id = `${w.kind}\u0000${w.key}`
    const prev = latest.get(id)
    if (!prev || (w.t ?? 0) >= (prev.t ?? 0)) latest.set(id, w)
  })
  return [...latest.values()]
}

export async function verifyWrites(db: DirectConnection, writes: AcknowledgedWrite[]): Promise<VerifyResult> {
  const result: VerifyResult = { checked: 0, lost: [], unknownKinds: [] }
  const unknown = new Set<string>()
  for (const w of writes) {
    const lookup = LOOKUPS[w.kind]
    const found = lookup ? await lookup(db, w.key) : undefined
    if (found === undefined) {
      unknown.add(lookup ? `${w.kind} (key ${JSON.stringify(w.key)})` : w.kind)
      continue
    }
    result.checked++
    const expected = w.value
    if (found === null || (expected !== null && String(found) !== String(expected))) result.lost.push({ kind: w.kind, key: w.key, expected, found, t: w.t })
  }
  result.unknownKinds = [...unknown].slice(0, 20)
  return result
}
