// Where this copy of lmsload runs from: its TypeScript sources in a checkout, or the compiled
// JavaScript in dist/ of an installed package (Node never strips types under node_modules).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** True when running the compiled package (this very file is dist/src/core/install.js). */
export const RUNS_COMPILED = import.meta.url.endsWith('.js')

/** The folder the code tree starts at: the checkout itself, or its dist/. */
const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The package's root: package.json, README.md, docs/ — the same folder in both layouts. */
export const PACKAGE_ROOT = RUNS_COMPILED ? path.dirname(CODE_ROOT) : CODE_ROOT

/**
 * A module of this package by its source path ('reference-backend/src/cli.ts'), as the file Node
 * runs in this layout: the .ts itself in a checkout, its compiled .js under dist/ when installed.
 */
export function packageModule(sourcePath: string): string {
  return path.join(CODE_ROOT, RUNS_COMPILED ? sourcePath.replace(/\.ts$/, '.js') : sourcePath)
}

/** A sibling module of `base` (an import.meta.url) by its source name, for Workers and hooks. */
export function siblingModule(sourceName: string, base: string): URL {
  return new URL(RUNS_COMPILED ? sourceName.replace(/\.ts$/, '.js') : sourceName, base)
}

/** The declaration file of a source module ('src/index.ts'): the source itself in a checkout. */
export function packageTypes(sourcePath: string): string {
  return path.join(CODE_ROOT, RUNS_COMPILED ? sourcePath.replace(/\.ts$/, '.d.ts') : sourcePath)
}

let version: string | undefined

/** This package's version, from its own package.json (read once). */
export function lmsloadVersion(): string {
  version ??= String((JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: unknown }).version)
  return version
}
