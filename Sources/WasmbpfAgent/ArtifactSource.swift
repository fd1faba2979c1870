// Modules named by an OCI reference (`module.oci`): pulled from a registry into the
// agent's own verified cache (WasmbpfOCI, the library `wasmbpf-run pull` uses), or read
// from an image layout folder inside an allowed directory (air-gapped nodes). A tag is
// resolved here, when a guest is loaded or updated; the digest it resolved to is what
// the guest reports and what its restarts run, so an operator sees exactly what runs
// and a tag that moves later changes nothing until the next update.

import Foundation
import Synchronization
import WasmbpfAgentAPI
import WasmbpfOCI

/// Where the agent gets OCI modules from, and how it talks to registries.
struct ArtifactSource: Sendable {
  /// The cache: an OCI image layout, created at the first pull.
  var cacheDirectory: String
  /// `host[:port]` spoken to over plain HTTP when they do not speak TLS (loopback
  /// registries always may).
  var insecureRegistries: [String]
  /// Where credential files are looked for (`$REGISTRY_AUTH_FILE`, `$DOCKER_CONFIG`,
  /// `$HOME`...): the agent's own environment.
  var environment: [String: String]

  /// A module read from an artifact, with what the operator should be told about it.
  struct Pulled: Sendable {
    var module: [UInt8]
    /// The reference pinned to its digest: `oci://HOST/REPO:TAG@sha256:...`.
    var pinned: String
    var info: ArtifactInfo
    var policyText: String?
    /// An ordinary image's arguments (the rest of its entry point and command).
    var defaultArguments: [String]
    /// Lines for the guest's log: what the reference resolved to and where it came from.
    var notes: [String]
  }

  /// Resolves `text` (`HOST/REPO:TAG`, `...@sha256:HEX`, `oci://...`, or
  /// `oci:DIR[:NAME|@DIGEST]` for a layout inside `allowed`); relative layout folders
  /// start at `baseDirectory`.
  func pull(_ text: String, allowed: AllowedPaths, baseDirectory: String?)
    async throws(APIErrorBody) -> Pulled
  {
    let reference: ModuleReference
    do {
      reference = try ModuleReference(parsing: text, bareIsRegistry: true)
    } catch {
      // Well-formed JSON naming something that is not a reference: a request the agent
      // cannot act on (422), like a module file that is not Wasm.
      throw APIErrorBody(.loadFailed, "module.oci: \(error.message)")
    }
    let pulled: PulledModule
    let pinned: String
    let origin: String
    var notes: [String] = []
    switch reference {
    case .layout(let directory, let selector):
      let path =
        directory.hasPrefix("/") || baseDirectory == nil
        ? directory : baseDirectory! + "/" + directory
      let real: String
      do {
        real = try allowed.check(path)
      } catch {
        throw APIErrorBody(
          error.isPermissionProblem ? .pathNotAllowed : .loadFailed, "module.oci: \(error)")
      }
      do {
        pulled = try ModulePuller().load(
          from: ImageLayout(root: real, create: false), selector: selector)
      } catch {
        throw APIErrorBody(.loadFailed, "module.oci '\(text)': \(error.message)")
      }
      pinned = "oci:\(real)@\(pulled.resolvedDigest)"
      origin = "read from the layout \(real)"
    case .registry(let registryReference):
      let collected = Mutex<[String]>([])
      let puller = ModulePuller(notice: { line in collected.withLock { $0.append(line) } })
      let client = RegistryClient(
        configuration: RegistryClientConfiguration(
          environment: environment, insecureRegistries: insecureRegistries))
      do {
        let cache = try ImageCache(root: cacheDirectory)
        pulled = try await puller.pull(
          registryReference, into: cache.layout, names: [registryReference.description],
          client: client)
        await client.shutdown()
      } catch {
        await client.shutdown()
        throw APIErrorBody(.loadFailed, "module.oci '\(text)': \(error.message)")
      }
      notes += collected.withLock { $0 }
      pinned = "oci://" + registryReference.pinned(to: pulled.resolvedDigest).description
      switch (pulled.fetchedBytes, pulled.fetchedBlobBytes) {
      case (0, _): origin = "from the cache"
      case (_, 0): origin = "manifest from the registry, blobs from the cache"
      case (let all, _): origin = "fetched \(all) bytes into the cache"
      }
    }
    let artifact = pulled.artifact
    notes.insert(
      "module \(text) is \(pulled.resolvedDigest) (\(artifact.format), "
        + "\(artifact.module.count) bytes, \(origin))", at: 0)
    return Pulled(
      module: artifact.module, pinned: pinned,
      info: ArtifactInfo(
        reference: text, digest: pulled.resolvedDigest.description,
        format: artifact.format.description, policyDigest: artifact.policyDigest?.description,
        policyApplied: false),
      policyText: artifact.policy, defaultArguments: artifact.defaultArguments, notes: notes)
  }
}
