// `lmsload check` (and `run --check`): a scenario type-checks against the types lmsload ships and
// its definition is valid, before a single request. Uses the TypeScript compiler lmsload depends on,
// loaded by this module only (the CLI imports it for these two commands alone).
import { createRequire } from 'node:module'
import path from 'node:path'
import ts from 'typescript'
import { displayPath } from '../core/paths.ts'
import { isUserError } from '../core/errors.ts'
import { PACKAGE_ROOT, packageTypes } from '../core/install.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { resolveScenario } from './scenarios.ts'

/**
 * Where Node's own types come from (scenarios run on Node: process.env in setup, AbortSignal in
 * the Learner API): the user's project's @types/node when it has one, else the one lmsload ships.
 */
function nodeTypeRoots(file: string): string[] {
  for (const from of [file, import.meta.url]) {
    try {
      return [path.dirname(path.dirname(createRequire(from).resolve('@types/node/package.json')))]
    } catch {
      // not installed there
    }
  }
  return []
}

/** lmsload's own sources (a checkout resolves 'lmsload' to them): their errors are not the user's. */
const OWN_SOURCES = path.join(PACKAGE_ROOT, 'src') + path.sep

/**
 * Options for code that Node runs by stripping types: strict, ES modules, `.ts` imports, no
 * syntax Node refuses (enums, namespaces); 'lmsload' is this copy's own types, wherever the file is.
 */
function compilerOptions(files: string[]): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2024.d.ts'],
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    allowJs: true,
    checkJs: false,
    erasableSyntaxOnly: true,
    resolveJsonModule: true,
    types: ['node'],
    typeRoots: nodeTypeRoots(files[0]!),
    paths: { lmsload: [packageTypes('src/index.ts')] },
  }
}

function describe(d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, ' ')
  if (!d.file || d.start === undefined) return text
  const { line } = d.file.getLineAndCharacterOfPosition(d.start)
  return `${displayPath(d.file.fileName)}:${line + 1}: ${text}`
}

/** Type errors in the scenarios and the files they import (not in node_modules), then invalid definitions. */
export async function checkScenarios(args: string[]): Promise<string[]> {
  const files = args.map((a) => path.resolve(resolveScenario(a)))
  const program = ts.createProgram(files, compilerOptions(files))
  const problems = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error && !d.file?.fileName.includes('/node_modules/') && !d.file?.fileName.startsWith(OWN_SOURCES))
    .map(describe)
  for (const file of files) {
    try {
      await importScenario(file)
    } catch (error) {
      if (!isUserError(error)) throw error
      problems.push(error.message)
    }
  }
  return problems
}
