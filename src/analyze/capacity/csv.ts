import { UserError } from '../../core/errors.ts'
import type { LoadPoint } from './usl.ts'

/** Reads `N,X` rows (load, throughput) after a header row; rows in any order. Errors name file:line. */
export function parseLoadCsv(text: string, file: string): LoadPoint[] {
  const lines = text.split(/\r?\n/)
  const first = lines.findIndex((l) => l.trim() !== '')
  if (first < 0) throw new UserError('LMSLOAD_CSV', `${file}: empty file; expected a header row 'N,X' and at least 4 rows`)
  const header = lines[first]!.split(',').map((h) => h.trim().toLowerCase())
  if (header.length < 2 || header[0] !== 'n' || header[1] !== 'x') {
    throw new UserError('LMSLOAD_CSV', `${file}:${first + 1}: expected the header row 'N,X' (load, throughput), got '${lines[first]!.trim()}'`)
  }
  const points: LoadPoint[] = []
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('#')) continue
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length < 2) throw new UserError('LMSLOAD_CSV', `${file}:${i + 1}: expected two values 'N,X', got '${line}'`)
    const [n, x] = [Number(cells[0]), Number(cells[1])]
    if (cells[0] === '' || !Number.isFinite(n)) throw new UserError('LMSLOAD_CSV', `${file}:${i + 1}: N must be a number, got '${cells[0]}'`)
    if (cells[1] === '' || !Number.isFinite(x)) throw new UserError('LMSLOAD_CSV', `${file}:${i + 1}: X must be a number, got '${cells[1]}'`)
    if (n <= 0) throw new UserError('LMSLOAD_CSV', `${file}:${i + 1}: N must be above 0 (a load level), got ${n}`)
    if (x <= 0) throw new UserError('LMSLOAD_CSV', `${file}:${i + 1}: X must be above 0 (a throughput), got ${x}`)
    points.push({ n, x })
  }
  if (points.length < 4) throw new UserError('LMSLOAD_CSV', `${file}: ${points.length} data rows; fitting the USL (3 parameters) needs at least 4`)
  if (new Set(points.map((p) => p.n)).size < 3) throw new UserError('LMSLOAD_CSV', `${file}: the rows cover fewer than 3 distinct loads N; the fit needs a spread of loads`)
  return points
}
