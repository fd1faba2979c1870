// What the client fetches and pushes: manifests (verified against the digest that
// names them), blobs (streamed through the hash and checked for their declared size
// and digest before anyone may use them), blob uploads (monolithic, or chunked with
// PATCH and Content-Range) and manifest uploads.
//
// Distribution spec, pull: .../spec.md#pulling-manifests; push: #pushing-blobs,
// #pushing-a-blob-in-chunks, #pushing-manifests.

import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Where a download goes: memory (manifests, configs, policies), or a file.
enum BlobDestination {
  case memory
  case file(Int32, path: String)
}

/// Reports bytes done of a total as a transfer runs.
public typealias TransferProgress = @Sendable (_ done: Int64, _ total: Int64) -> Void

extension RegistryClient {
  /// Fetches the manifest or index `reference` names. By digest, the bytes must hash
  /// to it; by tag, they must hash to the Docker-Content-Digest the registry states,
  /// when it states one. `expectedSize` is the size an index declared for it.
  public func fetchManifest(_ reference: RegistryReference, expectedSize: Int64? = nil)
    async throws(OCIError) -> FetchedManifest
  {
    let call = RegistryClient.Call(
      method: .GET,
      target: "/v2/\(reference.repository)/manifests/\(reference.manifestReference)",
      headers: [("Accept", MediaType.acceptedManifests.joined(separator: ", "))])
    let response = try await send(
      call, registry: reference.registry, repository: reference.repository, access: .pull)
    try await check(response, expecting: .ok, what: "manifest \(reference)")
    let bytes = try await readBody(
      response, limit: limits.manifestBytes, what: "manifest \(reference)")
    let actual = OCIDigest.of(bytes)
    if let digest = reference.digest, actual != digest {
      throw OCIError(
        .digestMismatch,
        "manifest \(reference): the registry sent content with digest \(actual), not the "
          + "\(digest) asked for")
    }
    if let stated = response.headers.first(name: "Docker-Content-Digest"),
      let statedDigest = try? OCIDigest(parsing: stated), statedDigest != actual
    {
      throw OCIError(
        .digestMismatch,
        "manifest \(reference): the registry states digest \(statedDigest) but sent content "
          + "with digest \(actual)")
    }
    if let expectedSize, Int64(bytes.count) != expectedSize {
      throw OCIError(
        .sizeMismatch,
        "manifest \(reference): \(bytes.count) bytes, the index declared \(expectedSize)")
    }
    return try FetchedManifest(
      bytes: bytes, declaredType: response.headers.first(name: "Content-Type"), limits: limits)
  }

  /// Fetches `descriptor`'s blob into memory, checked against its size and digest.
  public func fetchBlob(
    _ repository: RegistryReference, _ descriptor: Descriptor, limit: Int64,
    progress: TransferProgress? = nil
  ) async throws(OCIError) -> [UInt8] {
    var bytes: [UInt8] = []
    try await fetchBlob(
      repository, descriptor, limit: limit, progress: progress
    ) { chunk throws(OCIError) in
      bytes += chunk.readableBytesView
    }
    return bytes
  }

  /// Streams `descriptor`'s blob to `consume`, hashing as it goes. The size is checked
  /// against `limit` before the request; the bytes against the declared size and the
  /// digest at the end. A caller must not use what it was handed unless this returns.
  public func fetchBlob(
    _ repository: RegistryReference, _ descriptor: Descriptor, limit: Int64,
    progress: TransferProgress? = nil, consume: (ByteBuffer) throws(OCIError) -> Void
  ) async throws(OCIError) {
    let what =
      "blob \(descriptor.digest.short) (\(descriptor.mediaType)) of "
      + "\(repository.registry)/\(repository.repository)"
    try checkSize(descriptor, limit: limit, what: "blob")
    let call = RegistryClient.Call(
      method: .GET, target: "/v2/\(repository.repository)/blobs/\(descriptor.digest)")
    let response = try await send(
      call, registry: repository.registry, repository: repository.repository, access: .pull)
    try await check(response, expecting: .ok, what: what)
    var hasher = DigestHasher()
    // Never accept more than the descriptor says: a longer body is an attack or a bug.
    try await streamBody(response, limit: descriptor.size, what: what) { chunk throws(OCIError) in
      chunk.withUnsafeReadableBytes { hasher.update($0) }
      try consume(chunk)
      progress?(hasher.count, descriptor.size)
    }
    guard hasher.count == descriptor.size else {
      throw OCIError(
        .sizeMismatch,
        "\(what): the registry sent \(hasher.count) bytes, the manifest declares "
          + "\(descriptor.size) (truncated blob)")
    }
    let actual = hasher.finish()
    guard actual == descriptor.digest else {
      throw OCIError(
        .digestMismatch,
        "\(what): the registry sent content with digest \(actual), not \(descriptor.digest)")
    }
  }

  /// True when the repository already holds the blob (HEAD).
  public func blobExists(_ repository: RegistryReference, _ digest: OCIDigest)
    async throws(OCIError)
    -> Bool
  {
    let call = RegistryClient.Call(
      method: .HEAD, target: "/v2/\(repository.repository)/blobs/\(digest)")
    let response = try await send(
      call, registry: repository.registry, repository: repository.repository, access: .push)
    await discard(response)
    switch response.status.code {
    case 200: return true
    case 404: return false
    default:
      throw OCIError(
        .httpStatus, "HEAD blob \(digest.short) of \(repository.repository): \(response.status)")
    }
  }

  /// Uploads `bytes` as a blob unless the repository has it. Bytes go up in one PUT,
  /// or, when `chunkSize` is set and smaller than the blob, in PATCHes of that size.
  /// Returns false when the blob was already there.
  @discardableResult
  public func pushBlob(
    _ repository: RegistryReference, _ bytes: [UInt8], digest: OCIDigest, chunkSize: Int? = nil,
    progress: TransferProgress? = nil
  ) async throws(OCIError) -> Bool {
    if try await blobExists(repository, digest) { return false }
    let registry = repository.registry
    let name = repository.repository
    let start = RegistryClient.Call(method: .POST, target: "/v2/\(name)/blobs/uploads/")
    let started = try await send(start, registry: registry, repository: name, access: .push)
    try await check(started, expecting: .accepted, what: "starting an upload to \(name)")
    await discard(started)
    var location = try await uploadLocation(started, registry: registry)
    let total = Int64(bytes.count)
    if let chunkSize, chunkSize > 0, bytes.count > chunkSize {
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + chunkSize, bytes.count)
        let patch = RegistryClient.Call(
          method: .PATCH, target: location,
          headers: [
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", "\(offset)-\(end - 1)"),
          ], body: Array(bytes[offset..<end]))
        let response = try await send(patch, registry: registry, repository: name, access: .push)
        try await check(
          response, expecting: .accepted, what: "uploading bytes \(offset)-\(end - 1)")
        await discard(response)
        location = try await uploadLocation(response, registry: registry)
        offset = end
        progress?(Int64(offset), total)
      }
      let finish = RegistryClient.Call(
        method: .PUT, target: Self.appendingQuery(location, "digest=\(digest)"), body: [])
      let response = try await send(finish, registry: registry, repository: name, access: .push)
      try await checkCreated(
        response, digest: digest, what: "finishing the upload of \(digest.short)")
    } else {
      let put = RegistryClient.Call(
        method: .PUT, target: Self.appendingQuery(location, "digest=\(digest)"),
        headers: [("Content-Type", "application/octet-stream")], body: bytes)
      let response = try await send(put, registry: registry, repository: name, access: .push)
      try await checkCreated(response, digest: digest, what: "uploading \(digest.short)")
      progress?(total, total)
    }
    return true
  }

  /// Uploads a manifest under `reference`'s tag (or its digest) and returns its digest,
  /// checked against the one the registry states.
  public func pushManifest(_ reference: RegistryReference, bytes: [UInt8], mediaType: String)
    async throws(OCIError) -> OCIDigest
  {
    let digest = OCIDigest.of(bytes)
    let call = RegistryClient.Call(
      method: .PUT,
      target: "/v2/\(reference.repository)/manifests/\(reference.tag ?? digest.description)",
      headers: [("Content-Type", mediaType)], body: bytes)
    let response = try await send(
      call, registry: reference.registry, repository: reference.repository, access: .push)
    try await checkCreated(response, digest: digest, what: "uploading the manifest of \(reference)")
    return digest
  }

  // MARK: Helpers

  /// The absolute URL of an upload session, from a response's Location.
  private func uploadLocation(_ response: HTTPClientResponse, registry: String)
    async throws(OCIError)
    -> String
  {
    guard let location = response.headers.first(name: "Location"), !location.isEmpty else {
      throw OCIError(.malformed, "\(registry) started an upload without a Location")
    }
    if location.hasPrefix("/") { return try await endpoint(registry) + location }
    guard location.hasPrefix("https://") || location.hasPrefix("http://") else {
      throw OCIError(.malformed, "\(registry) gave an unusable upload Location")
    }
    if location.hasPrefix("http://"),
      !configuration.transport.allowsPlainHTTP(Self.hostPort(of: location) ?? "")
    {
      throw OCIError(
        .insecureTransport, "\(registry) asks for an upload over plain HTTP to another host")
    }
    return location
  }

  static func appendingQuery(_ url: String, _ item: String) -> String {
    url + (url.contains("?") ? "&" : "?") + item
  }

  private func checkCreated(_ response: HTTPClientResponse, digest: OCIDigest, what: String)
    async throws(OCIError)
  {
    try await check(response, expecting: .created, what: what)
    if let stated = response.headers.first(name: "Docker-Content-Digest"),
      let statedDigest = try? OCIDigest(parsing: stated), statedDigest != digest
    {
      throw OCIError(
        .digestMismatch, "\(what): the registry stored digest \(statedDigest), not \(digest)")
    }
    await discard(response)
  }

  /// Throws the error a status means unless it is `expected`.
  func check(_ response: HTTPClientResponse, expecting expected: HTTPResponseStatus, what: String)
    async throws(OCIError)
  {
    guard response.status != expected else { return }
    let detail = await errorDetail(response)
    let status = "\(response.status.code) \(response.status.reasonPhrase)"
    switch response.status.code {
    case 404:
      throw OCIError(.notFound, "\(what): not found (\(status))\(detail)")
    case 401, 403:
      throw OCIError(.unauthorized, "\(what): access denied (\(status))\(detail)")
    default:
      throw OCIError(.httpStatus, "\(what): the registry answered \(status)\(detail)")
    }
  }
}
