import { existsSync, readFileSync, statSync } from 'node:fs'
import { registerHooks } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { UserError } from '../core/errors.ts'
import { siblingModule } from '../core/install.ts'
import { isScenario } from '../scenario/define.ts'
import type { Scenario } from '../scenario/types.ts'

const PACKAGE_ENTRY = siblingModule('../index.ts', import.meta.url).href
let hooked = false

/**
 * Lets a scenario file anywhere on disk `import … from 'lmsload'`: the specifier resolves to this
 * installation's entry point, whatever node_modules the file sits near (or none). Per thread.
 */
export function resolveLmsloadImports(): void {
  if (hooked) return
  hooked = true
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier === 'lmsload') return { url: PACKAGE_ENTRY, shortCircuit: true }
      const resolved = next(specifier, context)
      // A .ts file with no "type": "module" package.json above it (a scenario in /tmp, say) would
      // load as CommonJS; scenarios are ES modules (`export default`), so load them as such.
      // Node may also leave the format open and detect it from the syntax, warning each time.
      if (resolved.format !== 'module-typescript' && resolved.url.startsWith('file:') && resolved.url.endsWith('.ts') && !resolved.url.includes('/node_modules/')) {
        return { ...resolved, format: 'module-typescript' }
      }
      return resolved
    },
  })
}

function relative(file: string): string {
  const r = path.relative(process.cwd(), file)
  return r.startsWith('..') ? file : r
}

/** The first `file:line` of the scenario's own code in an error's stack, if any. */
function locationIn(error: Error, file: string): string | undefined {
  const url = pathToFileURL(file).href
  for (const line of (error.stack ?? '').split('\n')) {
    const at = line.indexOf(url)
    if (at >= 0) {
      const m = /^:(\d+)/.exec(line.slice(at + url.length))
      if (m) return `${relative(file)}:${m[1]}`
    }
  }
  return undefined
}

/**
 * "Cannot find package 'x' imported from /abs/file.ts" as the line a user can act on: which module,
 * from which file:line (the importer may be a helper of the scenario), and how to get it.
 */
function missingModule(message: string): string | undefined {
  const m = /^Cannot find (package|module) '([^']+)' imported from (.+)$/.exec(message)
  if (!m) return undefined
  const [, kind, resolved, importer] = m as unknown as [string, string, string, string]
  const file = importer.startsWith('file://') ? fileURLToPath(importer) : importer
  // Node names a missing relative import by its absolute path: show it as the file wrote it.
  const specifier = path.isAbsolute(resolved) ? `./${path.relative(path.dirname(file), resolved)}`.replace(/^\.\/\.\.\//, '../') : resolved
  let line: number | undefined
  try {
    const index = readFileSync(file, 'utf8').split('\n').findIndex((text) => text.includes(`'${specifier}'`) || text.includes(`"${specifier}"`))
    if (index >= 0) line = index + 1
  } catch {
    line = undefined
  }
  const where = `${relative(file)}${line ? `:${line}` : ''}`
  const bare = !specifier.startsWith('.') && !specifier.startsWith('/')
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!
  return bare && kind === 'package'
    ? `${where}: imports '${specifier}', which is not installed (npm i -D ${name})`
    : `${where}: imports '${specifier}', which does not exist`
}

/** Imports a scenario file and returns its validated default export, or a one-line UserError. */
export async function importScenario(file: string): Promise<Scenario> {
  const absolute = path.resolve(file)
  const shown = relative(absolute)
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new UserError('LMSLOAD_SCENARIO', `${shown}: no such scenario file`)
  }
  resolveLmsloadImports()
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(absolute).href)) as { default?: unknown }
  } catch (error) {
    if (error instanceof UserError) throw error
    const e = error as Error & { code?: string }
    const firstLine = e.message.split('\n')[0]!
    if (e.name === 'SyntaxError') {
      // Node puts where parsing failed on the stack's first line: `/path/x.ts:12` (or a file URL).
      const where = /^((?:file:\/\/)?\/[^\s:]+):(\d+)/.exec(e.stack ?? '')
      const file = where ? (where[1]!.startsWith('file://') ? fileURLToPath(where[1]!) : where[1]!) : undefined
      const at = where ? `${relative(file!)}:${where[2]}` : shown
      const hint = e.code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX'
        ? ' (Node runs TypeScript by stripping types: no enums, namespaces or parameter properties)'
        : /Cannot use import statement outside a module/.test(firstLine)
          ? ' (a scenario is an ES module, and the nearest package.json says CommonJS: name the file .mjs or .ts, or set "type": "module")'
          : ''
      throw new UserError('LMSLOAD_SCENARIO', `${at}: syntax error: ${firstLine}${hint}`)
    }
    if (e.code === 'ERR_MODULE_NOT_FOUND') throw new UserError('LMSLOAD_SCENARIO', missingModule(firstLine) ?? `${shown}: ${firstLine}`)
    throw new UserError('LMSLOAD_SCENARIO', `${locationIn(e, absolute) ?? shown}: failed while loading: ${firstLine}`)
  }
  if (module.default === undefined) {
    throw new UserError('LMSLOAD_SCENARIO', `${shown}: no default export (end the file with: export default defineScenario({ … }))`)
  }
  if (!isScenario(module.default)) {
    throw new UserError('LMSLOAD_SCENARIO', `${shown}: the default export is not a scenario (build it with defineScenario from 'lmsload')`)
  }
  return module.default
}
