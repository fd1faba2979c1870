// wasmbpf-fuzz: the fuzz harnesses (Sources/FuzzHarnesses) as one program.
//
// Built by Scripts/fuzz.sh with `-sanitize=fuzzer,address -D WASMBPF_LIBFUZZER`, it
// is a libFuzzer binary: WASMBPF_FUZZ_HARNESS names the harness, and
// WASMBPF_FUZZ_SEEDS=DIR makes it write that harness's seed corpus to DIR and exit
// (WASMBPF_FUZZ_MAX_LEN=1: print its longest input for -max_len and exit).
// Built plainly (`swift build`), it replays inputs without libFuzzer:
//
//   wasmbpf-fuzz list
//   wasmbpf-fuzz seeds HARNESS DIR
//   wasmbpf-fuzz replay HARNESS [--seeds] FILE...   (--seeds: the seed corpus too)
//
// Replay exits with 1 when an input breaks an invariant; a crash is a crash.

import FuzzHarnesses
import Glibc

func writeSeeds(_ harness: FuzzHarness, to directory: String) -> Int32 {
  mkdir(directory, 0o755)
  var count = 0
  for seed in harness.seeds() {
    let name = seed.name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
    let path = directory + "/seed-" + String(name)
    guard let file = fopen(path, "wb") else { continue }
    _ = seed.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
    count += 1
  }
  print("\(harness.name): \(count) seeds in \(directory)")
  return 0
}

/// Writes to standard error (the C `stderr` global is not concurrency-safe in Swift 6).
func writeError(_ text: String) {
  var text = text
  text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func readAll(_ path: String) -> [UInt8]? {
  guard let file = fopen(path, "rb") else { return nil }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while case let n = fread(&chunk, 1, chunk.count, file), n > 0 { bytes += chunk[0..<n] }
  return bytes
}

#if WASMBPF_LIBFUZZER
  import FuzzerDriver

  nonisolated(unsafe) var selected: FuzzHarness?

  /// The program's entry (SwiftPM points `main` here): libFuzzer's driver, which
  /// calls `LLVMFuzzerInitialize` and then `testOneInput` for each input.
  @_cdecl("wasmbpf_fuzz_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
      testOneInput(data, size)
    }
  }

  @_cdecl("LLVMFuzzerInitialize")
  public func initialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
  ) -> CInt {
    let name = getenv("WASMBPF_FUZZ_HARNESS").map { String(cString: $0) } ?? ""
    guard let harness = FuzzHarness.named(name) else {
      let names = FuzzHarness.all.map(\.name).joined(separator: ", ")
      writeError("wasmbpf-fuzz: set WASMBPF_FUZZ_HARNESS to one of: \(names)\n")
      exit(2)
    }
    if let directory = getenv("WASMBPF_FUZZ_SEEDS") {
      exit(writeSeeds(harness, to: String(cString: directory)))
    }
    if getenv("WASMBPF_FUZZ_MAX_LEN") != nil {
      print(harness.maxLength)
      exit(0)
    }
    selected = harness
    return 0
  }

  @_cdecl("LLVMFuzzerTestOneInput")
  public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
      try selected!.run(bytes)
    } catch {
      writeError("wasmbpf-fuzz: \(selected!.name): finding: \(error)\n")
      abort()
    }
    return 0
  }
#else
  @main struct Replay {
    static func main() {
      let arguments = Array(CommandLine.arguments.dropFirst())
      let usage = "usage: wasmbpf-fuzz list | seeds HARNESS DIR | replay HARNESS [--seeds] FILE..."
      guard let command = arguments.first else {
        print(usage)
        exit(2)
      }
      if command == "list" {
        for harness in FuzzHarness.all { print("\(harness.name)\t\(harness.summary)") }
        exit(0)
      }
      guard arguments.count >= 3, let harness = FuzzHarness.named(arguments[1]) else {
        print(usage)
        exit(2)
      }
      switch command {
      case "seeds": exit(writeSeeds(harness, to: arguments[2]))
      case "replay":
        var inputs: [(name: String, bytes: [UInt8])] = []
        for argument in arguments.dropFirst(2) {
          if argument == "--seeds" {
            inputs += harness.seeds().map { ("seed \($0.name)", $0.bytes) }
            continue
          }
          guard let bytes = readAll(argument) else {
            print("\(argument): cannot read")
            exit(1)
          }
          inputs.append((argument, bytes))
        }
        var findings = 0
        for input in inputs {
          do {
            try harness.run(input.bytes)
          } catch {
            print("\(input.name): finding: \(error)")
            findings += 1
          }
        }
        print("\(harness.name): \(inputs.count) inputs, \(findings) findings")
        exit(findings == 0 ? 0 : 1)
      default:
        print(usage)
        exit(2)
      }
    }
  }
#endif
