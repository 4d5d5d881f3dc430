/**
 * Small statistics helpers shared by the benchmarks: medians of repeated runs and latency percentiles.
 * Benchmarks print JSON; targets live here, never in timed tests.
 */

/** The value at percentile `p` (0..100) of `samples` (nearest-rank on a sorted copy). */
export const percentile = (samples: ReadonlyArray<number>, p: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = samples.toSorted((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export const median = (samples: ReadonlyArray<number>): number => percentile(samples, 50)

/** Round to a few significant digits so tables stay readable. */
export const round = (value: number, digits = 3): number => Number(value.toPrecision(digits))

/** Wall-clock milliseconds from the high-resolution timer. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6
