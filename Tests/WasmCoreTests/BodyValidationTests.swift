import Testing

@testable import WasmCore

/// Validation of every body of a module large enough to be spread over threads
/// (`FunctionValidator.parallelThreshold`): the same verdict and the same error as
/// validating the bodies one by one, in order.
@Suite struct BodyValidationTests: ModuleBuilding {
  /// Bodies in the test modules, each `bodySize` bytes of code: together well above
  /// the threshold, in many chunks.
  static let bodyCount = 600
  static let bodySize = 700

  /// A valid body: pushes and drops constants (5-byte padded `i32.const`s, as
  /// linkers write relocated addresses), `nop`s up to the size, then `end`.
  func validCode() -> [UInt8] {
    var code: [UInt8] = []
    while code.count + 7 < Self.bodySize - 1 {
      code += [0x41, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A]  // i32.const 0 (5 bytes); drop
    }
    while code.count < Self.bodySize - 1 { code.append(0x01) }
    return code + [0x0B]
  }

  /// An invalid body of the same size: the `i32.const` of group `group` (7 bytes
  /// each) becomes an `i32.add`, which finds no operands (so each invalid body
  /// fails at an offset of its own).
  func invalidCode(group: Int) -> [UInt8] {
    var code = validCode()
    code[group * 7] = 0x6A
    return code
  }

  /// A module of `bodyCount` functions of type `() -> ()`; `invalid` maps body
  /// indices to the group of their bad instruction.
  func largeModule(invalid: [Int: Int]) -> [UInt8] {
    let bodies = (0..<Self.bodyCount).map { index in
      body(invalid[index].map { invalidCode(group: $0) } ?? validCode())
    }
    return module(
      section(1, vector([[0x60, 0x00, 0x00]])),
      section(3, vector(Array(repeating: [0x00], count: Self.bodyCount))),
      section(10, vector(bodies)))
  }

  /// The error of the first invalid body, found one body at a time.
  func sequentialError(_ module: Module) throws -> WasmError? {
    let context = try ModuleValidator.validate(module)
    for index in module.codes.indices {
      do {
        try FunctionValidator.validate(functionIndex: index, in: module, context: context)
      } catch {
        return error
      }
    }
    return nil
  }

  func wholeModuleError(_ module: Module) -> WasmError? {
    do {
      try validateModule(module)
      return nil
    } catch {
      return error
    }
  }

  @Test func largeModulesAreSpreadOverThreads() throws {
    let module = try decodeModule(largeModule(invalid: [:]))
    #expect(module.codes.count == Self.bodyCount)
    let workers = FunctionValidator.workerCount(for: module)
    // One worker on a one-CPU machine; the check below still compares verdicts.
    if sysconfOnline() > 1 { #expect(workers > 1) }
    #expect(wholeModuleError(module) == nil)
  }

  @Test(arguments: [
    [599: 40],
    [0: 10, 599: 40],
    [17: 98, 18: 3, 400: 7],
    [350: 20, 351: 21, 352: 22, 100: 90],
    [31: 5, 32: 6, 47: 8, 48: 9, 63: 1],
  ])
  func theLowestInvalidBodyIsReported(invalid: [Int: Int]) throws {
    let module = try decodeModule(largeModule(invalid: invalid))
    let expected = try #require(try sequentialError(module))
    let lowest = try #require(invalid.keys.min())
    #expect(expected.offset == module.codes[lowest].code.lowerBound + invalid[lowest]! * 7)
    // Repeated: which worker finds what first varies from run to run.
    for _ in 0..<20 {
      #expect(wholeModuleError(module) == expected)
    }
  }

  /// The last body of every chunk of the second half is invalid, late in its code:
  /// by then every worker is running (a thread takes a while to start), and each
  /// fails at about the same time. Each keeps its error to itself until it is
  /// joined; a shared list behind Synchronization's `Mutex` was reported as a race by
  /// ThreadSanitizer (`Scripts/sanitize.sh thread`), which does not see that lock.
  @Test func workersFailingAtOnceReportTheLowestBody() throws {
    let chunk = FunctionValidator.chunkSize
    let invalid = Dictionary(
      uniqueKeysWithValues: stride(from: Self.bodyCount / 2 + chunk - 1, to: Self.bodyCount, by: chunk).map { ($0, 90) })
    let module = try decodeModule(largeModule(invalid: invalid))
    let expected = try #require(try sequentialError(module))
    let lowest = try #require(invalid.keys.min())
    #expect(expected.offset == module.codes[lowest].code.lowerBound + 90 * 7)
    for _ in 0..<50 {
      #expect(wholeModuleError(module) == expected)
    }
  }

  @Test func smallModulesStayOnOneThread() throws {
    let small = module(
      section(1, vector([[0x60, 0x00, 0x00]])),
      section(3, vector([[0x00]])),
      section(10, vector([body([0x0B])])))
    #expect(FunctionValidator.workerCount(for: try decodeModule(small)) == 1)
  }

  func sysconfOnline() -> Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
  }
}

#if canImport(Glibc)
  import Glibc
#endif
