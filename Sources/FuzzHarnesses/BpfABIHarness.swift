// The wasm_bpf ABI: random sequences of the imports with random arguments against
// `BpfHost` over a host buffer standing in for guest memory, on the real kernel
// (objects load, programs attach, maps and ring buffers work when run as root).
//
// The guest memory holds the fixture BPF objects' program and map names, a scratch
// area, and the ELF of whichever fixture object a load picks (now and then with a
// few bytes changed). Each argument is a good value (a live handle, a name's
// address) or a hostile one (stale, forged, past the end of memory), as the input
// says; poll callbacks return, stop, close the object being polled, close
// everything, poll again or throw.
//
// After each input: `closeAll()` leaves no object, link, buffer or count behind; the
// process holds exactly the descriptors it held before (BPF maps, programs, links,
// perf events, epoll); guest memory was written only inside its bounds (a canary
// after its end, since the kernel's writes are not seen by AddressSanitizer).

import Glibc
import WasiBpf

extension FuzzHarness {
  static let bpfABI = FuzzHarness(
    name: "bpf-abi", summary: "wasm_bpf imports in random sequences on BpfHost (real kernel)",
    run: { bytes throws(FuzzFinding) in
      _ = quietLibbpf
      var run = BpfABIRun(bytes)
      try run.run()
    },
    seeds: { BpfABIRun.seeds() },
    maxLength: 4096)
}

/// Guest memory in a host buffer followed by canary bytes nobody may write.
final class CanaryGuestMemory: GuestMemory {
  static let canary: UInt8 = 0xA5
  static let canaryBytes = 4096
  let byteCount: Int
  private let storage: UnsafeMutableRawBufferPointer

  init(size: Int) {
    byteCount = size
    storage = .allocate(byteCount: size + Self.canaryBytes, alignment: 16)
    storage.initializeMemory(as: UInt8.self, repeating: 0)
    for index in size..<storage.count { storage[index] = Self.canary }
  }

  deinit { storage.deallocate() }

  func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeMutableRawBufferPointer(rebasing: storage[0..<byteCount]))
  }

  var canaryIntact: Bool { storage[byteCount...].allSatisfy { $0 == Self.canary } }

  func write(_ bytes: [UInt8], at offset: Int) {
    let end = min(offset + bytes.count, byteCount)
    guard offset < end else { return }
    storage.baseAddress!.advanced(by: offset).copyMemory(from: bytes, byteCount: end - offset)
  }
}

/// The attach points every harness policy allows: tracepoints and uprobes (harmless
/// to the machine), and XDP and cgroup targets that do not exist, so that a fuzzed
/// guest can never attach to the real `lo` or a real cgroup of this shared machine.
let harmlessAttachPoints = [
  "tracepoint/*", "tp/*", "tp_btf/*", "raw_tp/*", "raw_tracepoint/*", "uprobe*", "uretprobe*",
  "xdp:wasmbpf-fuzz-none", "cgroup:/sys/fs/cgroup/unified/wasmbpf-fuzz-none",
]

struct BpfABIRun {
  static let memorySize = 256 * 1024
  static let namesOffset = 4096
  static let scratchOffset = 16384
  static let scratchSize = 8192
  static let objectOffset = 32768

  /// Strings a guest would pass: every fixture program and map name, attach targets.
  static let names: [String] = {
    var names = Set<String>()
    for object in FixtureObjects.descriptions {
      for program in object.programs { names.insert(program.name) }
      for map in object.maps { names.insert(map.name) }
    }
    return names.sorted() + [
      "", "lo", "wasmbpf-fuzz-none", "/sys/fs/cgroup/unified/wasmbpf-fuzz-none",
    ]
  }()

  /// (offset, length) of each name in guest memory, NUL-terminated.
  static let nameLayout: [(offset: Int, length: Int)] = {
    var offset = namesOffset
    return names.map { name in
      defer { offset += name.utf8.count + 1 }
      return (offset, name.utf8.count)
    }
  }()

  /// Objects small enough for the object area, by the fixtures' file names.
  static let objects: [(name: String, bytes: [UInt8])] = FixtureObjects.elves.filter {
    $0.bytes.count <= memorySize - objectOffset
  }

  static let policies: [BpfPolicy] = {
    var observe = BpfPolicy.observe
    observe.attachPoints = harmlessAttachPoints
    var open = BpfPolicy.unrestricted
    open.name = "fuzz-open"
    open.attachPoints = harmlessAttachPoints
    var tight = open
    tight.name = "fuzz-tight"
    tight.limits = BpfLimits(
      objects: 2, programs: 3, links: 1, mapBytes: 8 << 20, ringBufferBytes: 1 << 20)
    tight.mapRules = [BpfMapRule(pattern: "counter*", access: .readOnly)]
    return [BpfPolicy(), observe, open, tight]
  }()

  var input: FuzzInput
  let memory = CanaryGuestMemory(size: memorySize)
  let host: BpfHost
  var handles: [UInt64] = []
  var mapIDs: [Int32] = []
  /// Depth of poll callbacks (a callback may poll again).
  var depth = 0

  init(_ bytes: [UInt8]) {
    input = FuzzInput(bytes)
    let policy = input.pick(Self.policies)
    host = BpfHost(options: BpfHostOptions(policy: policy, moduleName: "fuzz.wasm"))
    for (name, place) in zip(Self.names, Self.nameLayout) {
      memory.write(Array(name.utf8) + [0], at: place.offset)
    }
    // An unterminated string in the last bytes of memory.
    memory.write([UInt8](repeating: UInt8(ascii: "A"), count: 16), at: Self.memorySize - 16)
  }

  mutating func run() throws(FuzzFinding) {
    let before = DescriptorCensus.now().bpf
    var steps = 0
    while !input.isAtEnd && steps < 64 {
      step()
      steps += 1
    }
    host.closeAll()
    try check(before: before)
  }

  func check(before: DescriptorCensus) throws(FuzzFinding) {
    guard memory.canaryIntact else { throw FuzzFinding("a write past the end of guest memory") }
    let enforcer = host.enforcer
    guard host.openObjectCount == 0, enforcer.objectCount == 0, enforcer.programCount == 0,
      enforcer.linkCount == 0, enforcer.mapBytes == 0
    else {
      throw FuzzFinding(
        "after closeAll: \(host.openObjectCount) objects open, enforcer counts objects "
          + "\(enforcer.objectCount) programs \(enforcer.programCount) links "
          + "\(enforcer.linkCount) map bytes \(enforcer.mapBytes)")
    }
    let after = DescriptorCensus.now().bpf
    guard after == before else {
      throw FuzzFinding("descriptors before: [\(before)], after closeAll: [\(after)]")
    }
  }

  // MARK: Arguments

  mutating func address() -> UInt32 {
    switch input.byte() % 8 {
    case 0, 1, 2:
      return UInt32(Self.nameLayout[input.index(Self.nameLayout.count)].offset)
    case 3:
      return UInt32(Self.scratchOffset + input.index(Self.scratchSize))
    case 4: return UInt32(Self.memorySize - input.index(64))
    case 5: return 0
    case 6: return UInt32(Self.memorySize + input.index(64))
    default: return input.u32()
    }
  }

  mutating func handle() -> UInt64 {
    switch input.byte() % 6 {
    case 0, 1, 2, 3:
      return handles.isEmpty ? 1 : handles[input.index(handles.count)]
    case 4: return UInt64(input.byte())
    default: return input.u64()
    }
  }

  mutating func mapID() -> Int32 {
    switch input.byte() % 6 {
    case 0, 1, 2, 3:
      return mapIDs.isEmpty ? 3 : mapIDs[input.index(mapIDs.count)]
    case 4: return Int32(input.byte() % 16)  // host descriptors 0, 1, 2... must not be reachable
    default: return Int32(bitPattern: input.u32())
    }
  }

  // MARK: Steps

  /// WASMBPF_FUZZ_TRACE=1 prints each call and its result (to read a finding).
  static let tracing = getenv("WASMBPF_FUZZ_TRACE") != nil

  func trace(_ text: @autoclosure () -> String) {
    if Self.tracing { print("bpf-abi: " + text()) }
  }

  mutating func step() {
    let operation = input.byte() % 12
    trace("step \(operation) at input byte \(input.position)")
    switch operation {
    case 0, 1: load()
    case 2:
      _ = host.loadObject(
        memory: memory, address: address(), length: Int32(bitPattern: input.u32()))
    case 3: _ = host.closeObject(handle: handle())
    case 4, 5:
      let handle = handle()
      let name = address()
      let target = input.bool() ? 0 : address()
      let result = host.attachProgram(
        memory: memory, handle: handle, nameAddress: name, targetAddress: target)
      trace("attach \(handle) name at \(name) target at \(target): \(result)")
    case 6:
      _ = host.attachProgram(
        memory: memory, handle: handle(), nameAddress: address(),
        guestFD: Int32(bitPattern: input.u32()))
    case 7:
      let id = host.mapFD(memory: memory, handle: handle(), nameAddress: address())
      trace("map fd: \(id)")
      if id > 0 { mapIDs.append(id) }
    case 8, 9: mapOperate()
    case 10: poll()
    default:
      // Events for the ring-buffer fixture (its program counts getppid calls).
      for _ in 0..<Int(input.byte() % 8) { _ = getppid() }
    }
  }

  mutating func load() {
    guard !Self.objects.isEmpty else { return }
    var elf = Self.objects[input.index(Self.objects.count)].bytes
    // Now and then a few changed bytes: libbpf and the verifier see a broken object.
    if input.byte() % 8 == 0 {
      for _ in 0..<Int(input.byte() % 4) {
        elf[input.index(elf.count)] = input.byte()
      }
    }
    memory.write(elf, at: Self.objectOffset)
    let length = input.byte() % 8 == 0 ? Int32(bitPattern: input.u32()) : Int32(elf.count)
    let handle = host.loadObject(
      memory: memory, address: UInt32(Self.objectOffset), length: length)
    trace(
      "load of \(elf.count) bytes, length \(length): handle \(handle) \(host.lastError.map { "\($0)" } ?? "")"
    )
    if handle != 0 { handles.append(UInt64(bitPattern: handle)) }
  }

  mutating func mapOperate() {
    let id = mapID()
    let command = input.byte() % 8 == 0 ? Int32(bitPattern: input.u32()) : Int32(input.byte() % 5)
    memory.write(input.data(limit: 64), at: Self.scratchOffset)
    let result = host.mapOperate(
      memory: memory, mapID: id, command: command, key: input.bool() ? 0 : address(),
      value: address(), nextKey: address(), flags: input.byte() % 4 == 0 ? input.u64() : 0)
    trace("map operate \(id) command \(command): \(result)")
  }

  mutating func poll() {
    let handle = handle()
    let id = mapID()
    let data = address()
    let maxSize = input.bool() ? Int32(input.u16()) : Int32(bitPattern: input.u32())
    let timeout = Int32(input.byte() % 3)
    // The callback's behaviour for this poll, decided now: the callback cannot read
    // the input itself while `self` is borrowed by the poll.
    let action = input.byte() % 8
    let limit = Int(input.byte() % 16) + 1
    let nestedMap = mapID()
    var calls = 0
    struct Stop: Error {}
    guard depth < 3 else { return }
    depth += 1
    defer { depth -= 1 }
    let host = self.host
    let memory = self.memory
    let depthNow = depth
    let request = BpfPollRequest(
      object: handle, map: id, context: 0, data: data, capacity: maxSize,
      timeoutMilliseconds: timeout)
    let result = try? host.bufferPoll(request, memory: memory) { _, _, _ in
      calls += 1
      if calls >= limit { return 1 }
      switch action {
      case 0: return 1
      case 1: _ = host.closeObject(handle: handle)
      case 2: host.closeAll()
      case 3: throw Stop()
      case 4 where depthNow < 3:
        // A guest may poll again from its callback, the same buffer or another.
        let nested = BpfPollRequest(
          object: handle, map: nestedMap, context: 0, data: data, capacity: maxSize,
          timeoutMilliseconds: 0)
        _ = try host.bufferPoll(nested, memory: memory) { _, _, _ in 1 }
      case 5:
        _ = host.mapOperate(
          memory: memory, mapID: id, command: 1, key: data, value: data, nextKey: 0, flags: 0)
      default: break
      }
      return 0
    }
    trace(
      "poll \(handle) map \(id) action \(action): \(result.map(String.init) ?? "threw"), \(calls) calls"
    )
  }
}

extension BpfABIRun {
  /// For each fixture object under each policy but deny-all: load it, attach every
  /// program, look up every map by name, read each map's first key, make events,
  /// poll every map, close. The bytes follow the order in which `run` reads them.
  static func seeds() -> [(name: String, bytes: [UInt8])] {
    var seeds: [(name: String, bytes: [UInt8])] = []
    for (objectIndex, object) in objects.enumerated() {
      guard let description = FixtureObjects.descriptions.first(where: { $0.name == object.name })
      else { continue }
      for policyIndex in 1..<policies.count {
        var b = FuzzInputBuilder()
        b.index(policyIndex)
        b.byte(0)  // load
        b.index(objectIndex)
        b.byte(1)  // unchanged
        b.byte(1)  // exact length
        func name(_ text: String) {
          b.byte(0)
          b.index(names.firstIndex(of: text) ?? 0)
        }
        func firstHandle() {
          b.byte(0)
          b.index(0)
        }
        for program in description.programs {
          b.byte(4)  // attach
          firstHandle()
          name(program.name)
          b.bool(true)  // automatic
        }
        for (mapIndex, map) in description.maps.enumerated() {
          b.byte(7)  // map fd by name
          firstHandle()
          name(map.name)
          b.byte(8)  // map operate
          b.byte(0)
          b.index(mapIndex)
          b.byte(1)
          b.byte(4)  // get next key
          b.index(0)  // no scratch data
          b.bool(true)  // first key
          for _ in 0..<2 {
            b.byte(3)
            b.index(0)
          }
          b.byte(1)  // no flags
        }
        b.byte(11)  // getppid x7
        b.byte(7)
        for mapIndex in description.maps.indices {
          b.byte(10)  // poll
          firstHandle()
          b.byte(0)
          b.index(mapIndex)
          b.byte(3)
          b.index(0)
          b.bool(true)
          b.u16(4096)
          b.byte(1)  // 1 ms
          b.byte(UInt8(mapIndex % 8))  // each callback behaviour in turn
          b.byte(3)
          b.byte(0)
          b.index(mapIndex)
        }
        b.byte(3)  // close
        firstHandle()
        seeds.append(("\(object.name)-\(policies[policyIndex].name)", b.bytes))
      }
    }
    return seeds
  }
}
