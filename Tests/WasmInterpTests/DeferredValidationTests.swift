import Testing
import WasmCore
import WasmInterp

/// Three exported functions () -> i32: "good" returns 7; "bad" is `i32.add` on an
/// empty stack (a type mismatch); "callsBad" calls "bad".
private let moduleWithOneInvalidBody: [UInt8] = [
  0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03,
  0x04, 0x03, 0x00, 0x00, 0x00, 0x07, 0x19, 0x03, 0x04, 0x67, 0x6F, 0x6F, 0x64, 0x00, 0x00, 0x03,
  0x62, 0x61, 0x64, 0x00, 0x01, 0x08, 0x63, 0x61, 0x6C, 0x6C, 0x73, 0x42, 0x61, 0x64, 0x00, 0x02,
  0x0A, 0x0F, 0x03, 0x04, 0x00, 0x41, 0x07, 0x0B, 0x03, 0x00, 0x6A, 0x0B, 0x04, 0x00, 0x10, 0x01,
  0x0B,
]

@Suite struct DeferredValidationTests {
  @Test func eagerValidationRejectsTheModule() {
    #expect(throws: WasmError.self) { try ValidatedModule(bytes: moduleWithOneInvalidBody) }
    #expect(throws: WasmError.self) {
      try ValidatedModule(bytes: moduleWithOneInvalidBody, deferringBodyValidation: false)
    }
  }

  @Test(arguments: [true, false])
  func deferredValidationChecksABodyBeforeItsFirstRun(lazyTranslation: Bool) throws {
    let module = try ValidatedModule(bytes: moduleWithOneInvalidBody, deferringBodyValidation: true)
    var configuration = InterpreterConfiguration()
    configuration.lazyTranslation = lazyTranslation
    let store = Store(configuration: configuration)
    if !lazyTranslation {
      // Eager translation validates every body while instantiating.
      let error = try #require(throws: InstantiationError.self) {
        try Linker().instantiate(module, in: store)
      }
      #expect("\(error)".contains("type mismatch"))
      return
    }
    let instance = try Linker().instantiate(module, in: store)
    #expect(try instance.function("good")!.call() == [.i32(7)])
    let trap = try #require(throws: Trap.self) { try instance.function("bad")!.call() }
    #expect(trap.kind == .invalidFunctionBody)
    #expect(trap.detail?.contains("function 1") == true)
    #expect(trap.detail?.contains("type mismatch") == true)
    // Still refused on a second call: the body is never translated.
    #expect(throws: Trap.self) { try instance.function("bad")!.call() }
  }

  @Test func aGuestCallToAnInvalidBodyTrapsWithTheValidationError() throws {
    let module = try ValidatedModule(bytes: moduleWithOneInvalidBody, deferringBodyValidation: true)
    let instance = try Linker().instantiate(module, in: Store(configuration: InterpreterConfiguration()))
    let trap = try #require(throws: Trap.self) { try instance.function("callsBad")!.call() }
    #expect(trap.kind == .invalidFunctionBody)
    #expect(trap.detail?.contains("type mismatch") == true)
    #expect(trap.backtrace.first?.functionIndex == 2)
    #expect("\(trap)".hasPrefix("wasm trap: invalid function body: function 1: "))
    // The caller still runs after the failure; the store is usable.
    #expect(try instance.function("good")!.call() == [.i32(7)])
  }
}
