// BPF object inspection and policy admission on arbitrary ELF bytes: what
// `wasmbpf-run inspect` and `admitLoad` read (programs, helper calls, maps, sizes).
//
// Invariants beyond "no crash": the enforcer gives back everything it counted; the
// policy `inspect --policy` proposes for the object reads back as a policy file and
// admits the object (unless no policy may: a size past 2^64, a program of no known
// kind); the object, embedded in a module's data segment, is found there whole.

import WasiBpf
import WasmCore

extension FuzzHarness {
  static let bpfObject = FuzzHarness(
    name: "bpf-object",
    summary: "libbpf open + describe, admitLoad, inspect's proposal and ELF extent",
    run: { bytes throws(FuzzFinding) in
      _ = quietLibbpf
      try checkEmbedding(bytes)
      guard !bytes.isEmpty,
        let object = try? bytes.withUnsafeBytes({ raw throws(BpfError) in
          try BpfObject(elf: raw, name: "fuzz.wasm#1")
        })
      else { return }
      let description = object.describe()
      for preset in [BpfPolicy(), .observe, .unrestricted] {
        try exercise(preset, on: [description])
      }
      try checkProposal(for: description)
    },
    seeds: { FixtureObjects.elves.map { ($0.name, $0.bytes) } },
    maxLength: 65536)
}

/// The proposal for `object` reads back and grants what it declares.
private func checkProposal(for object: BpfObjectDescription) throws(FuzzFinding) {
  let text = BpfPolicy.proposedFile(
    moduleName: "fuzz \"quoted\" \\ name.wasm", objects: [object], possibleCPUs: bpfPossibleCPUs)
  let policy: BpfPolicy
  do {
    policy = try BpfPolicy(fileContents: text, name: "proposal")
  } catch {
    throw FuzzFinding("the proposed policy does not read back: \(error)\n\(text)")
  }
  let grantable =
    object.programs.allSatisfy { BpfProgramKind(sectionName: $0.sectionName) != .other }
    && object.maps.allSatisfy { $0.estimatedBytes(possibleCPUs: bpfPossibleCPUs) != nil }
  let enforcer = BpfPolicyEnforcer(policy: policy, module: "fuzz", possibleCPUs: bpfPossibleCPUs)
  do {
    try enforcer.admitLoad(of: object)
  } catch {
    guard !grantable else { throw FuzzFinding("the proposal refuses its own object: \(error)") }
    return
  }
  for program in object.programs {
    // What the proposal grants: automatic attach by section, XDP on any interface,
    // cgroup programs on any cgroup.
    let target: BpfAttachTarget
    switch BpfProgramKind(sectionName: program.sectionName) {
    case .xdp: target = .interface("lo")
    case .sockops, .cgroup: target = .cgroupPath("/sys/fs/cgroup")
    default: target = .automatic
    }
    do {
      try enforcer.admitAttach(of: program, objectName: object.name, to: target)
    } catch {
      throw FuzzFinding("the proposal refuses its own attach point: \(error)")
    }
  }
  for map in object.maps where !map.name.contains(".") {
    do {
      try enforcer.admitMapOperation(.lookup, map: map.name)
    } catch {
      throw FuzzFinding("the proposal refuses to read its own map: \(error)")
    }
  }
}

/// `inspect` finds an ELF image inside a module's data: it must find exactly the
/// extent `elfLength` gives.
private func checkEmbedding(_ elf: [UInt8]) throws(FuzzFinding) {
  let module: Module
  do {
    module = try decodeModule(moduleWithData(elf))
  } catch {
    throw FuzzFinding("a module made of one data segment does not decode: \(error)")
  }
  let found = EmbeddedBpfObjects.find(in: module)
  guard elf.starts(with: [0x7F, 0x45, 0x4C, 0x46]),
    let length = EmbeddedBpfObjects.elfLength(elf, at: 0)
  else { return }
  guard let first = found.first, first.segmentOffset == 0, first.bytes == Array(elf[0..<length])
  else {
    throw FuzzFinding(
      "an ELF of \(length) bytes at offset 0 was not found whole: \(found.map(\.bytes.count))")
  }
}

/// A module with one memory and one active data segment at address 0 holding `data`.
func moduleWithData(_ data: [UInt8]) -> [UInt8] {
  func leb(_ value: Int) -> [UInt8] {
    var value = UInt64(value)
    var out: [UInt8] = []
    repeat {
      var byte = UInt8(value & 0x7F)
      value >>= 7
      if value != 0 { byte |= 0x80 }
      out.append(byte)
    } while value != 0
    return out
  }
  func section(_ id: UInt8, _ body: [UInt8]) -> [UInt8] { [id] + leb(body.count) + body }
  let pages = (data.count + 65535) / 65536 + 1
  let memory: [UInt8] = [1, 0] + leb(pages)  // one memory, min only
  let segment: [UInt8] = [0, 0x41, 0, 0x0B] + leb(data.count) + data  // i32.const 0
  return [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0] + section(5, memory) + section(11, [1] + segment)
}
