// Test support: a real wasmbpfd process (the binary of this build) on a socket in a
// fresh folder, with its log in a file, and a client for it.

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

/// The folder of this build's executables (beside the test bundle).
func buildDirectory() throws -> String {
  var buffer = [CChar](repeating: 0, count: 4096)
  let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  try #require(length > 0, "cannot read /proc/self/exe")
  let exe = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  var directory = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast()
  if directory.last?.hasSuffix(".xctest") == true { directory = directory.dropLast() }
  return directory.joined(separator: "/")
}

func executable(_ name: String) throws -> String {
  let path = try buildDirectory() + "/" + name
  try #require(access(path, X_OK) == 0, "\(name) not built at \(path)")
  return path
}

/// The repository's root folder.
let repositoryRoot =
  "/" + String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")

/// A fixture built by Scripts/build-fixtures.sh.
func fixture(_ relative: String) throws -> String {
  let path = repositoryRoot + "/Fixtures/generated/" + relative
  try #require(access(path, R_OK) == 0, "fixture \(path) missing: run Scripts/build-fixtures.sh")
  return path
}

/// A fresh folder, removed by `remove()`.
struct TemporaryFolder {
  let path: String
  init(_ label: String = "agent") throws {
    var template = Array("/tmp/wasmbpfd-test-\(label)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    try #require(made != nil, "mkdtemp failed")
    path = String(cString: template)
    chmod(path, 0o755)
  }
  func file(_ name: String) -> String { path + "/" + name }
  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: file(name), atomically: true, encoding: .utf8)
  }
  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A running wasmbpfd.
final class AgentProcess {
  let process = Process()
  let folder: TemporaryFolder
  let socketPath: String
  let logPath: String
  var tcpPort: Int?

  /// Starts wasmbpfd with `arguments` added to its socket and log options, and waits
  /// until it answers.
  init(folder: TemporaryFolder, arguments: [String] = [], tcpToken: String? = nil) async throws {
    self.folder = folder
    socketPath = folder.file("run/wasmbpfd.sock")
    logPath = folder.file("wasmbpfd.log")
    var all = ["--socket", socketPath, "--reconcile-interval", "0.2"] + arguments
    if let tcpToken {
      try folder.write("token", tcpToken)
      all += [
        "--tcp", "127.0.0.1:0", "--token-file", folder.file("token"), "--tcp-port-file",
        folder.file("port"),
      ]
    }
    process.executableURL = URL(fileURLWithPath: try executable("wasmbpfd"))
    process.arguments = all
    FileManager.default.createFile(atPath: logPath, contents: nil)
    let logFile = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    process.standardOutput = logFile
    process.standardError = logFile
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Checked once more after the deadline (see `eventually`): this task may wait
    // for a thread of the cooperative pool longer than the agent takes to start.
    let deadline = Date().addingTimeInterval(30)
    var lastTry = false
    while !lastTry {
      lastTry = Date() >= deadline
      if !process.isRunning { break }
      if access(socketPath, F_OK) == 0,
        (try? await client.call(.health, as: HealthStatus.self)) != nil
      {
        if tcpToken != nil {
          if let text = try? String(contentsOfFile: folder.file("port"), encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
          {
            tcpPort = port
            return
          }
        } else {
          return
        }
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    let text = log()
    stop()
    Issue.record("wasmbpfd did not start: \(text)")
    throw CancellationError()
  }

  var client: AgentClient { AgentClient(endpoint: .unixSocket(socketPath)) }

  func log() -> String {
    (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
  }

  /// Sends SIGTERM and waits for the exit; the exit status.
  @discardableResult
  func terminate(timeout: TimeInterval = 30) async -> Int32? {
    guard process.isRunning else { return process.terminationStatus }
    kill(process.processIdentifier, SIGTERM)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline {
      try? await Task.sleep(for: .milliseconds(20))
    }
    guard !process.isRunning else { return nil }
    return process.terminationStatus
  }

  /// Kills the process if it still runs (the end of a failed test).
  func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }
}

/// Runs a command to its end; its status and output (stdout and stderr together).
@discardableResult
func runCommand(_ path: String, _ arguments: [String], input: Data? = nil) throws -> (
  status: Int32, output: String
) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: path)
  process.arguments = arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  let inputPipe = Pipe()
  process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
  try process.run()
  if let input {
    inputPipe.fileHandleForWriting.write(input)
    try inputPipe.fileHandleForWriting.close()
  }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether tests that need system tools or the kernel must run rather than skip (CI).
let toolsRequired = ProcessInfo.processInfo.environment["WASMBPF_REQUIRE_KERNEL"] == "1"
