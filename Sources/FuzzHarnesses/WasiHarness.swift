// WASI preview1: random calls with random arguments over a scratch preopen. The
// guest's memory is a host buffer holding paths (inside, outside, absolute,
// through symlinks, `..`), iovec tables, poll subscriptions and the input's bytes;
// each argument is one of those addresses, a small number, a descriptor, or raw bits.
//
// After each input: nothing outside the read-write preopen changed (the read-only
// preopen and a sibling directory are compared with a snapshot), and once the
// instance closes everything the process holds exactly the descriptors it held
// before. Blocking calls are cut off after 20 ms (CallWatchdog).

import Glibc
import WasiPreview1

extension FuzzHarness {
  static let wasi = FuzzHarness(
    name: "wasi", summary: "wasi_snapshot_preview1 calls over a scratch preopen",
    run: { bytes throws(FuzzFinding) in try WasiRun.run(bytes) },
    seeds: { WasiRun.seeds() },
    maxLength: 4096)
}

enum WasiRun {
  static let memorySize = 65536
  static let pathsOffset = 1024
  static let iovecsOffset = 6144
  static let subscriptionsOffset = 7168
  static let resultOffset = 8192
  static let dataOffset = 16384

  static let paths: [String] = [
    "file.txt", "dir", "dir/inner.txt", "new", "new.txt", "dir/new", "link-out", "abs-link",
    "loop", "up", "dir-link", "..", "../outside/secret.txt", "../outside", "/sandbox/file.txt",
    "/etc/passwd", ".", "", "dir/../../outside/secret.txt", "a\0b",
    String(repeating: "x", count: 300),
    "dir/./inner.txt", "../readonly/ro.txt", "ro.txt", "link-out/x", "up/outside/secret.txt",
    "dir-link/../../outside", "dir/", "file.txt/", "//", "up/readonly/ro.txt",
  ]

  static let pathLayout: [(offset: Int, length: Int)] = {
    var offset = pathsOffset
    return paths.map { path in
      defer { offset += path.utf8.count + 1 }
      return (offset, path.utf8.count)
    }
  }()

  static let tree: ScratchTree = {
    let tree = ScratchTree()
    tree.reset()
    return tree
  }()
  static let expected = tree.snapshot()

  static func run(_ bytes: [UInt8]) throws(FuzzFinding) {
    _ = CallWatchdog.shared
    tree.reset()
    let before = DescriptorCensus.now()
    var input = FuzzInput(bytes)
    let configuration = WasiConfiguration(
      arguments: ["fuzz.wasm", "--flag"], environment: [("HOME", "/sandbox")],
      preopens: [
        WasiPreopen(hostPath: tree.sandbox, guestPath: "/sandbox"),
        WasiPreopen(hostPath: tree.readOnly, guestPath: "/ro", isReadOnly: true),
      ],
      stdin: .buffer(input: Array("line one\nline two\n".utf8)), stdout: .buffer(),
      stderr: .buffer())
    let context: WasiContext
    do {
      context = try WasiContext(configuration: configuration)
    } catch {
      throw FuzzFinding("the scratch preopens do not open: \(error)")
    }
    context.interruptRequested = { CallWatchdog.shared.expired }
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: memorySize, alignment: 16)
    defer { storage.deallocate() }
    storage.initializeMemory(as: UInt8.self, repeating: 0)
    layOut(storage, &input)
    let memory = WasiMemory(bytes: storage)
    var steps = 0
    while !input.isAtEnd && steps < 48 {
      steps += 1
      let function = WasiImport.all[input.index(WasiImport.all.count)]
      var arguments = self.arguments(for: function, &input)
      if function.name == "fd_allocate" { tame(&arguments) }
      do {
        _ = try CallWatchdog.shared.run(milliseconds: 20) {
          try function.call(context, memory: memory, arguments: arguments)
        }
      } catch is WasiExit {
        break  // proc_exit / a fatal proc_raise end the instance
      } catch {
        // An errno for a wrong argument count only; nothing else is thrown.
      }
    }
    context.closeAll()
    let after = DescriptorCensus.now()
    guard after == before else {
      throw FuzzFinding("descriptors before: [\(before)], after closeAll: [\(after)]")
    }
    let now = tree.snapshot()
    guard now == expected else {
      let changed = Set(now).symmetricDifference(expected).sorted()
      throw FuzzFinding("outside the read-write preopen, changed: \(changed)")
    }
  }

  /// Paths, iovecs (into the data area), subscriptions (a 1 ms clock, stdin readable,
  /// stdout writable) and the input's next bytes as data.
  static func layOut(_ memory: UnsafeMutableRawBufferPointer, _ input: inout FuzzInput) {
    for (path, place) in zip(paths, pathLayout) {
      for (index, byte) in path.utf8.enumerated() { memory[place.offset + index] = byte }
    }
    func store<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
      memory.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
    for index in 0..<8 {
      store(UInt32(dataOffset + index * 1024), iovecsOffset + index * 8)
      store(UInt32(index == 7 ? 0 : 512), iovecsOffset + index * 8 + 4)
    }
    // subscription: userdata u64, tag u8 at 8, then clock id u32 @16, timeout u64 @24,
    // precision u64 @32, flags u16 @40; or fd u32 @16. 48 bytes each.
    store(UInt64(1), subscriptionsOffset)
    store(UInt32(1), subscriptionsOffset + 16)  // monotonic
    store(UInt64(1_000_000), subscriptionsOffset + 24)
    store(UInt64(2), subscriptionsOffset + 48)
    memory[subscriptionsOffset + 56] = 1  // fd_read
    store(UInt32(0), subscriptionsOffset + 64)
    store(UInt64(3), subscriptionsOffset + 96)
    memory[subscriptionsOffset + 104] = 2  // fd_write
    store(UInt32(1), subscriptionsOffset + 112)
    let data = input.data(limit: 512)
    for (index, byte) in data.enumerated() { memory[dataOffset + index] = byte }
  }

  static func arguments(for function: WasiImport, _ input: inout FuzzInput) -> [UInt64] {
    let parameters = function.type.parameters
    var arguments: [UInt64] = []
    var pendingLength: UInt64?
    for parameter in parameters {
      if parameter == .i64 {
        switch input.byte() % 4 {
        case 0: arguments.append(UInt64(input.byte()))
        case 1: arguments.append(.max)
        case 2: arguments.append(UInt64(input.u16()) << 8)
        default: arguments.append(input.u64())
        }
        continue
      }
      if let length = pendingLength, input.byte() % 4 != 0 {
        arguments.append(length)
        pendingLength = nil
        continue
      }
      pendingLength = nil
      switch input.byte() % 9 {
      case 0, 1: arguments.append(UInt64(input.byte() % 8))  // a descriptor, a flag
      case 2, 3:
        let place = pathLayout[input.index(pathLayout.count)]
        arguments.append(UInt64(place.offset))
        pendingLength = UInt64(place.length)
      case 4:
        arguments.append(UInt64(iovecsOffset + 8 * input.index(4)))
        pendingLength = UInt64(1 + input.index(4))
      case 5: arguments.append(UInt64(subscriptionsOffset + 48 * input.index(3)))
      case 6: arguments.append(UInt64(resultOffset + input.index(4096)))
      case 7: arguments.append(UInt64(memorySize - input.index(64)))
      default: arguments.append(UInt64(input.u32()))
      }
    }
    return arguments
  }

  /// fd_allocate really allocates: keep it small unless offset + length overflows,
  /// which is what matters to check.
  static func tame(_ arguments: inout [UInt64]) {
    let (_, overflow) = Int64(bitPattern: arguments[1]).addingReportingOverflow(
      Int64(bitPattern: arguments[2]))
    if !overflow {
      arguments[1] &= 0xFFFFF
      arguments[2] &= 0xFFFFF
    }
  }

  /// For each WASI function, one call of it with plausible arguments; and a session
  /// that opens, writes, reads, renames and removes files.
  static func seeds() -> [(name: String, bytes: [UInt8])] {
    var seeds: [(name: String, bytes: [UInt8])] = []
    for (index, function) in WasiImport.all.enumerated() {
      for variant in 0..<3 {
        var b = FuzzInputBuilder()
        b.index(0)  // no data
        b.index(index)
        for (position, parameter) in function.type.parameters.enumerated() {
          if parameter == .i64 {
            b.byte(UInt8(variant % 4))
            b.byte(0)
            continue
          }
          switch (variant + position) % 3 {
          case 0:
            b.byte(0)
            b.byte(3)  // the read-write preopen
          case 1:
            b.byte(2)
            b.index((position * 7 + variant) % paths.count)
          default:
            b.byte(6)
            b.index(position * 16)
          }
        }
        seeds.append(("\(function.name)-\(variant)", b.bytes))
      }
    }
    return seeds
  }
}
