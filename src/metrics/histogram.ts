import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'

export type { Histogram }

/** Latencies are recorded in microseconds, from 1 µs to one hour, with 3 significant digits. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000
const SIGNIFICANT_DIGITS = 3

// 32-bit counts: ~60 ns per record in the JS build, ~95 KiB per histogram; one per endpoint per
// worker, reset every second, so the hot path never allocates.
export function latencyHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: false,
  })
}

/** Records a value in µs, clamped into the trackable range (a timeout never throws here). */
export function recordUs(histogram: Histogram, us: number): void {
  histogram.recordValue(us < 1 ? 1 : us > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : Math.round(us))
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram)
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32, false, HIGHEST_TRACKABLE_US)
}

/** Adds `encoded` into `into` exactly (counts per bucket), creating `into` when absent. */
export function mergeEncoded(into: Histogram | undefined, encoded: string): Histogram {
  const decoded = decodeHistogram(encoded)
  if (!into) return decoded
  into.add(decoded)
  return into
}

/** Merges histograms bucket by bucket: percentiles of the result are exact, never averaged. */
export function mergeHistograms(histograms: Iterable<Histogram>): Histogram {
  const merged = latencyHistogram()
  for (const h of histograms) merged.add(h)
  return merged
}
