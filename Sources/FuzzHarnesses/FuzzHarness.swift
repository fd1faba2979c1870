// The fuzz harnesses, one per attack surface, in one table: the libFuzzer binary
// (`wasmbpf-fuzz`, Scripts/fuzz.sh), the seed corpora and the regression tests that
// replay saved findings (Tests/FuzzHarnessesTests) all read it. See Fuzz/README.md.

/// What a harness found that is not a crash: a broken invariant (a leaked fd, a file
/// touched outside the sandbox, a proposal that does not read back...). Crashes,
/// traps and sanitizer reports end the process instead.
package struct FuzzFinding: Error, CustomStringConvertible {
  package var message: String
  package init(_ message: String) { self.message = message }
  package var description: String { message }
}

/// One attack surface.
package struct FuzzHarness: Sendable {
  /// The name the script, the binary and the findings folder use.
  package let name: String
  package let summary: String
  /// Runs one input; throws a finding when an invariant breaks.
  package let run: @Sendable ([UInt8]) throws(FuzzFinding) -> Void
  /// The seed corpus, built from the fixtures (empty when they are not built).
  package let seeds: @Sendable () -> [(name: String, bytes: [UInt8])]
  /// libFuzzer's longest input for this surface.
  package let maxLength: Int
}

extension FuzzHarness {
  /// Every harness.
  package static let all: [FuzzHarness] = [
    .decode, .text, .policy, .bpfObject, .bpfABI, .wasi, .interpreter,
  ]

  package static func named(_ name: String) -> FuzzHarness? { all.first { $0.name == name } }
}
