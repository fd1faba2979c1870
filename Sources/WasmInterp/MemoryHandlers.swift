// Load and store handlers. Every access goes through `effectiveAddress`: the
// address plus the offset in 64-bit arithmetic, checked against the memory size
// held in a register (`ms`), so a guest never touches bytes outside its memory.
// Table-like code, one handler per instruction. Assumes a little-endian host, as
// Wasm memory is little-endian.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions

/// `ea` as an index into a memory of `ms` bytes when the `width` bytes from there
/// lie inside it, else nil. Every memory access of a handler is checked here.
/// `ea` is below 2^49 (an address clamped to 2^48, or an i32 address, plus an offset
/// below 2^48), so `ea + width` cannot wrap.
@inline(__always)
func checkedAddress(_ ea: UInt64, width: UInt64, _ ms: Int) -> Int? {
  // `ea + width <= ms` as `ea < ms - (width - 1)`, signed (`ea` is below 2^49, `ms`
  // at least 0, so neither side wraps and a memory smaller than `width - 1` bytes
  // gives a negative limit): the index is then compared as it is, with no sum
  // computed beside it (for a byte, `ea < ms`).
  let index = Int(truncatingIfNeeded: ea)
  guard index < ms &- Int(truncatingIfNeeded: width &- 1) else { return nil }
  return index
}

/// The effective address of `[.., address slot at pc[k], .., offset at pc[o]]`, or
/// nil when `width` bytes from there leave the memory.
@inline(__always)
func effectiveAddress(_ pc: PC, _ fp: FP, _ ms: Int, address k: Int, offset o: Int, width: UInt64)
  -> Int?
{
  checkedAddress(UInt64(u32(fp[pc[k]])) &+ UInt64(truncatingIfNeeded: pc[o]), width: width, ms)
}

// MARK: Addressing modes
//
// A memory instruction reaches its memory in one of four ways, each a type whose
// static `resolve` the shapes below are specialised over (so each handler is one
// straight-line check):
// - `Memory32`: memory 0 with i32 addresses, the Wasm 2.0 fast path: base and size
//   in the handler's registers (`md`, `ms`);
// - `Memory64`: memory 0 with i64 addresses (memory64): the same registers; the
//   address is clamped to 2^48 first, which no memory reaches, so the sum with an
//   offset below 2^48 (larger offsets are translated to a trap) cannot wrap and the
//   check stays one compare;
// - `OtherMemory32` / `OtherMemory64` (multiple memories): the memory's
//   `MemoryState` address is one more operand word, read on every access.

/// How a memory instruction finds its memory and effective address.
protocol MemoryAddressing {
  /// Operand words the mode adds after the instruction's own (the memory's state).
  static var extraWords: Int { get }
  /// The base of the memory and the index of the `width` bytes at address slot
  /// `pc[k]` plus offset `pc[o]`, or nil when they leave the memory; `pc[s]` is
  /// the memory's state for the modes that have one.
  static func resolve(
    _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, address k: Int, offset o: Int, state s: Int,
    width: UInt64
  ) -> (base: MD, index: Int)?
}

/// The highest address an i64 address is clamped to before the offset is added.
let addressClamp: UInt64 = 1 << 48

enum Memory32: MemoryAddressing {
  static var extraWords: Int { 0 }
  @inline(__always)
  static func resolve(
    _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, address k: Int, offset o: Int, state s: Int,
    width: UInt64
  ) -> (base: MD, index: Int)? {
    guard let ea = effectiveAddress(pc, fp, ms, address: k, offset: o, width: width) else {
      return nil
    }
    return (md, ea)
  }
}

enum Memory64: MemoryAddressing {
  static var extraWords: Int { 0 }
  @inline(__always)
  static func resolve(
    _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, address k: Int, offset o: Int, state s: Int,
    width: UInt64
  ) -> (base: MD, index: Int)? {
    let ea = min(fp[pc[k]], addressClamp) &+ UInt64(truncatingIfNeeded: pc[o])
    guard let index = checkedAddress(ea, width: width, ms) else { return nil }
    return (md, index)
  }
}

enum OtherMemory32: MemoryAddressing {
  static var extraWords: Int { 1 }
  @inline(__always)
  static func resolve(
    _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, address k: Int, offset o: Int, state s: Int,
    width: UInt64
  ) -> (base: MD, index: Int)? {
    let memory = pointer(pc[s], as: MemoryState.self).pointee
    guard let ea = effectiveAddress(pc, fp, memory.size, address: k, offset: o, width: width)
    else { return nil }
    return (memory.base, ea)
  }
}

enum OtherMemory64: MemoryAddressing {
  static var extraWords: Int { 1 }
  @inline(__always)
  static func resolve(
    _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, address k: Int, offset o: Int, state s: Int,
    width: UInt64
  ) -> (base: MD, index: Int)? {
    let memory = pointer(pc[s], as: MemoryState.self).pointee
    let ea = min(fp[pc[k]], addressClamp) &+ UInt64(truncatingIfNeeded: pc[o])
    guard let index = checkedAddress(ea, width: width, memory.size) else { return nil }
    return (memory.base, index)
  }
}

/// Which addressing mode a memory instruction's handler is specialised for.
enum MemoryMode {
  case memory32, memory64, other32, other64

  init(memory index: Int, is64: Bool) {
    switch (index == 0, is64) {
    case (true, false): self = .memory32
    case (true, true): self = .memory64
    case (false, false): self = .other32
    case (false, true): self = .other64
    }
  }

  /// Whether the handler takes the memory's state as an extra operand.
  var hasState: Bool { self == .other32 || self == .other64 }
}

/// Operands: [dst, address, offset, (state)]: `dst = widen(load T at address + offset)`.
@inline(__always)
func scalarLoad<A: MemoryAddressing, T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _: T.Type,
  _ widen: (T) -> UInt64
) -> Exit {
  guard
    let (base, ea) = A.resolve(
      pc, fp, md, ms, address: 2, offset: 3, state: 4, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  fp[pc[1]] = widen(base.loadUnaligned(fromByteOffset: ea, as: T.self))
  return next(pc + 4 + A.extraWords, fp, md, ms, c)
}

/// Operands: [address, value, offset, (state)]: stores the low bytes of `value` at
/// address + offset.
@inline(__always)
func scalarStore<A: MemoryAddressing, T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _: T.Type
) -> Exit {
  guard
    let (base, ea) = A.resolve(
      pc, fp, md, ms, address: 1, offset: 3, state: 4, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  base.storeBytes(of: T(truncatingIfNeeded: fp[pc[2]]), toByteOffset: ea, as: T.self)
  return next(pc + 4 + A.extraWords, fp, md, ms, c)
}

/// The Wasm 2.0 forms (memory 0, i32 addresses).
@inline(__always)
func scalarLoad<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type, _ widen: (T) -> UInt64
) -> Exit {
  scalarLoad(pc, fp, md, ms, c, Memory32.self, T.self, widen)
}

@inline(__always)
func scalarStore<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type
) -> Exit {
  scalarStore(pc, fp, md, ms, c, Memory32.self, T.self)
}

/// Operands: [...] — a memory access whose static offset alone leaves every memory
/// (memory64 offsets of 2^48 and more): it always traps.
func outOfBoundsOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  .trap(.outOfBoundsMemoryAccess)
}
