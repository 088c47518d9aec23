import { describe, expect, it } from 'vitest'
import { parseDurationMs, parseSizeBytes } from '../../src/core/units.ts'

describe('durations', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['1.5m', 90_000], ['2h', 7_200_000], ['1m30s', 90_000], ['250us', 0.25], [' 10s ', 10_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text, '--duration')).toBe(ms)
  })

  it.each(['10x', '10', 's', '', '1m 30s', '-5s', '1e3s'])('rejects %j naming the flag and the value', (text) => {
    expect(() => parseDurationMs(text, '--duration')).toThrow(`--duration: expected a duration like '500ms', '30s' or '5m', got '${text}'`)
  })
})

describe('sizes', () => {
  it.each([['512kb', 524_288], ['10mb', 10_485_760], ['1gb', 1_073_741_824], ['100', 100], ['1.5KB', 1536]])('%s is %d bytes', (text, bytes) => {
    expect(parseSizeBytes(text, '--limit')).toBe(bytes)
  })

  it.each(['ten', '5tb', '-1kb', ''])('rejects %j', (text) => {
    expect(() => parseSizeBytes(text, '--limit')).toThrow(/--limit: expected a size/)
  })
})
