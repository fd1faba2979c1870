// The owner of one libbpf `bpf_object`.
//
// Opening parses the ELF and BTF in this process only; nothing reaches the kernel
// until `load()`. That split is what lets a policy inspect programs, helper calls and
// maps first. The object keeps its own copy of the ELF bytes: libbpf reads them lazily
// until load, and a guest's memory may change or move under it.

import BpfSys

#if canImport(Glibc)
  import Glibc
#endif

/// An opened BPF object. Closed (every program and map fd released) exactly once, in
/// `deinit`.
public final class BpfObject {
  let handle: OpaquePointer
  private let image: UnsafeMutableRawBufferPointer
  public let name: String
  public private(set) var isLoaded = false

  /// Opens an ELF BPF object from bytes (copied). Nothing is sent to the kernel.
  public init(elf bytes: UnsafeRawBufferPointer, name: String) throws(BpfError) {
    guard bytes.count > 0 else {
      throw BpfError(errno: EINVAL, operation: "open object '\(name)': empty ELF")
    }
    let image = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
    image.copyMemory(from: bytes)
    var options = bpf_object_open_opts()
    options.sz = MemoryLayout<bpf_object_open_opts>.size
    let opened: OpaquePointer? = name.withCString { cName in
      options.object_name = cName
      return bpf_object__open_mem(image.baseAddress, image.count, &options)
    }
    // libbpf 1.x returns NULL and sets errno on failure.
    guard let handle = opened, libbpf_get_error(UnsafeRawPointer(handle)) == 0 else {
      let code = Glibc.errno
      image.deallocate()
      throw BpfError(errno: code == 0 ? EINVAL : code, operation: "open object '\(name)'")
    }
    self.handle = handle
    self.image = image
    self.name = name
  }

  deinit {
    bpf_object__close(handle)
    image.deallocate()
  }

  /// Programs and maps as the ELF declares them, with each program's helper calls.
  public func describe() -> BpfObjectDescription {
    var programs: [BpfProgramDescription] = []
    var program = bpf_object__next_program(handle, nil)
    while let p = program {
      programs.append(BpfProgramDescription(program: p))
      program = bpf_object__next_program(handle, p)
    }
    var maps: [BpfMapDescription] = []
    var map = bpf_object__next_map(handle, nil)
    while let m = map {
      maps.append(BpfMapDescription(map: m))
      map = bpf_object__next_map(handle, m)
    }
    return BpfObjectDescription(name: name, programs: programs, maps: maps)
  }
}
