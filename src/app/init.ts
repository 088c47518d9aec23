// `lmsload init`: a starter kit in the user's repository, copied from templates/init/ of the package.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { UserError } from '../core/errors.ts'
import { PACKAGE_ROOT } from '../core/install.ts'
import { displayPath } from '../core/paths.ts'

const TEMPLATES = path.join(PACKAGE_ROOT, 'templates', 'init')

/** Template file → where it goes in the user's repository. */
const KIT: Array<[template: string, destination: string]> = [
  ['scenarios/example.ts', 'lmsload/scenarios/example.ts'],
  ['budgets.json', 'lmsload/budgets.json'],
  ['README.md', 'lmsload/README.md'],
  ['workflow/lmsload.yml', '.github/workflows/lmsload.yml'],
]

export interface InitRequest {
  dir: string
  /** The LMS the workflow and README point at (default: the bundled reference backend). */
  target?: string
  force: boolean
}

function fill(text: string, target: string | undefined): string {
  return text
    .replaceAll('{{TARGET_FLAGS}}', target ? `--target ${target} ` : '')
    .replaceAll('{{TARGET_ARG}}', target ? ` --target ${target}` : '')
    .replaceAll('{{TARGET_NOTE}}', target
      ? `This sends the load to ${target}. Without \`--target\`, lmsload starts its bundled reference LMS instead, which the example runs against unchanged.\n`
      : 'With no `--target`, lmsload starts its bundled reference LMS, which the example runs against unchanged.\n')
}

/**
 * Writes the kit, or nothing: an existing file is refused (naming it) before anything is written,
 * unless `force`.
 */
export function initProject(req: InitRequest): string[] {
  if (req.target !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(req.target)
    } catch {
      url = undefined
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UserError('LMSLOAD_USAGE', `--target: expected a URL like https://lms.example.edu, got '${req.target}'`)
  }
  const root = path.resolve(req.dir)
  const files = KIT.map(([template, destination]) => ({ template: path.join(TEMPLATES, template), destination: path.join(root, destination) }))
  if (!req.force) {
    const existing = files.find((f) => existsSync(f.destination))
    if (existing) throw new UserError('LMSLOAD_INIT', `${displayPath(existing.destination)} already exists; nothing was written (pass --force to overwrite the starter kit's files)`)
  }
  for (const f of files) {
    mkdirSync(path.dirname(f.destination), { recursive: true })
    writeFileSync(f.destination, fill(readFileSync(f.template, 'utf8'), req.target))
  }
  return files.map((f) => f.destination)
}
