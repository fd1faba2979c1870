// Finds the eBPF objects a wasm-bpf guest carries: ELF images with e_machine EM_BPF
// (247) inside the module's data segments. The image is found by its magic, and its
// extent is the furthest of its header, program and section header tables and
// section contents (ELF64, little-endian, as clang -target bpf writes on x86/arm64).
//
// wasm-ld lays data out as active segments at constant offsets; an object embedded
// with #embed may span segments when the linker splits them, so the active segments
// are joined into contiguous regions first (a gap of up to 64 KiB is filled with
// zeros, as memory would be; larger gaps start a new region, so a hostile module
// cannot make us allocate the 4 GiB its offsets may span).
//
// ELF64 header: https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html

import WasmCore

/// One ELF BPF object found in a module.
public struct EmbeddedBpfObject: Sendable, Hashable {
  /// Where it starts: the data segment and the offset in it.
  public var segmentIndex: Int
  public var segmentOffset: Int
  public var bytes: [UInt8]
}

/// The scanner: `EmbeddedBpfObjects.find(in: module)`.
public enum EmbeddedBpfObjects {
  static let elfMachineBPF: UInt16 = 247
  static let maximumGap = 1 << 16

  /// A contiguous stretch of initial memory (or a passive segment), with the segment
  /// each byte came from.
  struct Region {
    var bytes: [UInt8] = []
    /// (region offset, segment index, segment start) for each segment laid here.
    var segments: [(start: Int, index: Int)] = []

    func locate(_ offset: Int) -> (segment: Int, offset: Int) {
      let owner = segments.last { $0.start <= offset } ?? (0, 0)
      return (owner.index, offset - owner.start)
    }
  }

  /// Every BPF object in `module`'s data, in the order its memory would hold them.
  public static func find(in module: Module) -> [EmbeddedBpfObject] {
    var found: [EmbeddedBpfObject] = []
    for region in regions(of: module) {
      var index = 0
      let bytes = region.bytes
      while let start = nextMagic(in: bytes, from: index) {
        if let length = elfLength(bytes, at: start) {
          let (segment, offset) = region.locate(start)
          found.append(
            EmbeddedBpfObject(
              segmentIndex: segment, segmentOffset: offset,
              bytes: Array(bytes[start..<start + length])))
          index = start + length
        } else {
          index = start + 1
        }
      }
    }
    return found
  }

  static func regions(of module: Module) -> [Region] {
    var active: [(address: UInt64, index: Int, range: Range<Int>)] = []
    var regions: [Region] = []
    for (index, segment) in module.data.enumerated() {
      switch segment.mode {
      case .passive:
        regions.append(
          Region(bytes: Array(module.bytes[segment.range]), segments: [(0, index)]))
      case .active(_, let offset):
        if offset.instructions.count == 1, let address = constantAddress(offset.instructions[0]) {
          active.append((address, index, segment.range))
        } else {
          // An offset from an imported global: no known address; search it alone.
          regions.append(
            Region(bytes: Array(module.bytes[segment.range]), segments: [(0, index)]))
        }
      }
    }
    active.sort { $0.address < $1.address }
    var current: Region?
    // Zeros filled into gaps, in all: at most the module's own size.
    var fillBudget = module.bytes.count
    var currentEnd: UInt64 = 0
    var currentBase: UInt64 = 0
    for segment in active {
      let length = UInt64(segment.range.count)
      // An i64 offset (memory64) may sit at the top of the address space: the end
      // saturates instead of trapping (no memory reaches it; nothing joins it).
      let (end, pastTop) = segment.address.addingReportingOverflow(length)
      let segmentEnd = pastTop ? UInt64.max : end
      // Where the segment would start in the current region, and the zeros needed
      // before it: joined only when both are small (a hostile module's offsets may
      // span 2^64 bytes; the zeros filled in all stay below the module's own size).
      let offset = segment.address - currentBase
      if var region = current,
        segment.address <= currentEnd || segment.address - currentEnd <= UInt64(maximumGap),
        offset <= UInt64(region.bytes.count + maximumGap),
        case let position = Int(offset), max(position - region.bytes.count, 0) <= fillBudget
      {
        if position > region.bytes.count {
          fillBudget -= position - region.bytes.count
          region.bytes.append(contentsOf: repeatElement(0, count: position - region.bytes.count))
        }
        // Later segments overwrite earlier ones, as instantiation does.
        let end = position + segment.range.count
        if end > region.bytes.count {
          region.bytes.append(contentsOf: repeatElement(0, count: end - region.bytes.count))
        }
        region.bytes.replaceSubrange(position..<end, with: module.bytes[segment.range])
        region.segments.append((position, segment.index))
        current = region
        currentEnd = max(currentEnd, segmentEnd)
      } else {
        if let region = current { regions.append(region) }
        current = Region(bytes: Array(module.bytes[segment.range]), segments: [(0, segment.index)])
        currentBase = segment.address
        currentEnd = segmentEnd
      }
    }
    if let region = current { regions.append(region) }
    return regions
  }

  private static func constantAddress(_ instruction: ConstInstruction) -> UInt64? {
    switch instruction {
    case .i32Const(let value): return UInt64(UInt32(bitPattern: value))
    case .i64Const(let value): return UInt64(bitPattern: value)
    default: return nil
    }
  }

  private static func nextMagic(in bytes: [UInt8], from start: Int) -> Int? {
    guard bytes.count >= 4 else { return nil }
    var index = start
    while index + 4 <= bytes.count {
      if bytes[index] == 0x7F, bytes[index + 1] == 0x45, bytes[index + 2] == 0x4C,
        bytes[index + 3] == 0x46
      {
        return index
      }
      index += 1
    }
    return nil
  }

  /// The length of the ELF64 little-endian BPF image at `start`, or nil when it is
  /// not one or its tables do not fit in `bytes`.
  package static func elfLength(_ bytes: [UInt8], at start: Int) -> Int? {
    let available = bytes.count - start
    guard available >= 64 else { return nil }
    func u16(_ offset: Int) -> UInt64 {
      UInt64(bytes[start + offset]) | UInt64(bytes[start + offset + 1]) << 8
    }
    func u32(_ offset: Int) -> UInt64 { u16(offset) | u16(offset + 2) << 16 }
    func u64(_ offset: Int) -> UInt64 { u32(offset) | u32(offset + 4) << 32 }
    // ELFCLASS64, ELFDATA2LSB, EV_CURRENT, e_machine EM_BPF.
    guard bytes[start + 4] == 2, bytes[start + 5] == 1, bytes[start + 6] == 1,
      u16(18) == UInt64(elfMachineBPF)
    else { return nil }
    let limit = UInt64(available)
    var end: UInt64 = 64
    func extend(_ offset: UInt64, _ size: UInt64) -> Bool {
      let (sum, overflow) = offset.addingReportingOverflow(size)
      guard !overflow, sum <= limit else { return false }
      end = max(end, sum)
      return true
    }
    let programHeaders = u64(32)
    let programHeaderSize = u16(54)
    let programHeaderCount = u16(56)
    if programHeaderCount > 0 {
      guard extend(programHeaders, programHeaderSize * programHeaderCount) else { return nil }
    }
    let sectionHeaders = u64(40)
    let sectionHeaderSize = u16(58)
    let sectionHeaderCount = u16(60)
    guard sectionHeaderSize >= 64, sectionHeaderCount > 0,
      extend(sectionHeaders, sectionHeaderSize * sectionHeaderCount)
    else { return nil }
    for index in 0..<sectionHeaderCount {
      let header = Int(sectionHeaders + index * sectionHeaderSize)
      let type = u32(header + 4)
      let offset = u64(header + 24)
      let size = u64(header + 32)
      if type == 8 { continue }  // SHT_NOBITS occupies no file space
      guard extend(offset, size) else { return nil }
    }
    return Int(end)
  }
}
