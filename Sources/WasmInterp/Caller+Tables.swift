// Host functions that call back into the guest through its function table (the
// wasm_bpf ABI passes C function pointers, which in wasm32 are table-0 indices).

import WasmCore

extension Caller {
  /// The function at `index` of the calling instance's table `table` (exported or
  /// not), or nil when there is no such table, the index is out of bounds, or the
  /// entry is null. The caller checks the function's `type` before calling it.
  public func function(inTable table: Int, at index: Int) -> Function? {
    guard let instance, table >= 0, table < instance.tables.count else { return nil }
    let handle = Table(runtime: runtime, instance: instance.tables[table])
    guard case .funcRef(let reference?)? = handle[index] else { return nil }
    guard reference.storeIndex >= 0, reference.storeIndex < runtime.functions.count else {
      return nil
    }
    return Function(runtime: runtime, instance: runtime.functions[reference.storeIndex])
  }
}
