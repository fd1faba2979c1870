// Summary statistics of timing samples.

import Foundation

/// Median of a non-empty sample (mean of the two middle values for even counts).
func median(_ values: [Double]) -> Double {
  precondition(!values.isEmpty, "median of no samples")
  let sorted = values.sorted()
  let middle = sorted.count / 2
  if sorted.count % 2 == 1 { return sorted[middle] }
  return (sorted[middle - 1] + sorted[middle]) / 2
}

/// Geometric mean of positive values: the right average for ratios, since the mean of
/// A/B and B/A should be 1.
func geometricMean(_ values: [Double]) -> Double? {
  guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { return nil }
  let logSum = values.reduce(0.0) { $0 + log($1) }
  return exp(logSum / Double(values.count))
}

/// Relative spread of a sample: (p75 - p25) / median, a robust noise indicator.
func relativeSpread(_ values: [Double]) -> Double {
  guard values.count >= 4 else { return 0 }
  let sorted = values.sorted()
  let p25 = sorted[sorted.count / 4]
  let p75 = sorted[(sorted.count * 3) / 4]
  let mid = median(values)
  return mid > 0 ? (p75 - p25) / mid : 0
}
