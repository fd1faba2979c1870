// Applies a `BpfPolicy` to one guest instance: keeps the instance's usage (objects,
// programs, links, map memory) and turns each refusal into an audit record for the
// embedder's logger and an errno for the guest.

import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One policy decision, for the embedder's logger (the CLI prints denials to stderr).
public struct BpfAuditRecord: Hashable, Sendable, CustomStringConvertible {
  public enum Decision: String, Hashable, Sendable {
    case allowed
    case denied
  }
  public var decision: Decision
  /// The Wasm module the request came from.
  public var module: String
  /// "load", "attach", "map lookup", ...
  public var action: String
  /// What was asked for: "object 'x'", "program 'p' of 'x'", "map 'm'".
  public var subject: String
  /// The policy field that decided: "programKinds", "helpers", "limits.links", ...
  public var rule: String
  public var policy: String
  public var message: String

  public var description: String {
    "wasmbpf policy '\(policy)': \(decision.rawValue) \(action) of \(subject) "
      + "from \(module): \(message) [rule \(rule)]"
  }
}

/// A refusal: the record, and the errno the guest gets (EPERM, or E2BIG for limits).
public struct BpfPolicyDenial: Error, Hashable, Sendable, CustomStringConvertible {
  public var record: BpfAuditRecord
  public var errno: Int32
  public var description: String { record.description }
}

public enum BpfMapOperation: String, Hashable, Sendable {
  case lookup
  case update
  case delete
  case nextKey = "get next key"
  /// Receiving a ring or perf buffer's records: a read.
  case poll
  var writes: Bool { self == .update || self == .delete }
}

public final class BpfPolicyEnforcer {
  public let policy: BpfPolicy
  public let module: String
  /// Receives every denial, and every allowed load/attach when `logsAllowed` is set.
  public var logger: ((BpfAuditRecord) -> Void)?
  public var logsAllowed = false

  public private(set) var objectCount = 0
  public private(set) var programCount = 0
  public private(set) var linkCount = 0
  public private(set) var mapBytes: UInt64 = 0
  private let possibleCPUs: Int
  private let denials = Atomic<UInt64>(0)

  /// Requests refused so far; any thread may read it.
  public var denialCount: UInt64 { denials.load(ordering: .relaxed) }

  public init(policy: BpfPolicy, module: String, possibleCPUs: Int) {
    self.policy = policy
    self.module = module
    self.possibleCPUs = possibleCPUs
  }

  private func record(
    _ decision: BpfAuditRecord.Decision, _ action: String, _ subject: String, rule: String,
    _ message: String
  ) -> BpfAuditRecord {
    BpfAuditRecord(
      decision: decision, module: module, action: action, subject: subject, rule: rule,
      policy: policy.name, message: message)
  }

  private func deny(
    _ action: String, _ subject: String, rule: String, _ message: String, errno: Int32 = EPERM
  ) -> BpfPolicyDenial {
    let r = record(.denied, action, subject, rule: rule, message)
    denials.add(1, ordering: .relaxed)
    logger?(r)
    return BpfPolicyDenial(record: r, errno: errno)
  }

  private func allowed(_ action: String, _ subject: String) {
    guard logsAllowed else { return }
    logger?(record(.allowed, action, subject, rule: "-", "allowed"))
  }

  /// Decides whether `object` may be loaded, from what its ELF declares; on success
  /// counts it against the limits (give it back with `released(object:)`).
  public func admitLoad(of object: BpfObjectDescription) throws(BpfPolicyDenial) {
    let subject = "object '\(object.name)'"
    func refuse(_ rule: String, _ message: String, errno: Int32 = EPERM) -> BpfPolicyDenial {
      deny("load", subject, rule: rule, message, errno: errno)
    }
    if let max = policy.limits.objects, objectCount + 1 > max {
      throw refuse("limits.objects", "more than \(max) BPF objects", errno: E2BIG)
    }
    if let max = policy.limits.programs, programCount + object.programs.count > max {
      throw refuse("limits.programs", "more than \(max) programs", errno: E2BIG)
    }
    for program in object.programs {
      let kind = BpfProgramKind(sectionName: program.sectionName)
      guard policy.programKinds.contains(kind) else {
        throw refuse(
          "programKinds",
          "program '\(program.name)' is of kind \(kind.rawValue) (section \(program.sectionName))")
      }
      for helper in program.helperNames where !policy.allowsHelper(helper) {
        throw refuse("helpers", "program '\(program.name)' calls \(helper)")
      }
      if program.kfuncCallCount > 0 && !policy.allowKfuncs {
        throw refuse("kfuncs", "program '\(program.name)' calls kernel functions (kfuncs)")
      }
    }
    for map in object.maps {
      if let types = policy.mapTypes, !types.contains(map.typeName) {
        throw refuse("mapTypes", "map '\(map.name)' is of type \(map.typeName)")
      }
      guard let size = map.estimatedBytes(possibleCPUs: possibleCPUs) else {
        throw refuse(
          "mapSize",
          "map '\(map.name)' declares \(map.maxEntries) entries of \(map.keySize)-byte keys and "
            + "\(map.valueSize)-byte values: more than 2^64 bytes", errno: E2BIG)
      }
      if map.typeName == "ringbuf", let max = policy.limits.ringBufferBytes, size > max {
        throw refuse(
          "limits.ringBufferBytes", "ring buffer '\(map.name)' has \(size) bytes (limit \(max))",
          errno: E2BIG)
      }
    }
    // Each estimate fits in 64 bits (checked above); their sum, and the sum with what
    // the instance already holds, may not.
    guard let bytes = totalEstimatedBytes(object.maps, possibleCPUs: possibleCPUs),
      case (let after, false) = mapBytes.addingReportingOverflow(bytes)
    else {
      throw refuse("mapSize", "the maps together take more than 2^64 bytes", errno: E2BIG)
    }
    if let max = policy.limits.mapBytes, after > max {
      throw refuse(
        "limits.mapBytes", "maps would take \(after) bytes (limit \(max))", errno: E2BIG)
    }
    objectCount += 1
    programCount += object.programs.count
    mapBytes = after
    allowed("load", subject)
  }

  /// Gives back what `admitLoad` counted, when the object is closed (or its load failed).
  public func released(object: BpfObjectDescription) {
    objectCount -= 1
    programCount -= object.programs.count
    // An admitted object's total fitted in 64 bits when it was counted.
    let bytes = totalEstimatedBytes(object.maps, possibleCPUs: possibleCPUs) ?? mapBytes
    mapBytes -= min(bytes, mapBytes)
  }

  /// Decides whether `program` may be attached to `target`; counts the link.
  public func admitAttach(
    of program: BpfProgramDescription, objectName: String, to target: BpfAttachTarget
  ) throws(BpfPolicyDenial) {
    try admitAttach(
      of: program, objectName: objectName, point: attachPoint(program: program, target: target))
  }

  /// Decides whether `program` may be attached to attach point `point` (a section
  /// name, `xdp:IF`, `cgroup:PATH` as the guest named it, `cgroup-fd`); counts the link.
  public func admitAttach(of program: BpfProgramDescription, objectName: String, point: String)
    throws(BpfPolicyDenial)
  {
    let subject = "program '\(program.name)' of '\(objectName)'"
    if let max = policy.limits.links, linkCount + 1 > max {
      throw deny("attach", subject, rule: "limits.links", "more than \(max) links", errno: E2BIG)
    }
    guard policy.allowsAttachPoint(point) else {
      throw deny("attach", subject, rule: "attachPoints", "attach point \(point) is not allowed")
    }
    linkCount += 1
    allowed("attach", subject + " to \(point)")
  }

  public func releasedLink() { linkCount = max(linkCount - 1, 0) }

  /// Decides whether the guest may perform `operation` on map `mapName`.
  public func admitMapOperation(_ operation: BpfMapOperation, map mapName: String)
    throws(BpfPolicyDenial)
  {
    let access = policy.access(toMap: mapName)
    let needed: BpfMapAccess = operation.writes ? .readWrite : .readOnly
    guard access >= needed else {
      throw deny(
        "map \(operation.rawValue)", "map '\(mapName)'", rule: "maps",
        "the guest has \(access.rawValue) access to this map")
    }
  }
}
