/** Capacity in a planner's words: headroom now, and when growth uses it up. */
export interface CapacityPlan {
  /** The capacity, in `unit`. */
  capacity: number
  /** What it counts, plural, e.g. 'learners arriving per second'. Every sentence names it. */
  unit: string
  /**
   * `limit`: a higher load broke the SLO, so this is where it runs out. `at-least`: the SLO held at
   * every load tried, so this is a floor: no forecast of when it runs out can be made from it.
   */
  bound: 'limit' | 'at-least'
  currentPeak: number | null
  /** Capacity / current peak − 1 (0.5 = 50 % headroom); a floor of the headroom when the bound is `at-least`. */
  headroom: number | null
  growthPerYear: number | null
  /** Months until the forecast peak reaches capacity; 0 when already over; null without growth or with only a floor. */
  monthsUntilFull: number | null
  /** Instances needed for the forecast peak in a year, if instances scale linearly (null with only a floor). */
  instancesInOneYear: number | null
  sentence: string
}

export interface PlanOptions {
  currentPeak?: number
  growthPerYear?: number
  instances?: number
  /** What to do to find the limit when the bound is `at-least` (e.g. 'raise --to'). */
  raise?: string
  /** Extra figures at the capacity, in the same sentence (e.g. '40 requests/s, 3 requests in flight'). */
  detail?: string
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toPrecision(3)).toString()
}

export function planCapacity(capacity: number, unit: string, bound: CapacityPlan['bound'], options: PlanOptions): CapacityPlan {
  const { currentPeak, growthPerYear } = options
  const instances = options.instances ?? 1
  let headroom: number | null = null
  let months: number | null = null
  let instancesInOneYear: number | null = null
  const detail = options.detail ? ` (${options.detail})` : ''
  const parts = bound === 'limit'
    ? [`The platform takes ${fmt(capacity)} ${unit} within the SLO${detail}`]
    : [`The platform takes at least ${fmt(capacity)} ${unit} within the SLO${detail}: the SLO held at every load tried, so this is a floor, not the limit${options.raise ? ` (${options.raise} to find it)` : ''}`]
  if (currentPeak !== undefined && currentPeak > 0) {
    headroom = capacity / currentPeak - 1
    const above = `${Math.round(headroom * 100)} % above today's peak of ${fmt(currentPeak)} ${unit}`
    if (bound === 'limit') parts.push(headroom >= 0 ? above : `${Math.round(-headroom * 100)} % short of today's peak of ${fmt(currentPeak)} ${unit}`)
    else parts.push(headroom >= 0 ? `at least ${above}` : `today's peak of ${fmt(currentPeak)} ${unit} is above the loads tried`)
    if (growthPerYear !== undefined && growthPerYear > 0 && bound === 'limit') {
      months = headroom <= 0 ? 0 : (12 * Math.log(capacity / currentPeak)) / Math.log(1 + growthPerYear)
      const nextYear = currentPeak * (1 + growthPerYear)
      instancesInOneYear = Math.ceil((instances * nextYear) / capacity)
      parts.push(months === 0 ? 'capacity has already run out' : `at ${Math.round(growthPerYear * 100)} % growth a year it runs out in about ${Math.round(months)} months`)
      parts.push(`a year from now the peak of ${fmt(nextYear)} ${unit} needs ${instancesInOneYear} instance${instancesInOneYear > 1 ? 's' : ''} like this one (assuming instances add capacity linearly: the shared database may not)`)
    } else if (growthPerYear !== undefined && growthPerYear > 0) {
      parts.push('when growth uses it up cannot be said from a floor')
    }
  }
  return { capacity, unit, bound, currentPeak: currentPeak ?? null, headroom, growthPerYear: growthPerYear ?? null, monthsUntilFull: months, instancesInOneYear, sentence: `${parts.join('; ')}.` }
}
