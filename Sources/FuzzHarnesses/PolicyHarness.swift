// The policy file reader on arbitrary text: a policy or a BpfPolicyFileError with a
// line inside the text. A policy that reads is then applied to every fixture object
// (load, attach, map operations, release), whose counts must come back to zero.

import WasiBpf

extension FuzzHarness {
  static let policy = FuzzHarness(
    name: "policy", summary: "BpfPolicy(fileContents:) and the enforcer under the policy read",
    run: { bytes throws(FuzzFinding) in
      let text = String(decoding: bytes, as: UTF8.self)
      let policy: BpfPolicy
      do throws(BpfPolicyFileError) {
        policy = try BpfPolicy(fileContents: text, name: "fuzz")
      } catch {
        let lines = text.utf8.count { $0 == UInt8(ascii: "\n") } + 1
        guard error.line >= 1, error.line <= lines else {
          throw FuzzFinding("error on line \(error.line) of a \(lines)-line text: \(error)")
        }
        return
      }
      try exercise(policy, on: FixtureObjects.descriptions)
    },
    seeds: {
      var seeds: [(name: String, bytes: [UInt8])] = []
      for (index, object) in FixtureObjects.descriptions.enumerated() {
        let text = BpfPolicy.proposedFile(
          moduleName: object.name, objects: [object], possibleCPUs: bpfPossibleCPUs)
        seeds.append(("proposal-\(index)-\(object.name).toml", Array(text.utf8)))
      }
      for preset in ["deny-all", "observe", "unrestricted"] {
        seeds.append(("extends-\(preset).toml", Array("extends = \"\(preset)\"\n".utf8)))
      }
      seeds += FuzzFiles.seeds(FuzzFiles.root + "/Fuzz/Seeds/policy", suffix: ".toml")
      return seeds
    },
    maxLength: 8192)
}

/// Applies `policy` to `objects` the way a guest's requests would, then gives
/// everything back: the enforcer must count to zero again.
func exercise(_ policy: BpfPolicy, on objects: [BpfObjectDescription]) throws(FuzzFinding) {
  let enforcer = BpfPolicyEnforcer(policy: policy, module: "fuzz", possibleCPUs: bpfPossibleCPUs)
  var admitted: [BpfObjectDescription] = []
  var links = 0
  for object in objects {
    guard (try? enforcer.admitLoad(of: object)) != nil else { continue }
    admitted.append(object)
    for program in object.programs {
      for target in [BpfAttachTarget.automatic, .interface("lo"), .cgroupPath("/sys/fs/cgroup")] {
        if (try? enforcer.admitAttach(of: program, objectName: object.name, to: target)) != nil {
          links += 1
        }
      }
    }
    for map in object.maps {
      for operation in [BpfMapOperation.lookup, .update, .delete, .nextKey, .poll] {
        _ = try? enforcer.admitMapOperation(operation, map: map.name)
      }
    }
  }
  for _ in 0..<links { enforcer.releasedLink() }
  for object in admitted { enforcer.released(object: object) }
  guard enforcer.objectCount == 0, enforcer.programCount == 0, enforcer.linkCount == 0,
    enforcer.mapBytes == 0
  else {
    throw FuzzFinding(
      "enforcer counts after release: objects \(enforcer.objectCount), programs "
        + "\(enforcer.programCount), links \(enforcer.linkCount), map bytes \(enforcer.mapBytes)")
  }
}
