import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** A hash of every renderer source under src/report/: the screenshot is stale when it changes. */
export function reportSourcesHash(root: string): string {
  const dir = path.join(root, 'src/report')
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort()
  const hash = createHash('sha256')
  for (const f of files) hash.update(`${f.split(path.sep).join('/')}\n`).update(readFileSync(path.join(dir, f)))
  return hash.digest('hex')
}
