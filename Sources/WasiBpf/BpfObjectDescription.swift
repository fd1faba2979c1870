// What a BPF object asks of the kernel, read from the ELF before anything is loaded:
// the input of policy decisions and of `wasmbpf-run inspect`.

import BpfSys

public struct BpfObjectDescription: Hashable, Sendable {
  public var name: String
  public var programs: [BpfProgramDescription]
  public var maps: [BpfMapDescription]

  public init(name: String, programs: [BpfProgramDescription], maps: [BpfMapDescription]) {
    self.name = name
    self.programs = programs
    self.maps = maps
  }
}

public struct BpfProgramDescription: Hashable, Sendable {
  /// The program's function name in the .bpf.c.
  public var name: String
  /// Its ELF section, e.g. "tracepoint/syscalls/sys_enter_execve".
  public var sectionName: String
  /// libbpf's name of the program type ("tracepoint", "xdp", ...).
  public var typeName: String
  public var instructionCount: Int
  /// Helper ids called (the `imm` of BPF_CALL with src_reg 0), sorted, unique.
  public var helperIDs: [Int32]
  /// Number of kfunc calls (BPF_CALL with src_reg BPF_PSEUDO_KFUNC_CALL).
  public var kfuncCallCount: Int

  public init(
    name: String, sectionName: String, typeName: String, instructionCount: Int,
    helperIDs: [Int32], kfuncCallCount: Int
  ) {
    self.name = name
    self.sectionName = sectionName
    self.typeName = typeName
    self.instructionCount = instructionCount
    self.helperIDs = helperIDs
    self.kfuncCallCount = kfuncCallCount
  }

  /// Helper names ("bpf_send_signal"), or "helper#N" for ids newer than our table.
  public var helperNames: [String] { helperIDs.map(bpfHelperName) }
}

public struct BpfMapDescription: Hashable, Sendable {
  public var name: String
  /// libbpf's name of the map type ("ringbuf", "hash", "percpu_array", ...).
  public var typeName: String
  public var keySize: UInt32
  public var valueSize: UInt32
  public var maxEntries: UInt32

  public init(
    name: String, typeName: String, keySize: UInt32, valueSize: UInt32, maxEntries: UInt32
  ) {
    self.name = name
    self.typeName = typeName
    self.keySize = keySize
    self.valueSize = valueSize
    self.maxEntries = maxEntries
  }
}

/// The name of helper `id`, as in the kernel's UAPI header.
public func bpfHelperName(_ id: Int32) -> String {
  if id >= 0, Int(id) < bpfHelperNames.count { return bpfHelperNames[Int(id)] }
  return "helper#\(id)"
}

/// The id of the helper named `name` ("bpf_send_signal" or "send_signal"), or of
/// "helper#N" (how `bpfHelperName` names a helper newer than our table).
public func bpfHelperID(named name: String) -> Int32? {
  if name.hasPrefix("helper#") { return Int32(name.dropFirst("helper#".count)) }
  let full = name.hasPrefix("bpf_") ? name : "bpf_" + name
  return bpfHelperNames.firstIndex(of: full).map { Int32($0) }
}

// BPF instruction encoding (linux/bpf.h): an 8-byte `struct bpf_insn`, code in the
// first byte, dst_reg/src_reg nibbles in the second, a 32-bit imm at bytes 4..<8.
private let bpfCallOpcode: UInt8 = 0x85  // BPF_JMP | BPF_CALL
private let pseudoCallSourceRegister: UInt8 = 1  // bpf-to-bpf call
private let pseudoKfuncSourceRegister: UInt8 = 2

extension BpfProgramDescription {
  init(program: OpaquePointer) {
    name = String(cString: bpf_program__name(program))
    sectionName = String(cString: bpf_program__section_name(program))
    let type = bpf_program__type(program)
    typeName = libbpf_bpf_prog_type_str(type).map { String(cString: $0) } ?? "type#\(type.rawValue)"
    let count = bpf_program__insn_cnt(program)
    instructionCount = count
    var helpers = Set<Int32>()
    var kfuncs = 0
    if let insns = bpf_program__insns(program), count > 0 {
      let raw = UnsafeRawPointer(insns)
      for index in 0..<count {
        let insn = raw + index * 8
        guard insn.load(as: UInt8.self) == bpfCallOpcode else { continue }
        let sourceRegister = insn.load(fromByteOffset: 1, as: UInt8.self) >> 4
        let imm = insn.loadUnaligned(fromByteOffset: 4, as: Int32.self)
        switch sourceRegister {
        case 0: helpers.insert(imm)
        case pseudoKfuncSourceRegister: kfuncs += 1
        default: break  // pseudoCallSourceRegister: a call inside the object
        }
      }
    }
    helperIDs = helpers.sorted()
    kfuncCallCount = kfuncs
  }
}

extension BpfMapDescription {
  init(map: OpaquePointer) {
    name = String(cString: bpf_map__name(map))
    let type = bpf_map__type(map)
    typeName = libbpf_bpf_map_type_str(type).map { String(cString: $0) } ?? "type#\(type.rawValue)"
    keySize = bpf_map__key_size(map)
    valueSize = bpf_map__value_size(map)
    maxEntries = bpf_map__max_entries(map)
  }
}
