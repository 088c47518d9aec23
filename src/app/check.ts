// `lmsload check` (and `run --check`): a scenario type-checks against the types lmsload ships and
// its definition is valid, before a single request. Uses the TypeScript compiler lmsload depends on,
// loaded by this module only (the CLI imports it for these two commands alone).
import { createRequire } from 'node:module'
import path from 'node:path'
import ts from 'typescript'
import { displayPath } from '../core/paths.ts'
import { isUserError } from '../core/errors.ts'
import { packageTypes } from '../core/install.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { resolveScenario } from './scenarios.ts'

/** Node's own types when the user's project has them (scenarios may read process.env in setup). */
function nodeTypesNear(file: string): string[] {
  try {
    createRequire(file).resolve('@types/node/package.json')
    return ['node']
  } catch {
    return []
  }
}

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
    types: nodeTypesNear(files[0]!),
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
    .filter((d) => d.category === ts.DiagnosticCategory.Error && !d.file?.fileName.includes('/node_modules/'))
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
