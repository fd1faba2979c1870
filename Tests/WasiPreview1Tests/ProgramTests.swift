// Guest programs (Fixtures/wasi) per area, run on the interpreter in-process and
// checked for output and exit code.
import Glibc
import Testing
import WasiPreview1
import WasmCore
import WasmInterp

@Suite struct ProgramTests {
  @Test func standardStreamsAsBuffers() throws {
    let result = try Fixture.run(
      "stdio",
      WasiConfiguration(
        arguments: ["stdio"], stdin: .buffer(input: Array("hello, wasi\n".utf8)), stdout: .buffer(),
        stderr: .buffer()))
    #expect(result.stdoutText == "HELLO, WASI\n")
    #expect(result.stderrText == "read 12 bytes\n")
    #expect(result.exitCode == 3)
  }

  @Test func standardStreamsAsFilesAndClosed() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeFile(dir.sub("in.txt"), "from a file")
    let result = try Fixture.run(
      "stdio",
      WasiConfiguration(
        arguments: ["stdio"], stdin: .file(path: dir.sub("in.txt")),
        stdout: .file(path: dir.sub("out.txt")), stderr: .closed))
    #expect(result.exitCode == 3)
    #expect(try readFile(dir.sub("out.txt")) == Array("FROM A FILE".utf8))
    let closedInput = try Fixture.run(
      "stdio",
      WasiConfiguration(arguments: ["stdio"], stdin: .closed, stdout: .buffer(), stderr: .buffer()))
    #expect(closedInput.stdout.isEmpty)
    #expect(closedInput.stderrText == "read 0 bytes\n")
  }

  @Test func argumentsAndEnvironment() throws {
    let result = try Fixture.run(
      "args_env",
      WasiConfiguration(
        arguments: ["prog", "one", "two words", ""],
        environment: [(key: "FOO", value: "bar=baz"), (key: "EMPTY", value: "")],
        stdout: .buffer()))
    #expect(
      result.stdoutText == """
        argc 4
        argv[0] prog
        argv[1] one
        argv[2] two words
        argv[3] \("")
        env FOO=bar=baz
        env EMPTY=
        FOO bar=baz

        """)
    #expect(result.exitCode == 4)
  }

  @Test func injectedClockAndRandom() throws {
    var configuration = WasiConfiguration(arguments: ["clocks"], stdout: .buffer())
    configuration.clock = { id in
      if id == 0 { return 1_700_000_000_123_456_789 }
      var time = timespec()
      clock_gettime(id == 1 ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &time)
      return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
    configuration.random = { buffer in
      for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: 0xA0 + index) }
    }
    let result = try Fixture.run("clocks", configuration)
    #expect(
      result.stdoutText == """
        realtime 1700000000.123456789
        monotonic resolution ok 1
        cputime ok 1
        slept at least 30ms 1
        random a0 a1 a2 a3 a4 a5 a6 a7

        """)
  }

  @Test func hostClockAndRandom() throws {
    var before = timespec()
    clock_gettime(CLOCK_REALTIME, &before)
    let first = try Fixture.run(
      "clocks", WasiConfiguration(arguments: ["clocks"], stdout: .buffer()))
    var after = timespec()
    clock_gettime(CLOCK_REALTIME, &after)
    let second = try Fixture.run(
      "clocks", WasiConfiguration(arguments: ["clocks"], stdout: .buffer()))
    let lines = first.stdoutText.split(separator: "\n")
    let seconds = lines.first.flatMap { Int($0.dropFirst("realtime ".count).prefix { $0 != "." }) }
    // The guest read the host's clock between `before` and `after`, however long the
    // run took on a loaded machine.
    #expect(
      seconds.map { (before.tv_sec...after.tv_sec).contains($0) } == true, "\(first.stdoutText)")
    #expect(lines.contains("slept at least 30ms 1"))
    #expect(
      first.stdoutText.split(separator: "\n").last != second.stdoutText.split(separator: "\n").last)
  }

  @Test func pollClocksAndDescriptors() throws {
    let result = try Fixture.run(
      "poll",
      WasiConfiguration(
        arguments: ["poll"], stdin: .buffer(input: Array("abc".utf8)), stdout: .buffer()))
    #expect(
      result.stdoutText == """
        relative clock: err 0 events 1 userdata 7 type 0 waited 1
        absolute clock: err 0 events 1 userdata 8 waited 1
        stdin ready: err 0 events 1 userdata 1 type 1 nbytes 3 quick 1
        stdout writable: err 0 events 1 userdata 3 type 2
        bad fd: err 0 events 1 userdata 4 error 8
        no subscriptions: err 28

        """)
  }

  @Test func errnoValues() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.mkdir("dir")
    try writeFile(dir.sub("file.txt"), "x")
    try writeFile(dir.sub("dir/inner.txt"), "y")
    let result = try Fixture.run(
      "errors",
      WasiConfiguration(
        arguments: ["errors"], preopens: [WasiPreopen(hostPath: dir.path, guestPath: "/d")],
        stdout: .buffer()))
    let expected: [(String, WasiErrno)] = [
      ("open missing", .noent), ("mkdir existing", .exist), ("rmdir non-empty", .notempty),
      ("rmdir file", .notdir), ("unlink directory", .isdir), ("open file as directory", .notdir),
      ("create exclusive existing", .exist), ("open through file", .notdir),
      ("write bad fd", .badf), ("write iovec out of memory", .fault),
      ("write buffer out of memory", .fault), ("write result out of memory", .fault),
      ("open path out of memory", .fault), ("empty path", .noent),
      ("seek on stdout buffer", .spipe), ("clock id 9", .inval), ("readdir of a file", .notdir),
      ("more rights", .notcapable), ("drop write right", .success),
      ("write without the right", .notcapable), ("readlink of a file", .inval),
      ("rename directory into itself", .inval), ("prestat of stdin", .badf),
      ("raise bad signal", .inval), ("close bad fd", .badf), ("renumber onto missing fd", .badf),
      ("shutdown a non-socket", .notsock),
    ]
    let text = expected.map { "\($0.0) \($0.1.rawValue)\n" }.joined()
    #expect(result.stdoutText == text)
    #expect(result.exitCode == 0)
  }

  @Test func procRaise() throws {
    let result = try Fixture.run(
      "raise", WasiConfiguration(arguments: ["raise"], stdout: .buffer()))
    #expect(result.stdoutText == "chld 0\nstop \(WasiErrno.notsup.rawValue)\n")
    #expect(result.exitCode == 128 + UInt32(SIGTERM))
  }

  /// proc_exit inside a guest function the host called from inside a host function
  /// the guest called: the exit unwinds through both guest frames and the host frame.
  @Test func exitFromInsideAHostCallback() throws {
    let store = Store()
    let wasi = try WasiPreview1(
      configuration: WasiConfiguration(arguments: ["callback"], stdout: .buffer()))
    var linker = Linker()
    wasi.define(in: &linker, store: store)
    nonisolated(unsafe) var afterInner = false
    linker.defineFunction(module: "env", name: "call_back", in: store, parameters: [], results: [])
    {
      caller, _ in
      guard case .function(let inner)? = caller.export("inner") else {
        throw HostError(description: "no inner export")
      }
      _ = try inner.call([])
      afterInner = true
      return []
    }
    let module = try ValidatedModule(bytes: try Fixture.bytes("callback.wasm"))
    let instance = try linker.instantiate(module, in: store)
    #expect(try wasi.start(instance) == 5)
    #expect(wasi.capturedStdout.text == "before\ninner\n")
    #expect(!afterInner)
    #expect(wasi.exitCode == 5)
  }

  /// A host callback that swallows the exit trap cannot resurrect the guest: its next
  /// WASI call ends it again, with the same code.
  @Test func exitCannotBeSwallowedByTheHost() throws {
    let store = Store()
    let wasi = try WasiPreview1(
      configuration: WasiConfiguration(arguments: ["callback"], stdout: .buffer()))
    var linker = Linker()
    wasi.define(in: &linker, store: store)
    nonisolated(unsafe) var swallowed = false
    linker.defineFunction(module: "env", name: "call_back", in: store, parameters: [], results: [])
    {
      caller, _ in
      guard case .function(let inner)? = caller.export("inner") else {
        throw HostError(description: "no inner export")
      }
      do { _ = try inner.call([]) } catch { swallowed = true }
      return []
    }
    let module = try ValidatedModule(bytes: try Fixture.bytes("callback.wasm"))
    let instance = try linker.instantiate(module, in: store)
    #expect(try wasi.start(instance) == 5)
    #expect(swallowed)
    #expect(wasi.capturedStdout.text == "before\ninner\n")
  }

  @Test func socketCalls() throws {
    var pair: [Int32] = [0, 0]
    #expect(
      socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0
    )
    defer { close(pair[1]) }
    #expect(write(pair[1], "pong", 4) == 4)
    let store = Store()
    // No preopens: the socket is the first descriptor after the standard streams.
    let wasi = try WasiPreview1(
      configuration: WasiConfiguration(arguments: ["sock", "3"], stdout: .buffer()))
    #expect(try wasi.context.addSocket(hostFD: pair[0]) == 3)
    var linker = Linker()
    wasi.define(in: &linker, store: store)
    let module = try ValidatedModule(bytes: try Fixture.bytes("sock.wasm"))
    let instance = try linker.instantiate(module, in: store)
    #expect(try wasi.start(instance) == 0)
    #expect(
      wasi.capturedStdout.text == """
        recv 0 4 'pong'
        send 0 4
        shutdown 0
        accept on a stream \(WasiErrno.inval.rawValue)

        """)
    var buffer = [UInt8](repeating: 0, count: 16)
    #expect(read(pair[1], &buffer, 16) == 4)
    #expect(Array(buffer[0..<4]) == Array("ping".utf8))
    #expect(read(pair[1], &buffer, 16) == 0)  // the guest shut down writing
  }
}
