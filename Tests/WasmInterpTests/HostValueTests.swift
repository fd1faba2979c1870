// Values the host hands in are checked by the store before guest code sees them:
// compiled code trusts the validated types, so a struct of another type read as
// `$big`, or a function of another signature called through `call_ref`, would read
// past the object or the frame (an address leaked into an i64 before this check).

import Testing
import WasmCore
import WasmInterp

@Suite struct HostValueTests {
  static let module = """
    (module
      (type $small (struct (field i32)))
      (type $big (struct (field i64) (field i64) (field i64) (field i64)))
      (type $sig (func (param i32) (result i32)))
      (type $other (func (result i32)))
      (table $t (export "table") 2 (ref null $sig))
      (global $g (export "global") (mut (ref null $big)) (ref.null $big))
      (tag $e (export "tag") (param (ref $big)))
      (func (export "small") (result (ref $small)) (struct.new $small (i32.const 7)))
      (func (export "big") (result (ref $big))
        (struct.new $big (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)))
      (func (export "readBig") (param (ref $big)) (result i64) (struct.get $big 3 (local.get 0)))
      (func (export "readNullableBig") (param (ref null $big)) (result i64)
        (struct.get $big 3 (local.get 0)))
      (func $inc (export "inc") (type $sig) (i32.add (local.get 0) (i32.const 1)))
      (func (export "one") (type $other) (i32.const 1))
      (func (export "callSig") (param (ref $sig)) (result i32)
        (call_ref $sig (i32.const 5) (local.get 0))))
    """

  static func setUp() throws -> (Store, Instance) {
    let store = Store()
    return (store, try instantiate(text: Self.module, store: store))
  }

  static func isRefused(_ body: () throws(Trap) -> [Value]) -> Bool {
    do {
      _ = try body()
      return false
    } catch {
      return error.kind == .hostError
    }
  }

  @Test func aStructOfAnotherTypeIsRefusedAsAnArgument() throws {
    let (_, instance) = try Self.setUp()
    let small = try instance.function("small")!.call()[0]
    let big = try instance.function("big")!.call()[0]
    #expect(try instance.function("readBig")!.call(big) == [.i64(4)])
    #expect(Self.isRefused { () throws(Trap) in try instance.function("readBig")!.call(small) })
    #expect(
      Self.isRefused { () throws(Trap) in try instance.function("readNullableBig")!.call(small) })
    #expect(
      Self.isRefused { () throws(Trap) in try instance.function("readBig")!.call(.anyRef(.i31(3))) }
    )
  }

  @Test func aFunctionOfAnotherSignatureIsRefusedForAConcreteFunctionType() throws {
    let (_, instance) = try Self.setUp()
    let inc = instance.function("inc")!.reference
    let one = instance.function("one")!.reference
    #expect(try instance.function("callSig")!.call(.funcRef(inc)) == [.i32(6)])
    #expect(
      Self.isRefused { () throws(Trap) in try instance.function("callSig")!.call(.funcRef(one)) })
  }

  @Test func referencesOfAnotherStoreAreRefused() throws {
    let (_, first) = try Self.setUp()
    let (_, second) = try Self.setUp()
    let big = try first.function("big")!.call()[0]
    let inc = first.function("inc")!.reference
    // Same module, same function index, same types: still another store's values.
    #expect(Self.isRefused { () throws(Trap) in try second.function("readBig")!.call(big) })
    #expect(
      Self.isRefused { () throws(Trap) in try second.function("callSig")!.call(.funcRef(inc)) })
    #expect(second.table("table")!.set(0, .funcRef(inc)) == false)
    #expect(second.global("global")!.set(big) == false)
    #expect(inc != second.function("inc")!.reference)
    #expect(try first.function("callSig")!.call(.funcRef(inc)) == [.i32(6)])
  }

  @Test func tablesAndGlobalsCheckConcreteTypes() throws {
    let (_, instance) = try Self.setUp()
    let table = instance.table("table")!
    #expect(table.set(1, .funcRef(instance.function("inc")!.reference)))
    #expect(table.set(1, .funcRef(instance.function("one")!.reference)) == false)
    #expect(table.set(1, .funcRef(nil)))
    let global = instance.global("global")!
    let big = try instance.function("big")!.call()[0]
    #expect(global.set(big))
    #expect(global.set(try instance.function("small")!.call()[0]) == false)
    #expect(global.value == big)
  }

  @Test func aHostResultOfAnotherStoreIsRefused() throws {
    let (_, elsewhere) = try Self.setUp()
    let foreign = try elsewhere.function("big")!.call()[0]
    let store = Store()
    var linker = Linker()
    // Before the check, another store's struct was encoded as null: a null in a
    // non-null result, which the guest could observe.
    linker.defineFunction(
      module: "host", name: "make", in: store, parameters: [],
      results: [.ref(ReferenceType(isNullable: false, heapType: .struct))]
    ) { _, _ in [foreign] }
    let instance = try instantiate(
      text: """
        (module
          (import "host" "make" (func $make (result (ref struct))))
          (func (export "run") (result i32) (ref.is_null (call $make))))
        """, store: store, linker: linker)
    #expect(trap(calling: instance.function("run"))?.kind == .hostError)
  }

  @Test func aHostExceptionCarryingAStructOfAnotherTypeIsRefused() throws {
    let store = Store()
    let helper = try instantiate(text: Self.module, store: store)
    let small = try helper.function("small")!.call()[0]
    let big = try helper.function("big")!.call()[0]
    let tag = try #require(helper.tag("tag"))
    var payload = small
    var linker = Linker()
    linker.define(module: "helper", name: "tag", .tag(tag))
    linker.defineFunction(module: "host", name: "throw", in: store, parameters: [], results: []) {
      _, _ in throw WasmException(tag: tag, values: [payload])
    }
    let guest = try instantiate(
      text: """
        (module
          (type $big (struct (field i64) (field i64) (field i64) (field i64)))
          (import "helper" "tag" (tag $e (param (ref $big))))
          (import "host" "throw" (func $throw))
          (func (export "run") (result i64)
            (block $h (result (ref $big))
              (try_table (catch $e $h) (call $throw))
              (return (i64.const -1)))
            (struct.get $big 3)))
        """, store: store, linker: linker)
    #expect(trap(calling: guest.function("run"))?.kind == .hostError)
    payload = big
    #expect(try guest.function("run")!.call() == [.i64(4)])
  }
}
