// The search for the BPF objects a wasm-bpf guest embeds in its data segments.

import Testing
import WasmCore

@testable import WasiBpf

/// A module whose memory is initialised with `segments` (address, bytes) by active
/// data segments, plus passive ones.
func moduleWithData(active: [(UInt32, [UInt8])], passive: [[UInt8]] = []) throws -> Module {
  func leb(_ value: UInt32) -> [UInt8] {
    var v = value
    var out: [UInt8] = []
    repeat {
      var byte = UInt8(v & 0x7F)
      v >>= 7
      if v != 0 { byte |= 0x80 }
      out.append(byte)
    } while v != 0
    return out
  }
  func sleb(_ value: Int32) -> [UInt8] {
    var v = value
    var out: [UInt8] = []
    while true {
      let byte = UInt8(v & 0x7F)
      v >>= 7
      if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
        out.append(byte)
        return out
      }
      out.append(byte | 0x80)
    }
  }
  var body: [UInt8] = leb(UInt32(active.count + passive.count))
  for (address, bytes) in active {
    body +=
      [0, 0x41] + sleb(Int32(bitPattern: address)) + [0x0B] + leb(UInt32(bytes.count)) + bytes
  }
  for bytes in passive { body += [1] + leb(UInt32(bytes.count)) + bytes }
  let memory: [UInt8] = [5, 3, 1, 0, 64]
  let count: [UInt8] = [12] + leb(1) + leb(UInt32(active.count + passive.count))
  let data: [UInt8] = [11] + leb(UInt32(body.count)) + body
  return try decodeModule([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0] + memory + count + data)
}

/// A minimal ELF64 little-endian BPF header with one section header table of
/// `sections` 64-byte entries right after it, plus `payload` bytes after that.
func fakeBpfElf(sections: Int = 1, machine: UInt16 = 247) -> [UInt8] {
  var header = [UInt8](repeating: 0, count: 64)
  header[0...6] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]
  header[18] = UInt8(machine & 0xFF)
  header[19] = UInt8(machine >> 8)
  header[40] = 64  // e_shoff
  header[58] = 64  // e_shentsize
  header[60] = UInt8(sections)
  return header + [UInt8](repeating: 0, count: 64 * sections)
}

@Suite struct EmbeddedBpfObjectTests {
  @Test func findsAnObjectAndItsExtent() throws {
    let elf = fakeBpfElf(sections: 2)
    let module = try moduleWithData(active: [(1024, [1, 2, 3] + elf + [9, 9])])
    let found = EmbeddedBpfObjects.find(in: module)
    #expect(found.count == 1)
    #expect(found.first?.bytes == elf)
    #expect(found.first?.segmentIndex == 0)
    #expect(found.first?.segmentOffset == 3)
  }

  @Test func joinsAnObjectSplitAcrossSegments() throws {
    let elf = fakeBpfElf(sections: 3)
    // The linker dropped a run of zeros in the middle: two segments, a gap.
    let first = Array(elf[0..<100])
    let second = Array(elf[120...])
    #expect(elf[100..<120].allSatisfy { $0 == 0 })
    let module = try moduleWithData(active: [(4096 + 120, second), (4096, first)])
    let found = EmbeddedBpfObjects.find(in: module)
    #expect(found.map(\.bytes) == [elf])
  }

  @Test func ignoresOtherMachinesTruncatedImagesAndFarSegments() throws {
    let x86 = fakeBpfElf(machine: 62)
    let truncated = Array(fakeBpfElf(sections: 4).prefix(100))
    let module = try moduleWithData(
      active: [(0, x86), (1 << 20, truncated), (0x7FFF_0000, [0x7F, 0x45])],
      passive: [fakeBpfElf()])
    let found = EmbeddedBpfObjects.find(in: module)
    #expect(found.count == 1, "only the passive segment's image")
    #expect(found.first?.segmentIndex == 3)
    // Far-apart segments are separate regions: nothing near 2 GiB was allocated.
    #expect(EmbeddedBpfObjects.regions(of: module).map(\.bytes.count).max() ?? 0 < 1 << 20)
  }

  @Test func findsTheObjectOfARealGuest() throws {
    let module = try decodeModule(try fixtureBytes("bpf/guests/execsnoop.wasm"))
    let found = EmbeddedBpfObjects.find(in: module)
    let object = try fixtureBytes("bpf/guests/execsnoop.bpf.o")
    #expect(found.map(\.bytes) == [object])
  }
}
