// The import table is the one place an import is declared; the ABI's documentation
// must list each of them (and nothing else).

import Testing
import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct WasmBpfImportTableTests {
  @Test func theAbiDocumentListsEveryImport() throws {
    let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
    let path = "/" + root + "/docs/wasm-bpf-abi.md"
    let file = try #require(fopen(path, "r"), "cannot read \(path)")
    defer { fclose(file) }
    var text = ""
    var line = [CChar](repeating: 0, count: 4096)
    while fgets(&line, Int32(line.count), file) != nil { text += String(cString: line) }
    var documented: [String] = []
    for line in text.split(separator: "\n") where line.hasPrefix("| `wasm_") {
      let name = line.dropFirst(3).prefix { $0 != "`" }
      documented.append(String(name))
    }
    #expect(documented.sorted() == WasmBpf.importNames.sorted())
    #expect(documented.count == Set(documented).count, "each once")
    #expect(WasmBpf.importNames.count == 7)
  }
}
