// Registry auth against the real registry: Basic (htpasswd) with credentials from
// a Docker config file or a credential helper, and bearer tokens from a token
// service (docker-registry's `auth: token`), for pull and push.

import Foundation
import Testing
import WasmbpfOCI

@Suite struct AuthTests {
  func dockerConfig(_ folder: String, registry: String, user: String, password: String) throws
    -> CredentialStore
  {
    let auth = Data("\(user):\(password)".utf8).base64EncodedString()
    try writeFile(folder + "/config.json", #"{"auths":{"\#(registry)":{"auth":"\#(auth)"}}}"#)
    return CredentialStore(files: [folder + "/config.json"])
  }

  @Test func basicAuthWithDockerConfigCredentials() async throws {
    let registry = try TestRegistry(auth: .basic(user: "alice", password: "s3cret"))
    defer { registry.stop() }
    let folder = try temporaryFolder("auth")
    defer { removeFolder(folder) }
    let reference = try RegistryReference(parsing: "\(registry.address)/team/tool:1")
    let artifact = try sampleArtifact(version: "basic")
    let good = try dockerConfig(
      folder, registry: registry.address, user: "alice", password: "s3cret")
    try await withClient(.testing(credentials: good)) { client in
      _ = try await artifact.push(to: reference, client: client)
      let pulled = try await ModulePuller().pull(
        reference, into: try ImageLayout(root: folder + "/cache", create: true), names: [],
        client: client)
      #expect(pulled.artifact.module == artifact.blobs[1].bytes)
    }
    let bad = try dockerConfig(folder, registry: registry.address, user: "alice", password: "wrong")
    try await withClient(.testing(credentials: bad)) { client in
      await #expect(throws: OCIError.self) {
        _ = try await client.fetchManifest(reference)
      }
      do throws(OCIError) {
        _ = try await client.fetchManifest(reference)
      } catch {
        #expect(error.kind == .unauthorized)
        #expect(error.message.contains("refused the credentials from \(folder)/config.json"))
      }
    }
  }

  @Test func credentialHelperNamedByTheDockerConfig() async throws {
    let registry = try TestRegistry(auth: .basic(user: "bob", password: "helper-pass"))
    defer { registry.stop() }
    let folder = try temporaryFolder("helper")
    defer { removeFolder(folder) }
    // A credential helper as `docker login` would use: host on stdin, JSON on stdout.
    let helper = folder + "/docker-credential-wasmbpftest"
    try writeFile(
      helper,
      Array(
        """
        #!/bin/sh
        read host
        [ "$1" = get ] && [ "$host" = "\(registry.address)" ] || { echo "credentials not found in native keychain"; exit 1; }
        echo '{"ServerURL":"\(registry.address)","Username":"bob","Secret":"helper-pass"}'

        """.utf8), mode: 0o755)
    try writeFile(
      folder + "/config.json", #"{"credHelpers":{"\#(registry.address)":"wasmbpftest"}}"#)
    let store = CredentialStore(files: [folder + "/config.json"], helperSearchPath: folder)
    #expect(
      try store.credentials(for: registry.address)
        == Credentials(
          username: "bob", password: "helper-pass", source: "docker-credential-wasmbpftest"))
    let reference = try RegistryReference(parsing: "\(registry.address)/team/helped:1")
    try await withClient(.testing(credentials: store)) { client in
      _ = try await (try sampleArtifact(version: "helper")).push(to: reference, client: client)
    }
  }

  @Test func bearerTokensFromATokenService() async throws {
    let tokens = try TokenService(user: "carol", password: "t0ken")
    defer { tokens.stop() }
    let registry = try TestRegistry(
      auth: .token(
        realm: tokens.realm, service: TokenService.service, issuer: TokenService.issuer,
        certificatePath: tokens.certificatePath))
    defer { registry.stop() }
    let folder = try temporaryFolder("bearer")
    defer { removeFolder(folder) }
    let reference = try RegistryReference(parsing: "\(registry.address)/secure/tool:1")
    let artifact = try sampleArtifact(version: "bearer")
    let store = try dockerConfig(
      folder, registry: registry.address, user: "carol", password: "t0ken")
    try await withClient(.testing(credentials: store)) { client in
      _ = try await artifact.push(to: reference, client: client, chunkSize: 65536)
      let pulled = try await ModulePuller().pull(
        reference, into: try ImageLayout(root: folder + "/cache", create: true), names: [],
        client: client)
      #expect(pulled.artifact.module == artifact.blobs[1].bytes)
    }
    // The token service issued tokens for pull and push, as asked.
    let scopes = tokens.server.requests.withLockedValue { $0 }
    #expect(
      scopes.contains {
        $0.contains("scope=repository%3Asecure%2Ftool%3Apull%2Cpush")
          || $0.contains("scope=repository:secure/tool:pull,push")
      })
    // Anonymous: the service hands out a token that grants nothing, the registry refuses.
    try await withClient { client in
      do throws(OCIError) {
        _ = try await client.fetchManifest(reference)
        Issue.record("an anonymous pull succeeded")
      } catch {
        #expect(error.kind == .unauthorized, "\(error)")
      }
    }
  }

  @Test func credentialFilesInTheOrderOtherToolsReadThem() throws {
    let folder = try temporaryFolder("files")
    defer { removeFolder(folder) }
    let store = CredentialStore.standard(environment: [
      "HOME": folder, "REGISTRY_AUTH_FILE": folder + "/explicit.json",
      "XDG_RUNTIME_DIR": folder + "/run",
    ])
    #expect(
      store.files == [
        folder + "/explicit.json", folder + "/run/containers/auth.json",
        folder + "/.config/containers/auth.json", folder + "/.docker/config.json",
      ])
    try FileManager.default.createDirectory(
      atPath: folder + "/.docker", withIntermediateDirectories: true)
    let docker = Data("dan:docker".utf8).base64EncodedString()
    try writeFile(
      folder + "/.docker/config.json",
      #"{"auths":{"https://registry.example:5000/v1/":{"auth":"\#(docker)"},"other.example":{"auth":"\#(docker)"}}}"#
    )
    #expect(try store.credentials(for: "registry.example:5000")?.username == "dan")
    #expect(try store.credentials(for: "unknown.example") == nil)
    try writeFile(
      folder + "/explicit.json",
      #"{"auths":{"registry.example:5000":{"username":"erin","password":"p"}}}"#)
    #expect(try store.credentials(for: "registry.example:5000")?.username == "erin")
    // A broken file is an error, not a silent fall back to anonymous access.
    try writeFile(folder + "/explicit.json", "{not json")
    #expect(throws: OCIError.self) { _ = try store.credentials(for: "registry.example:5000") }
  }
}
