import type { Rng } from '../core/rng.ts'

/** Picks a journey by weight with the learner's own random stream (deterministic per learner). */
export class JourneyPicker<J extends { name: string; weight: number }> {
  private readonly journeys: J[]
  private readonly cumulative: number[] = []
  private readonly total: number

  constructor(journeys: readonly J[]) {
    this.journeys = journeys.filter((j) => j.weight > 0)
    let sum = 0
    for (const j of this.journeys) this.cumulative.push((sum += j.weight))
    this.total = sum
  }

  pick(rng: Rng): J {
    const x = rng.next() * this.total
    for (let i = 0; i < this.cumulative.length; i++) if (x < this.cumulative[i]!) return this.journeys[i]!
    return this.journeys[this.journeys.length - 1]!
  }
}
