// The GC heap: a guest that allocates far more than the heap limit in total while
// keeping little alive runs (the collector reclaims the rest), and what is alive
// survives collections wherever it is held: globals, tables, locals and operand
// slots of live frames, and the host (docs/gc.md).

import Testing
import WasmCore
import WasmInterp

@Suite struct GCTests {
  static let module = """
    (module
      (type $node (struct (field $value i32) (field $next (ref null $node))))
      (type $bytes (array (mut i64)))
      (global $list (mut (ref null $node)) (ref.null $node))
      (table $kept 4 (ref null $node))

      ;; Allocates `n` arrays of 1,000 i64 (8 KB each) that nothing keeps.
      (func $churn (export "churn") (param $n i32)
        (loop $again
          (drop (array.new_default $bytes (i32.const 1000)))
          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

      ;; A list of `n` nodes (values 1...n) in the global.
      (func (export "build") (param $n i32)
        (loop $again
          (global.set $list (struct.new $node (local.get $n) (global.get $list)))
          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

      (func $sum (export "sum") (param $p (ref null $node)) (result i32)
        (local $total i32)
        (block $done
          (loop $again
            (br_if $done (ref.is_null (local.get $p)))
            (local.set $total
              (i32.add (local.get $total) (struct.get $node $value (local.get $p))))
            (local.set $p (struct.get $node $next (local.get $p)))
            (br $again)))
        (local.get $total))

      (func (export "sum-list") (result i32) (call $sum (global.get $list)))

      ;; A node held only by a local and an operand slot across a churn.
      (func (export "local-survives") (result i32)
        (local $p (ref null $node))
        (local.set $p (struct.new $node (i32.const 42) (ref.null $node)))
        (struct.new $node (i32.const 58) (local.get $p))
        (call $churn (i32.const 2000))
        (call $sum))

      (func (export "table-set") (param i32)
        (table.set $kept (i32.const 1) (struct.new $node (local.get 0) (ref.null $node))))
      (func (export "table-sum") (result i32) (call $sum (table.get $kept (i32.const 1))))

      (func (export "make") (param i32) (result (ref $node))
        (struct.new $node (local.get 0) (ref.null $node)))
      (func (export "read") (param (ref null $node)) (result i32) (call $sum (local.get 0)))
    )
    """

  /// A store whose GC heap may hold 64 MiB at most: without collection the churns
  /// below would trap with "allocation too large".
  static func store() -> Store {
    var configuration = InterpreterConfiguration()
    configuration.maxGCHeapBytes = 64 << 20
    return Store(configuration: configuration)
  }

  @Test func allocatingFarMoreThanTheLimitRunsInABoundedHeap() throws {
    let store = Self.store()
    let instance = try instantiate(text: Self.module, store: store)
    // 20,000 × 8 KB = 160 MB allocated in total, 2.5 times the limit.
    _ = try instance.function("churn")!.call(.i32(20_000))
    let statistics = store.gcStatistics
    #expect(statistics.allocatedBytes > 160_000_000)
    #expect(statistics.collections > 0)
    #expect(statistics.liveBytesAfterLastCollection < 16 << 20)
  }

  @Test func objectsInGlobalsSurviveCollections() throws {
    let store = Self.store()
    let instance = try instantiate(text: Self.module, store: store)
    _ = try instance.function("build")!.call(.i32(1000))
    _ = try instance.function("churn")!.call(.i32(20_000))
    #expect(store.gcStatistics.collections > 0)
    #expect(try instance.function("sum-list")!.call() == [.i32(500_500)])
  }

  @Test func objectsInFramesSurviveCollections() throws {
    let store = Self.store()
    let instance = try instantiate(text: Self.module, store: store)
    #expect(try instance.function("local-survives")!.call() == [.i32(100)])
    #expect(store.gcStatistics.collections > 0)
  }

  @Test func objectsInTablesAndHeldByTheHostSurviveCollections() throws {
    let store = Self.store()
    let instance = try instantiate(text: Self.module, store: store)
    _ = try instance.function("table-set")!.call(.i32(7))
    let held = try instance.function("make")!.call(.i32(9))
    guard case .anyRef(let reference?)? = held.first else {
      Issue.record("make returned \(held)")
      return
    }
    #expect(reference.kind == .structure)
    _ = try instance.function("churn")!.call(.i32(20_000))
    #expect(store.gcStatistics.collections > 0)
    #expect(try instance.function("table-sum")!.call() == [.i32(7)])
    #expect(try instance.function("read")!.call(.anyRef(reference)) == [.i32(9)])
  }

  @Test func i31AndHostValuesCrossTheEmbeddingAPI() throws {
    let instance = try instantiate(
      text: """
        (module
          (func (export "id") (param anyref) (result anyref) (local.get 0))
          (func (export "get") (param i31ref) (result i32) (i31.get_s (local.get 0))))
        """)
    let i31 = Value.anyRef(.i31(-5))
    #expect(try instance.function("id")!.call(i31) == [i31])
    #expect(try instance.function("get")!.call(i31) == [.int32(-5)])
    #expect(try instance.function("id")!.call(.externRef(77)) == [.externRef(77)])
    // Host values from 2^62 up do not fit the encoding: the call is refused.
    #expect(trap(calling: instance.function("id"), .externRef(1 << 62)) != nil)
  }

  /// A guest handing the host a 2,000,000-element array (16 MB), structs with every
  /// kind of field, and a way to churn garbage.
  static let hostModule = """
    (module
      (type $big (array (mut i64)))
      (type $pair (struct (field $a i8) (field $b (mut i16)) (field $c f64)
                          (field $d (ref null $big)) (field $e i31ref)))
      (type $bytes (array (mut i8)))
      (func $churn (export "churn") (param $n i32)
        (loop $again
          (drop (array.new_default $big (i32.const 1000)))
          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      (func (export "big") (result (ref $big))
        (array.new $big (i64.const 7) (i32.const 2000000)))
      (func (export "pair") (param (ref null $big)) (result (ref $pair))
        (struct.new $pair (i32.const 0xF0) (i32.const 0x8001) (f64.const 2.5)
          (local.get 0) (ref.i31 (i32.const -3))))
      (func (export "bytes") (result (ref $bytes))
        (array.new_fixed $bytes 3 (i32.const 1) (i32.const 0xFF) (i32.const 0x80)))
      (func (export "same") (param eqref eqref) (result i32)
        (ref.eq (local.get 0) (local.get 1)))
    )
    """

  /// The host's reference from a call's single result.
  static func reference(_ results: [Value]) throws -> AnyReference {
    guard case .anyRef(let reference?)? = results.first else {
      throw GCAccessError.notAStruct(.i31(0))
    }
    return reference
  }

  @Test func aReleasedObjectIsReclaimedAndAHeldOneSurvives() throws {
    let store = Self.store()
    let instance = try instantiate(text: Self.hostModule, store: store)
    let released = try Self.reference(instance.function("big")!.call())
    let held = try Self.reference(instance.function("big")!.call())
    #expect(store.gcStatistics.hostHeldObjects == 2)
    _ = try instance.function("churn")!.call(.i32(10_000))
    // Both 16 MB arrays are still alive: the host holds them.
    #expect(store.gcStatistics.collections > 0)
    #expect(store.gcStatistics.liveBytesAfterLastCollection > 32_000_000)
    store.release(released)
    #expect(store.gcStatistics.hostHeldObjects == 1)
    let before = store.gcStatistics.collections
    _ = try instance.function("churn")!.call(.i32(10_000))
    #expect(store.gcStatistics.collections > before)
    let live = store.gcStatistics.liveBytesAfterLastCollection
    #expect(live > 16_000_000 && live < 17_000_000)
    // The held array is intact; the released one is refused, never read.
    #expect(try held.arrayLength() == 2_000_000)
    #expect(try held.element(1_999_999) == .i64(7))
    #expect(throws: GCAccessError.released) { try released.arrayLength() }
    #expect(trap(calling: instance.function("same"), .anyRef(released), .anyRef(held)) != nil)
    store.release(released)  // twice: nothing happens
    store.release(held)
    #expect(store.gcStatistics.hostHeldObjects == 0)
  }

  @Test func referencesCompareAsRefEqDoes() throws {
    let store = Self.store()
    let instance = try instantiate(text: Self.hostModule, store: store)
    let big = try Self.reference(instance.function("big")!.call())
    let pair = try Self.reference(instance.function("pair")!.call(.anyRef(big)))
    // The same object reached twice is one reference; two objects are two.
    #expect(try pair.field(3) == .anyRef(big))
    #expect(pair != big)
    #expect(AnyReference.i31(5) == AnyReference.i31(5))
    #expect(AnyReference.i31(5) != AnyReference.i31(6))
    let same = instance.function("same")!
    #expect(try same.call(.anyRef(big), .anyRef(big)) == [.i32(1)])
    #expect(try same.call(.anyRef(big), .anyRef(pair)) == [.i32(0)])
    // Released and reached again: a new reference, which works.
    store.release(big)
    let again = try pair.field(3)
    #expect(again != .anyRef(big))
    guard case .anyRef(let fresh?) = again else {
      Issue.record("field 3 is \(again)")
      return
    }
    #expect(try fresh.arrayLength() == 2_000_000)
  }

  @Test func typedAccessorsReadFieldsAndElements() throws {
    let instance = try instantiate(text: Self.hostModule)
    let pair = try Self.reference(instance.function("pair")!.call(.anyRef(nil)))
    #expect(pair.kind == .structure)
    #expect(try pair.field(0) == .i32(0xF0))
    #expect(try pair.field(0, signExtended: true) == .int32(-16))
    #expect(try pair.field(1) == .i32(0x8001))
    #expect(try pair.field(1, signExtended: true) == .int32(-32767))
    #expect(try pair.field(2) == .double(2.5))
    #expect(try pair.field(3) == .anyRef(nil))
    #expect(try pair.field(4) == .anyRef(.i31(-3)))
    let bytes = try Self.reference(instance.function("bytes")!.call())
    #expect(bytes.kind == .array)
    #expect(try bytes.arrayLength() == 3)
    #expect(try bytes.element(1) == .i32(0xFF))
    #expect(try bytes.element(2, signExtended: true) == .int32(-128))
    // Wrong kind, wrong index: clear errors.
    #expect(throws: GCAccessError.indexOutOfBounds(index: 5, count: 5)) { try pair.field(5) }
    #expect(throws: GCAccessError.indexOutOfBounds(index: -1, count: 5)) { try pair.field(-1) }
    #expect(throws: GCAccessError.indexOutOfBounds(index: 3, count: 3)) { try bytes.element(3) }
    #expect(throws: GCAccessError.notAnArray(.structure)) { try pair.arrayLength() }
    #expect(throws: GCAccessError.notAStruct(.array)) { try bytes.field(0) }
    #expect(throws: GCAccessError.notAStruct(.i31(4))) { try AnyReference.i31(4).field(0) }
  }

  @Test func aReferenceOutlivingItsStoreIsRefused() throws {
    var reference: AnyReference?
    do {
      let store = Self.store()
      let instance = try instantiate(text: Self.hostModule, store: store)
      reference = try Self.reference(instance.function("bytes")!.call())
    }
    #expect(throws: GCAccessError.released) { try reference?.arrayLength() }
  }
}
