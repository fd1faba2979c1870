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
}
