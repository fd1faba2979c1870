// Linear memories and stacks as mappings (Storage.swift): growth keeps the bytes,
// adds zeroed pages, stops at the maximum, and stores come and go without
// keeping their mappings.

import Foundation
import Testing
import WasmCore
import WasmInterp

@Test func growthKeepsTheBytesAndAddsZeroedPages() throws {
  let store = Store()
  let memory = try store.memory(MemoryType(limits: Limits(min: 1, max: 5)))
  try memory.write([1, 2, 3], at: 65533)
  let before = memory.withView { $0.unsafeBuffer.baseAddress }
  #expect(memory.grow(by: 2) == 1)
  #expect(memory.pageCount == 3)
  #expect(try memory.read(at: 65533, count: 3) == [1, 2, 3])
  let grown = try memory.read(at: 65536, count: 2 * 65536)
  #expect(grown.allSatisfy { $0 == 0 })
  try memory.write([9], at: 3 * 65536 - 1)
  #if os(Linux)
    // Reserved up to the maximum: growth never moves the memory.
    #expect(memory.withView { $0.unsafeBuffer.baseAddress } == before)
  #endif
  #expect(memory.grow(by: 3) == nil)
  #expect(memory.grow(by: 2) == 3)
  #expect(memory.grow(by: 0) == 5)
  #expect(try memory.read(at: 3 * 65536 - 1, count: 1) == [9])
  #expect(throws: MemoryAccessError.self) { try memory.read(at: 5 * 65536, count: 1) }
}

@Test func aMemoryWithoutMaximumStartsEmptyAndGrows() throws {
  let store = Store()
  let memory = try store.memory(MemoryType(limits: Limits(min: 0)))
  #expect(memory.byteCount == 0)
  #expect(throws: MemoryAccessError.self) { try memory.read(at: 0, count: 1) }
  #expect(memory.grow(by: 1) == 0)
  #expect(try memory.read(at: 0, count: 65536).allSatisfy { $0 == 0 })
}

#if os(Linux)
  /// The process's virtual size in kB (`VmSize` in /proc/self/status).
  func virtualKilobytes() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmSize:") })
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    return try #require(fields.count > 1 ? Int(fields[1]) : nil)
  }

  @Test func storesComeAndGoWithoutKeepingTheirMappings() throws {
    // Each store reserves 4 GiB of address space for its memory and maps its two
    // stacks (~19 MB); a store that kept them would add that much per round.
    var b = ModuleBuilder()
    b.memory = (1, nil)
    let t = b.type([i32T], [i32T])
    // grow(n): memory.grow n
    b.function(t, export: "grow", localGet(0) + [0x40, 0x00])
    func round() throws {
      let instance = try instantiate(b)
      let grow = try #require(instance.function("grow"))
      #expect(try grow.call(.i32(16)) == [.i32(1)])
    }
    try round()
    let before = try virtualKilobytes()
    for _ in 0..<50 { try round() }
    // Other threads (the test runner's) may map a little meanwhile: allow 1 GiB.
    #expect(try virtualKilobytes() < before + (1 << 20))
  }
#endif
