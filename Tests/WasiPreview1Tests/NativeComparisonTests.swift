// Fixtures/wasi/files.c built natively (cc) and as wasm32-wasi: run on two copies of
// one directory, both must print the same and leave the same tree.
import Glibc
import Testing
import WasiPreview1

@Suite struct NativeComparisonTests {
  /// Types, paths, sizes, link counts and link targets, then every file's bytes.
  static func snapshot(_ path: String) -> String {
    shellOutput(
      "cd '\(path)' && find . -printf '%y %p %s %n %l\\n' | LC_ALL=C sort"
        + " && find . -type f | LC_ALL=C sort | xargs -r -d '\\n' -I{} sh -c 'echo \"== {}\"; cat \"{}\"'"
    )
  }

  static func populate(_ dir: TemporaryDirectory, _ name: String) throws {
    try dir.mkdir(name)
    try dir.mkdir("\(name)/input")
    try dir.mkdir("\(name)/input/sub")
    try writeFile(dir.sub("\(name)/input/hello.txt"), "hello\nworld\n")
    try writeFile(dir.sub("\(name)/input/sub/nested.txt"), "nested file\n")
    try writeFile(dir.sub("\(name)/old.txt"), "to be deleted\n")
  }

  @Test func wasmBehavesLikeNative() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.populate(dir, "native")
    try Self.populate(dir, "wasm")
    #expect(Self.snapshot(dir.sub("native")) == Self.snapshot(dir.sub("wasm")))

    let native = shellOutput(
      "'\(Fixture.path("files-native"))' '\(dir.sub("native"))'; echo \"exit $?\"")
    let wasm = try Fixture.run(
      "files",
      WasiConfiguration(
        arguments: ["files", "/data"],
        preopens: [WasiPreopen(hostPath: dir.sub("wasm"), guestPath: "/data")],
        stdout: .buffer(), stderr: .buffer()))
    #expect(native.hasSuffix("exit 0\n"))
    #expect(wasm.exitCode == 0)
    #expect(wasm.stderrText == "")
    #expect(wasm.stdoutText + "exit 0\n" == native)
    // The program did real work, and the trees still agree afterwards.
    #expect(wasm.stdoutText.contains("rename input/hello.txt -> made/hello.txt: ok"))
    #expect(wasm.stdoutText.contains("unlink old.txt again: ENOENT"))
    let after = Self.snapshot(dir.sub("wasm"))
    #expect(after.contains("renamed.txt"))
    #expect(after == Self.snapshot(dir.sub("native")))
  }
}
