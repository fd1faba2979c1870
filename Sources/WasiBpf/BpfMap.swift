// Map access by fd: what the kernel says a map is (sizes decide how many guest bytes
// an operation may touch) and the four operations of the wasm_bpf ABI.

import BpfSys

#if canImport(Glibc)
  import Glibc
#endif

/// The number of possible CPUs (per-CPU map values hold one slot per possible CPU).
public let bpfPossibleCPUs: Int = {
  let n = libbpf_num_possible_cpus()
  return n > 0 ? Int(n) : 1
}()

/// What the kernel reports about a map fd.
public struct BpfMapInfo: Hashable, Sendable {
  public var type: UInt32
  public var typeName: String
  public var name: String
  public var keySize: Int
  public var valueSize: Int
  public var maxEntries: UInt32

  /// Asks the kernel about `fd`; fails with EINVAL when `fd` is not a BPF map.
  public init(fd: Int32) throws(BpfError) {
    var info = bpf_map_info()
    var length = UInt32(MemoryLayout<bpf_map_info>.size)
    let result = bpf_obj_get_info_by_fd(fd, &info, &length)
    guard result == 0 else { throw BpfError(errno: -result, operation: "map info of fd \(fd)") }
    type = info.type
    typeName = libbpf_bpf_map_type_str(bpf_map_type(info.type)).map { String(cString: $0) }
      ?? "type#\(info.type)"
    name = withUnsafeBytes(of: info.name) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    keySize = Int(info.key_size)
    valueSize = Int(info.value_size)
    maxEntries = info.max_entries
  }

  public var isPerCPU: Bool {
    switch bpf_map_type(type) {
    case BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_LRU_PERCPU_HASH,
      BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
      return true
    default:
      return false
    }
  }

  /// Bytes a lookup fills or an update reads: for per-CPU maps the value rounded up
  /// to 8 bytes, once per possible CPU.
  public func valueTransferSize(possibleCPUs: Int = bpfPossibleCPUs) -> Int {
    // Kernel numbers: a value size below 2^32 times at most a few thousand CPUs.
    isPerCPU ? ((valueSize + 7) & ~7) * possibleCPUs : valueSize
  }
}

/// The bpf(2) map commands of the wasm_bpf ABI (their kernel numbers).
public enum BpfMapCommand: Int32, Sendable {
  case lookup = 1
  case update = 2
  case delete = 3
  case getNextKey = 4
}

/// Runs `command` on map `fd`. The caller has checked that `key` holds `keySize`
/// bytes (or is nil for the first key of `getNextKey`), and that `value`/`nextKey`
/// hold what `BpfMapInfo` says. Returns 0 or a negative errno.
public func bpfMapOperateUnchecked(
  fd: Int32, command: BpfMapCommand, key: UnsafeRawPointer?, value: UnsafeMutableRawPointer?,
  nextKey: UnsafeMutableRawPointer?, flags: UInt64
) -> Int32 {
  switch command {
  case .lookup: return bpf_map_lookup_elem(fd, key, value)
  case .update: return bpf_map_update_elem(fd, key, value, flags)
  case .delete: return bpf_map_delete_elem(fd, key)
  case .getNextKey: return bpf_map_get_next_key(fd, key, nextKey)
  }
}
