// Interval histograms as the analyzer reads them: only the buckets that hold counts. A decoded
// hdr-histogram-js histogram carries all ~23,000 buckets of our 1 µs – 1 h layout, and its add()
// walks every one, so merging 72,000 lines of a one-hour run cost seconds per pass. Read straight
// from the V2 compressed encoding (HdrHistogram's published format: zlib-deflated header, then
// ZigZag LEB128 counts with negative runs of zeros), a line is the few hundred buckets it uses and
// merging costs just those. Results are bucket-for-bucket those of Histogram.add().
import { inflateSync } from 'node:zlib'
import { decodeHistogram, latencyHistogram, type Histogram } from './histogram.ts'

export interface SparseHistogram {
  /** Bucket indices in the layout of latencyHistogram(), ascending. */
  indices: Int32Array
  counts: Float64Array
  totalCount: number
  /** As a decoded Histogram reports them (µs): highest equivalent of the top bucket, lowest of the first non-zero bucket above 0. */
  maxValue: number
  minNonZeroValue: number
}

/** The internals of hdr-histogram-js's JsHistogram that merging bucket by bucket needs. */
interface Buckets {
  countsArrayLength: number
  maxValue: number
  minNonZeroValue: number
  totalCount: number
  valueFromIndex(index: number): number
  highestEquivalentValue(value: number): number
  lowestEquivalentValue(value: number): number
  getCountAtIndex(index: number): number
  addToCountAtIndex(index: number, count: number): void
  setTotalCount(count: number): void
  updatedMaxValue(value: number): void
  updateMinNonZeroValue(value: number): void
}

const layout = latencyHistogram() as unknown as Buckets
const V2_COMPRESSED_COOKIE_BASE = 0x1c849304
const V2_COOKIE_BASE = 0x1c849303
const LAYOUT_DIGITS = 3
const LAYOUT_LOWEST = 1

// Decoding fills these and copies out only the used part: no per-bucket JS array growth.
const scratchIndices = new Int32Array(layout.countsArrayLength)
const scratchCounts = new Float64Array(layout.countsArrayLength)

function sparseOf(used: number): SparseHistogram {
  let total = 0
  let minNonZero = -1
  for (let k = 0; k < used; k++) {
    total += scratchCounts[k]!
    if (minNonZero < 0 && scratchIndices[k]! !== 0) minNonZero = scratchIndices[k]!
  }
  const top = used > 0 ? scratchIndices[used - 1]! : -1
  return {
    indices: scratchIndices.slice(0, used),
    counts: scratchCounts.slice(0, used),
    totalCount: total,
    maxValue: top >= 0 ? layout.highestEquivalentValue(layout.valueFromIndex(top)) : 0,
    minNonZeroValue: minNonZero >= 0 ? layout.valueFromIndex(minNonZero) : Number.MAX_VALUE,
  }
}

/** A full histogram as its non-zero buckets (for histograms not read from a log). */
export function toSparse(h: Histogram): SparseHistogram {
  const b = h as unknown as Buckets
  let used = 0
  for (let i = 0; i < b.countsArrayLength && i < layout.countsArrayLength; i++) {
    const c = b.getCountAtIndex(i)
    if (c > 0) {
      scratchIndices[used] = i
      scratchCounts[used++] = c
    }
  }
  return sparseOf(used)
}

/**
 * Decodes a compressed base64 histogram (a latency.hlog line's payload) into its non-zero buckets.
 * Histograms of another layout (an imported log) take the library's decoder.
 */
export function decodeSparse(encoded: string): SparseHistogram {
  const outer = Buffer.from(encoded, 'base64')
  if (outer.length < 8 || (outer.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE_BASE) throw new Error('not a V2 compressed histogram')
  const length = outer.readInt32BE(4)
  const inner = inflateSync(outer.subarray(8, 8 + length))
  if (inner.length < 40 || (inner.readInt32BE(0) & ~0xf0) !== V2_COOKIE_BASE) throw new Error('not a V2 histogram')
  const payload = inner.readInt32BE(4)
  const digits = inner.readInt32BE(12)
  const lowest = Number(inner.readBigInt64BE(16))
  // The normalizing index offset (bytes 8–11) is ignored, as hdr-histogram-js's own decoder does.
  if (digits !== LAYOUT_DIGITS || lowest !== LAYOUT_LOWEST) return toSparse(decodeHistogram(encoded))
  let used = 0
  let index = 0
  let p = 40
  const end = Math.min(inner.length, 40 + payload)
  while (p < end) {
    // LEB128, 7 bits a byte; the ninth byte carries 8 (hdr-histogram-js ZigZagEncoding).
    let value = 0
    let scale = 1
    for (let k = 0; k < 9; k++) {
      const byte = inner[p++]!
      if (k === 8) {
        value += byte * scale
        break
      }
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) break
      scale *= 128
    }
    const count = value % 2 === 0 ? value / 2 : -(value + 1) / 2
    if (count < 0) index += -count
    else {
      if (count > 0) {
        if (index >= layout.countsArrayLength) throw new Error('histogram does not fit the latency layout')
        scratchIndices[used] = index
        scratchCounts[used++] = count
      }
      index++
    }
  }
  return sparseOf(used)
}

/** into += s, exactly as Histogram.add() would (counts, total, min and max). */
export function addSparse(into: Histogram, s: SparseHistogram): void {
  if (s.totalCount === 0) return
  const b = into as unknown as Buckets
  const { indices, counts } = s
  for (let k = 0; k < indices.length; k++) b.addToCountAtIndex(indices[k]!, counts[k]!)
  b.setTotalCount(b.totalCount + s.totalCount)
  b.updatedMaxValue(Math.max(b.maxValue, s.maxValue))
  b.updateMinNonZeroValue(Math.min(b.minNonZeroValue, s.minNonZeroValue))
}

/** Histogram.getValueAtPercentile() on the non-zero buckets alone (same rounding, same value). */
export function sparsePercentile(s: SparseHistogram, percentile: number): number {
  if (s.totalCount === 0) return 0
  const fp = (Math.min(percentile, 100) / 100) * s.totalCount
  // ceil(fp − 1 ulp), as the library does, so fp noise never skips a count.
  const target = Math.max(Math.ceil(fp - ulp(fp)), 1)
  let running = 0
  for (let k = 0; k < s.indices.length; k++) {
    running += s.counts[k]!
    if (running >= target) {
      const v = layout.valueFromIndex(s.indices[k]!)
      return percentile === 0 ? layout.lowestEquivalentValue(v) : layout.highestEquivalentValue(v)
    }
  }
  return 0
}

/** hdr-histogram-js's ulp(), to round exactly as it does. */
function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52)
}

/** Merges sparse histograms into a new full one. */
export function mergeSparse(list: Iterable<SparseHistogram>): Histogram {
  const h = latencyHistogram()
  for (const s of list) addSparse(h, s)
  return h
}

/**
 * Counts per bucket of a coarser layout (Prometheus `le` bounds, µs ascending): `counts[i]` holds the
 * values in (bound[i−1], bound[i]] by each HdrHistogram bucket's highest equivalent value, the
 * last entry those above the last bound. Not cumulative.
 */
export function countsByBound(s: SparseHistogram, boundsUs: readonly number[]): number[] {
  const out = new Array<number>(boundsUs.length + 1).fill(0)
  let b = 0
  for (let k = 0; k < s.indices.length; k++) {
    const v = layout.highestEquivalentValue(layout.valueFromIndex(s.indices[k]!))
    while (b < boundsUs.length && v > boundsUs[b]!) b++
    out[b]! += s.counts[k]!
  }
  return out
}
