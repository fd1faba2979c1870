// Bad input to the API: malformed JSON, unknown fields, huge bodies, paths outside the
// allowed directories, a non-root peer, a wrong token. Each gets a clear error with the
// documented code, and the agent keeps answering.

import Foundation
import NIOHTTP1
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized) struct APIHostileInputTests {
  /// Sends a raw body to the load operation; the status and the error body.
  func post(_ client: AgentClient, _ body: Data, contentType: String = "application/json")
    async throws
    -> (Int, APIErrorBody?)
  {
    let response = try await client.request(
      method: .POST, path: AgentOperation.loadGuest.path, body: body,
      headers: [("Content-Type", contentType)])
    return (response.status, try? JSONDecoder().decode(APIErrorBody.self, from: response.body))
  }

  @Test func badRequestsGetClearErrorsAndTheAgentCarriesOn() async throws {
    let folder = try TemporaryFolder("hostile")
    defer { folder.remove() }
    let tools = folder.file("tools")
    try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
    try folder.write("tools/not-wasm.wasm", "hello")
    try folder.write("secret.wasm", "\0asm\u{1}\0\0\0")
    symlink(folder.file("secret.wasm"), tools + "/escape.wasm")
    let agent = try await AgentProcess(folder: folder, arguments: ["--tool-dir", tools])
    defer { agent.stop() }
    let client = agent.client

    func load(_ file: String, policy: String = #"{"preset":"observe"}"#, extra: String = "") -> Data
    {
      Data(#"{"name":"t","spec":{"module":{"file":"\#(file)"},"policy":\#(policy)\#(extra)}}"#.utf8)
    }

    var (status, error) = try await post(client, Data(#"{"name": "t", "spec": {"#.utf8))
    #expect(status == 400 && error?.error.code == .malformedJSON)
    #expect(error?.error.message.contains("Unexpected end of file") == true)

    (status, error) = try await post(
      client, load(tools + "/x.wasm", extra: #","limits":{"fuel":1,"gas":2}"#))
    #expect(status == 400 && error?.error.code == .unknownField)
    #expect(error?.error.message.contains("spec.limits.gas") == true)

    (status, error) = try await post(client, Data(repeating: UInt8(ascii: " "), count: 4 << 20))
    #expect(status == 413 && error?.error.code == .bodyTooLarge)

    (status, error) = try await post(client, load("/etc/passwd"))
    #expect(status == 403 && error?.error.code == .pathNotAllowed)
    #expect(error?.error.message.contains("outside the allowed directories") == true)

    (status, error) = try await post(client, load(tools + "/../secret.wasm"))
    #expect(status == 403 && error?.error.code == .pathNotAllowed)

    (status, error) = try await post(client, load(tools + "/escape.wasm"))
    #expect(status == 403 && error?.error.code == .pathNotAllowed)

    (status, error) = try await post(
      client, load(tools + "/x.wasm", policy: #"{"file":"/etc/shadow"}"#))
    #expect(status == 422 || status == 403)

    (status, error) = try await post(client, load(tools + "/not-wasm.wasm"))
    #expect(status == 422 && error?.error.code == .loadFailed)

    (status, error) = try await post(client, load("relative.wasm"))
    #expect(status == 403 && error?.error.code == .pathNotAllowed)

    (status, error) = try await post(client, load(tools + "/x.wasm"), contentType: "text/plain")
    #expect(status == 415 && error?.error.code == .unsupportedMediaType)

    (status, error) = try await post(
      client,
      Data(
        #"{"name":"Bad/Name","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"}}}"#.utf8))
    #expect(status == 400 && error?.error.code == .invalidField)

    // Names in paths and query parameters.
    var response = try await client.request(method: .GET, path: "/v1/guests/NOPE", body: nil)
    #expect(response.status == 400)
    response = try await client.request(method: .GET, path: "/v1/guests/nope", body: nil)
    #expect(response.status == 404)
    response = try await client.request(
      method: .GET, path: "/v1/guests/nope/wait?timeoutMs=-3", body: nil)
    #expect(response.status == 400)
    response = try await client.request(method: .GET, path: "/v1/nothing", body: nil)
    #expect(response.status == 404)
    #expect(
      (try? JSONDecoder().decode(APIErrorBody.self, from: response.body))?.error.code == .notFound)

    // Still answering, nothing loaded.
    let health = try await client.call(.health, as: HealthStatus.self)
    #expect(health.status == "ok" && health.guests == 0)
    #expect(agent.process.isRunning)
    #expect(await agent.terminate() == 0)
  }

  @Test func aPeerThatIsNotRootIsRefusedByItsCredentials() async throws {
    let folder = try TemporaryFolder("peer")
    defer { folder.remove() }
    // The socket is opened to everyone on purpose, so that the refusal seen is the
    // SO_PEERCRED check and not the file mode.
    let agent = try await AgentProcess(folder: folder, arguments: ["--socket-mode", "666"])
    defer { agent.stop() }
    chmod(folder.file("run"), 0o755)
    let ctl = try executable("wasmbpfctl")
    let refused = try runCommand(
      "/usr/bin/setpriv",
      [
        "--reuid=65534", "--regid=65534", "--clear-groups", ctl, "list", "--socket",
        agent.socketPath,
      ])
    #expect(refused.status == 1)
    #expect(refused.output.contains("uid 65534 may not use this agent"), "\(refused.output)")
    #expect(agent.log().contains("refused a client"))
    // Root still gets in; and the default mode keeps others from connecting at all.
    #expect(try runCommand(ctl, ["list", "--socket", agent.socketPath]).status == 0)
    #expect(await agent.terminate() == 0)

    let strict = try await AgentProcess(folder: folder)
    defer { strict.stop() }
    var info = stat()
    #expect(stat(strict.socketPath, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    let denied = try runCommand(
      "/usr/bin/setpriv",
      [
        "--reuid=65534", "--regid=65534", "--clear-groups", ctl, "list", "--socket",
        strict.socketPath,
      ])
    #expect(denied.status == 1)
    #expect(
      denied.output.contains("Permission denied") || denied.output.contains("EACCES"),
      "\(denied.output)")
    #expect(await strict.terminate() == 0)
  }

  @Test func theLoopbackListenerWantsTheToken() async throws {
    let folder = try TemporaryFolder("token")
    defer { folder.remove() }
    let agent = try await AgentProcess(folder: folder, tcpToken: "s3cret-token")
    defer { agent.stop() }
    let port = try #require(agent.tcpPort)
    let good = AgentClient(endpoint: .tcp(host: "127.0.0.1", port: port, token: "s3cret-token"))
    #expect(try await good.call(.listGuests, as: GuestList.self).guests.isEmpty)
    for token in ["", "s3cret-toke", "s3cret-token2", "S3CRET-TOKEN"] {
      let bad = AgentClient(endpoint: .tcp(host: "127.0.0.1", port: port, token: token))
      await #expect(throws: AgentClientError.self) {
        _ = try await bad.call(.listGuests, as: GuestList.self)
      }
      let response = try await bad.request(method: .GET, path: "/v1/guests", body: nil)
      #expect(response.status == 401)
    }
    #expect(await agent.terminate() == 0)
  }

  @Test func aNonLoopbackTCPAddressIsRefused() throws {
    let folder = try TemporaryFolder("nonloop")
    defer { folder.remove() }
    try folder.write("token", "x")
    let result = try runCommand(
      try executable("wasmbpfd"),
      [
        "--socket", folder.file("s.sock"), "--tcp", "0.0.0.0:0", "--token-file",
        folder.file("token"),
      ])
    #expect(result.status == 1)
    #expect(result.output.contains("loopback addresses only"), "\(result.output)")
  }

  @Test func aSecondAgentDoesNotTakeOverARunningAgentsSocket() async throws {
    let folder = try TemporaryFolder("second")
    defer { folder.remove() }
    let agent = try await AgentProcess(folder: folder)
    defer { agent.stop() }
    let second = try runCommand(try executable("wasmbpfd"), ["--socket", agent.socketPath])
    #expect(second.status == 1)
    #expect(second.output.contains("another process is listening"), "\(second.output)")
    #expect(try await agent.client.call(.health, as: HealthStatus.self).status == "ok")
    #expect(await agent.terminate() == 0)
    #expect(access(agent.socketPath, F_OK) != 0, "the socket file is removed at exit")
  }
}
