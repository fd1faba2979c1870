// The sandbox escape suite: Fixtures/wasi/escape.c tries to leave its preopens in
// every way we know; each attempt must be refused and nothing outside may change.
import Glibc
import Testing
import WasiPreview1

@Suite struct SandboxEscapeTests {
  @Test func everyEscapeAttemptIsRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.mkdir("sandbox")
    try dir.mkdir("ro")
    try dir.mkdir("other")
    try writeFile(dir.sub("secret.txt"), "top secret\n")
    try writeFile(dir.sub("ro/data.txt"), "read only\n")
    // Absolute links into the host, which the guest may not make itself.
    for (name, target) in [("root", "/"), ("abs", "/etc/passwd"), ("procroot", "/proc/self/root")] {
      #expect(symlink(target, dir.sub("sandbox/\(name)")) == 0)
    }
    let result = try Fixture.run(
      "escape",
      WasiConfiguration(
        arguments: ["escape"],
        preopens: [
          WasiPreopen(hostPath: dir.sub("sandbox"), guestPath: "/sandbox"),
          WasiPreopen(hostPath: dir.sub("ro"), guestPath: "/ro", isReadOnly: true),
          WasiPreopen(hostPath: dir.sub("other"), guestPath: "/other"),
        ], stdout: .buffer(), stderr: .buffer()))
    let lines = result.stdoutText.split(separator: "\n")
    let refused = lines.filter { $0.contains(" refused ") }
    #expect(!result.stdoutText.contains("ESCAPED"), "\(result.stdoutText)")
    #expect(refused.count >= 20)
    #expect(lines.last == "attempts \(refused.count) escaped 0")
    #expect(result.exitCode == 0)
    // The attempts that name something outside must have been stopped by containment
    // (ENOTCAPABLE), not by chance (e.g. ENOENT).
    let notCapable = "refused \(WasiErrno.notcapable.rawValue)"
    for name in [
      "open ../secret.txt", "open /etc/passwd", "open up/secret.txt", "open c1 (chain out)",
      "stat up/secret.txt", "link up/secret.txt (follow)", "unlink ../secret.txt",
    ] {
      let line = lines.first { $0.contains(name) }
      #expect(line?.hasSuffix(notCapable) == true, "\(name): \(line ?? "missing")")
    }
    for name in ["rename into another preopen", "link into another preopen"] {
      let line = lines.first { $0.contains(name) }
      #expect(
        line?.hasSuffix("refused \(WasiErrno.xdev.rawValue)") == true,
        "\(name): \(line ?? "missing")")
    }
    #expect(
      lines.first { $0.contains("loop1") }?.hasSuffix("refused \(WasiErrno.loop.rawValue)") == true)
    // Symbolic links with absolute contents are refused as other runtimes refuse them.
    let absolute = lines.filter { $0.contains("(absolute)") || $0.contains("symlink to /proc") }
    #expect(absolute.count == 3)
    #expect(
      absolute.allSatisfy { $0.hasSuffix("refused \(WasiErrno.perm.rawValue)") }, "\(absolute)")
    var linkInfo = stat()
    for name in ["root2", "abs2", "pr2"] {
      #expect(lstat(dir.sub("sandbox/\(name)"), &linkInfo) != 0, "\(name) was made")
    }
    // Nothing outside the sandbox changed or appeared.
    #expect(try readFile(dir.sub("secret.txt")) == Array("top secret\n".utf8))
    #expect(try readFile(dir.sub("ro/data.txt")) == Array("read only\n".utf8))
    let outside = Set(shellOutput("ls -A '\(dir.path)'").split(separator: "\n"))
    #expect(outside == ["ro", "secret.txt", "sandbox", "other"])
    #expect(shellOutput("ls -A '\(dir.sub("other"))'") == "")
    #expect(shellOutput("ls -A '\(dir.sub("ro"))'") == "data.txt\n")
    var info = stat()
    #expect(stat(dir.sub("secret.txt"), &info) == 0 && info.st_nlink == 1)
  }
}
