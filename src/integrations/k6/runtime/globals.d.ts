// The few web types the scenario API names, for type-checking k6 scripts without Node's or the
// DOM's declarations (k6 has neither). Types only: nothing here exists at run time unless k6 has it.
interface AbortSignal {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}
