// Where benchmark inputs live: modules built by Scripts/build-bench-modules.sh.

import Foundation

struct BenchmarkInputs {
  /// Large real modules for decode/validate (Benchmarks/work/modules/*.wasm).
  var modulesDirectory: String
  /// Compute kernels (Benchmarks/work/kernels/*.wasm), for execution benchmarks.
  var kernelsDirectory: String
  /// The kernels built natively (Benchmarks/work/native/NAME.so and NAME).
  var nativeDirectory: String

  /// Inputs next to this package, found from this source file's path so that the
  /// tool works from any current directory.
  static func defaultLocation() -> BenchmarkInputs {
    let sourceFile = URL(fileURLWithPath: #filePath)
    let packageRoot = sourceFile.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let work = packageRoot.appendingPathComponent("work")
    return BenchmarkInputs(
      modulesDirectory: work.appendingPathComponent("modules").path,
      kernelsDirectory: work.appendingPathComponent("kernels").path,
      nativeDirectory: work.appendingPathComponent("native").path)
  }

  /// The `.wasm` files of a directory, sorted by name; empty when it does not exist.
  static func wasmFiles(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".wasm") }.sorted().map { directory + "/" + $0 }
  }
}

/// Reads a whole file, or throws a failure naming it.
func readBytes(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw BenchmarkFailure("cannot read \(path)")
  }
  return [UInt8](data)
}

/// A file's name without directory and extension, used in benchmark names.
func baseName(_ path: String) -> String {
  let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
  return name
}
