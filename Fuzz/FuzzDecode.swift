// libFuzzer entry point for WasmCore's decoder and validator.
//
// Built by Scripts/fuzz.sh together with the WasmCore sources (one module, no
// package), with `-sanitize=fuzzer,address`. A finding is anything other than
// returning normally or throwing a WasmError: a trap (overflow, bounds, force
// unwrap), a hang (libFuzzer's -timeout) or unbounded allocation (-rss_limit_mb /
// -malloc_limit_mb).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecodeValidate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let module = try decodeModule(bytes)
    try validateModule(module)
  } catch {
    // WasmError is the only thing decode/validate can throw (typed throws).
    _ = error.kind
  }
  return 0
}
