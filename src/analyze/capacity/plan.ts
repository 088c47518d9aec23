/** Capacity in a planner's words: headroom now, and when growth uses it up. */
export interface CapacityPlan {
  capacityLearners: number
  currentPeak: number | null
  /** Capacity / current peak − 1 (0.5 = 50 % headroom). */
  headroom: number | null
  growthPerYear: number | null
  /** Months until the forecast peak reaches capacity; 0 when already over; null without growth. */
  monthsUntilFull: number | null
  /** Instances needed for the forecast peak in a year, if instances scale linearly. */
  instancesInOneYear: number | null
  sentence: string
}

export function planCapacity(capacityLearners: number, unit: string, options: { currentPeak?: number; growthPerYear?: number; instances?: number }): CapacityPlan {
  const { currentPeak, growthPerYear } = options
  const instances = options.instances ?? 1
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  let headroom: number | null = null
  let months: number | null = null
  let instancesInOneYear: number | null = null
  const parts = [`The platform takes ${fmt(capacityLearners)} ${unit} within the SLO`]
  if (currentPeak !== undefined && currentPeak > 0) {
    headroom = capacityLearners / currentPeak - 1
    parts.push(headroom >= 0 ? `${Math.round(headroom * 100)} % above today's peak of ${fmt(currentPeak)}` : `${Math.round(-headroom * 100)} % short of today's peak of ${fmt(currentPeak)}`)
    if (growthPerYear !== undefined && growthPerYear > 0) {
      months = headroom <= 0 ? 0 : (12 * Math.log(capacityLearners / currentPeak)) / Math.log(1 + growthPerYear)
      const nextYear = currentPeak * (1 + growthPerYear)
      instancesInOneYear = Math.ceil((instances * nextYear) / capacityLearners)
      parts.push(months === 0 ? 'capacity has already run out' : `at ${Math.round(growthPerYear * 100)} % growth a year it runs out in about ${Math.round(months)} months`)
      parts.push(`a year from now the peak of ${fmt(nextYear)} needs ${instancesInOneYear} instance${instancesInOneYear > 1 ? 's' : ''} like this one (assuming instances add capacity linearly: the shared database may not)`)
    }
  }
  return { capacityLearners, currentPeak: currentPeak ?? null, headroom, growthPerYear: growthPerYear ?? null, monthsUntilFull: months, instancesInOneYear, sentence: `${parts.join('; ')}.` }
}
