/**
 * W3C Server-Timing (`db;dur=1.2;desc="3 queries", cache;desc=hit`): calls `onDuration` for each
 * metric with a duration (ms) and `onDescription` for each metric that only has a description.
 */
export function parseServerTiming(
  header: string,
  onDuration: (name: string, ms: number) => void,
  onDescription: (name: string, description: string) => void,
): void {
  for (const entry of header.split(',')) {
    const fields = entry.split(';')
    const name = fields[0]!.trim()
    if (name === '') continue
    let dur: number | undefined
    let desc: string | undefined
    for (let i = 1; i < fields.length; i++) {
      const field = fields[i]!
      const eq = field.indexOf('=')
      if (eq < 0) continue
      const key = field.slice(0, eq).trim().toLowerCase()
      let value = field.slice(eq + 1).trim()
      if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
      if (key === 'dur') {
        const n = Number(value)
        if (Number.isFinite(n) && n >= 0) dur = n
      } else if (key === 'desc') {
        desc = value
      }
    }
    if (dur !== undefined) onDuration(name, dur)
    else if (desc !== undefined && /^[\w.-]{1,32}$/.test(desc)) onDescription(name, desc)
  }
}
