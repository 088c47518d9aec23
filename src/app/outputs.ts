// One rule for where every command writes by default: under the current directory, never beside
// lmsload's own code (an installed copy lives in node_modules, which nothing may write to).
import path from 'node:path'

/** `./reports/runs/<id>`: the run directory of `run`, `import` or `probe` with no --out. */
export function defaultRunDir(id: string): string {
  return path.resolve('reports', 'runs', id)
}

/** `./reports/<kind>/<name>`: what other commands write (`export k6`, `capacity`). */
export function defaultOutputDir(kind: 'k6' | 'k8s' | 'capacity', name: string): string {
  return path.resolve('reports', kind, name)
}
