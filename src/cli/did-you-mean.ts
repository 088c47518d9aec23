import { closest, distance, type Argv } from './deps.ts'

/** Close enough to be a typo: at most a third of the name's letters differ (and at least 2 may). */
function nearEnough(typed: string, known: string): boolean {
  return distance(typed, known) <= Math.max(2, Math.floor(typed.length / 3))
}

/**
 * yargs' "Unknown argument: scael" as one line that names the flag and, when one option of the
 * command is close, the flag meant: "unknown option --scael (did you mean --scale?)".
 */
function unknownOptionMessage(message: string, y: Argv, argv: string[]): string | undefined {
  const m = /^Unknown arguments?: (.+)$/.exec(message)
  if (!m) return undefined
  // getOptions() is yargs' own record of the options it was told about (untyped in @types/yargs).
  const options = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions()
  const known = Object.keys(options.key).filter((k) => k.length > 1 && k !== '$0')
  const names = m[1]!.split(', ')
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  // yargs also reports the camel-case twin of a dashed option (--max-regresion → maxRegresion).
  const typed = names.filter((name) => name === kebab(name) || !names.includes(kebab(name)))
  let suggested = false
  const parts = typed.map((name) => {
    // yargs names both without dashes: an option is one the command line wrote with them.
    const flag = name.length === 1 ? `-${name}` : `--${name}`
    if (!argv.some((a) => a === flag || a.startsWith(`${flag}=`) || a === `--no-${name}`)) return `argument '${name}'`
    const near = known.length > 0 ? closest(name, known) : undefined
    if (near === undefined || !nearEnough(name, near)) return `option ${flag}`
    suggested = true
    return `option ${flag} (did you mean --${near}?)`
  })
  return `unknown ${parts.join(', ')}${suggested ? '' : ' (see --help)'}`
}

/** yargs' refusal as the one line lmsload prints: what was wrong, and the likely fix. */
export function usageMessage(message: string, y: Argv, argv: string[], commands: string[]): string {
  // recommendCommands() says only "Did you mean run?": name what was typed.
  const word = argv.find((a) => !a.startsWith('-'))
  const typo = /^Did you mean (\S+)\?$/.exec(message)
  if (typo) return `unknown command '${word}' (did you mean ${typo[1]}?)`
  if (word !== undefined && /^Unknown arguments?: /.test(message) && !commands.includes(word)) return `unknown command '${word}' (see --help for the commands)`
  return unknownOptionMessage(message, y, argv) ?? message
}
