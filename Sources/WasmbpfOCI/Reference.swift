// Image references: where a module comes from.
//
//   oci://HOST[:PORT]/REPO[:TAG][@sha256:HEX]   a registry (`oci://` may be left out
//                                                 where only registries make sense)
//   oci:DIR[:TAG | @sha256:HEX]                 an OCI image layout folder, as skopeo
//                                                 and umoci name one
//
// The registry grammar is the distribution project's (reference.go): the first path
// component is the registry host when it contains a `.` or a `:` or is `localhost`;
// otherwise the host is Docker Hub, whose one-component names live under `library/`.

/// A manifest in a registry: host, repository and a tag and/or a digest.
public struct RegistryReference: Hashable, Sendable, CustomStringConvertible {
  /// `host`, `host:port`, or `[v6addr]:port`, as written (lowercased).
  public var registry: String
  /// Path components joined by `/`, e.g. `tools/execsnoop`.
  public var repository: String
  public var tag: String?
  public var digest: OCIDigest?

  /// The default registry, for names without a host.
  static let dockerHub = "docker.io"

  public init(registry: String, repository: String, tag: String? = nil, digest: OCIDigest? = nil) {
    self.registry = registry
    self.repository = repository
    self.tag = tag
    self.digest = digest
  }

  /// Parses `[oci://]HOST/REPO[:TAG][@DIGEST]`.
  public init(parsing text: String) throws(OCIError) {
    var rest = Substring(text)
    if rest.hasPrefix("oci://") { rest = rest.dropFirst("oci://".count) }
    guard !rest.isEmpty, rest.utf8.count <= 512 else {
      throw OCIError(.invalidReference, "'\(text.prefix(80))' is not an image reference")
    }
    func invalid(_ why: String) -> OCIError {
      OCIError(.invalidReference, "invalid reference '\(text.prefix(200))': \(why)")
    }
    var digest: OCIDigest?
    if let at = rest.firstIndex(of: "@") {
      do {
        digest = try OCIDigest(parsing: String(rest[rest.index(after: at)...]))
      } catch {
        throw invalid(error.message)
      }
      rest = rest[..<at]
    }
    var tag: String?
    let lastSlash = rest.lastIndex(of: "/")
    if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
      let candidate = String(rest[rest.index(after: colon)...])
      // `host:port` alone (no slash) is not a tag: there is no repository.
      if lastSlash != nil || !candidate.allSatisfy(\.isNumber) {
        guard Self.isValidTag(candidate) else {
          throw invalid("bad tag '\(candidate.prefix(140))'")
        }
        tag = candidate
        rest = rest[..<colon]
      }
    }
    var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    var registry = Self.dockerHub
    if components.count > 1,
      components[0].contains(".") || components[0].contains(":") || components[0] == "localhost"
    {
      registry = components.removeFirst().lowercased()
      guard Self.isValidHost(registry) else { throw invalid("bad registry host '\(registry)'") }
    }
    guard !components.isEmpty, components.allSatisfy(Self.isValidPathComponent) else {
      throw invalid(
        "a repository is lowercase letters, digits and separators (. _ __ -) between slashes")
    }
    if registry == Self.dockerHub && components.count == 1 { components.insert("library", at: 0) }
    let repository = components.joined(separator: "/")
    guard repository.utf8.count <= 255 else { throw invalid("repository name over 255 characters") }
    self.init(registry: registry, repository: repository, tag: tag, digest: digest)
  }

  /// The tag or digest to ask the registry for: the digest when there is one
  /// (content-addressed, so the tag cannot move under us), else the tag, else `latest`.
  public var manifestReference: String { digest?.description ?? tag ?? "latest" }

  /// The host the API is served from (Docker Hub serves `docker.io` names elsewhere).
  public var apiHost: String { registry == Self.dockerHub ? "registry-1.docker.io" : registry }

  /// `HOST/REPO[:TAG][@DIGEST]`, no scheme.
  public var description: String {
    var text = registry + "/" + repository
    if let tag { text += ":" + tag }
    if let digest { text += "@" + digest.description }
    return text
  }

  /// The same repository at `digest` (the tag kept for messages).
  public func pinned(to digest: OCIDigest) -> RegistryReference {
    RegistryReference(registry: registry, repository: repository, tag: tag, digest: digest)
  }

  static func isValidTag(_ tag: String) -> Bool {
    let bytes = Array(tag.utf8)
    guard let first = bytes.first, bytes.count <= 128, isWord(first) else { return false }
    return bytes.allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
  }

  private static func isWord(_ byte: UInt8) -> Bool {
    isLowerAlphanumeric(byte) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "_")
  }

  private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
  }

  /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
  static func isValidPathComponent(_ component: String) -> Bool {
    let bytes = Array(component.utf8)
    guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first),
      isLowerAlphanumeric(last)
    else { return false }
    var index = 0
    while index < bytes.count {
      if isLowerAlphanumeric(bytes[index]) {
        index += 1
        continue
      }
      // A separator run: `.`, `_`, `__` or any number of `-`.
      var end = index
      while end < bytes.count && !isLowerAlphanumeric(bytes[end]) { end += 1 }
      let separator = bytes[index..<end]
      let valid =
        separator.elementsEqual([UInt8(ascii: ".")]) || separator.elementsEqual([UInt8(ascii: "_")])
        || separator.elementsEqual([UInt8(ascii: "_"), UInt8(ascii: "_")])
        || separator.allSatisfy { $0 == UInt8(ascii: "-") }
      guard valid else { return false }
      index = end
    }
    return true
  }

  /// A DNS name or IPv4 address with an optional port, or `[IPv6]:port`.
  static func isValidHost(_ host: String) -> Bool {
    guard let (name, port) = splitHostPort(host) else { return false }
    if let port {
      guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
        let number = Int(port), number > 0, number <= 65535
      else { return false }
    }
    if name.hasPrefix("[") {
      let inner = name.dropFirst().dropLast()
      return name.hasSuffix("]") && !inner.isEmpty
        && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
    let labels = name.split(separator: ".", omittingEmptySubsequences: false)
    return !name.isEmpty && name.utf8.count <= 253
      && labels.allSatisfy { label in
        !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
          && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
      }
  }

  /// (`name`, `port`) of `host[:port]` / `[v6]:port`; nil when malformed.
  static func splitHostPort(_ host: String) -> (String, String?)? {
    if host.hasPrefix("[") {
      guard let close = host.firstIndex(of: "]") else { return nil }
      let name = String(host[...close])
      let rest = host[host.index(after: close)...]
      if rest.isEmpty { return (name, nil) }
      guard rest.hasPrefix(":") else { return nil }
      return (name, String(rest.dropFirst()))
    }
    let parts = host.split(separator: ":", omittingEmptySubsequences: false)
    switch parts.count {
    case 1: return (host, nil)
    case 2: return (String(parts[0]), String(parts[1]))
    default: return nil
    }
  }
}

/// Where a module is read from: a registry, or an OCI image layout folder.
public enum ModuleReference: Sendable, Equatable, CustomStringConvertible {
  case registry(RegistryReference)
  /// `oci:DIR[:TAG|@DIGEST]`: nil selector when the layout must hold exactly one manifest.
  case layout(directory: String, selector: LayoutSelector?)

  /// What picks a manifest out of a layout's index.json.
  public enum LayoutSelector: Sendable, Equatable, CustomStringConvertible {
    /// `org.opencontainers.image.ref.name`, as skopeo and umoci write it.
    case name(String)
    case digest(OCIDigest)

    public var description: String {
      switch self {
      case .name(let name): return ":" + name
      case .digest(let digest): return "@" + digest.description
      }
    }
  }

  /// True when `text` names a reference rather than a file: `oci://…` or `oci:…`.
  public static func isReference(_ text: String) -> Bool { text.hasPrefix("oci:") }

  /// Parses `oci://…` (a registry) or `oci:DIR[:NAME|@DIGEST]` (a layout folder). Plain
  /// `HOST/REPO:TAG` is accepted as a registry reference when `bareIsRegistry`.
  public init(parsing text: String, bareIsRegistry: Bool = false) throws(OCIError) {
    if text.hasPrefix("oci://") || (bareIsRegistry && !text.hasPrefix("oci:")) {
      self = .registry(try RegistryReference(parsing: text))
      return
    }
    guard text.hasPrefix("oci:") else {
      throw OCIError(
        .invalidReference,
        "'\(text.prefix(200))' is not a reference (oci://HOST/REPO:TAG or oci:DIR[:TAG])")
    }
    let rest = text.dropFirst("oci:".count)
    // As containers/image does, the folder ends at the first `:` (or `@`).
    if let at = rest.firstIndex(of: "@") {
      let directory = String(rest[..<at])
      guard !directory.isEmpty else {
        throw OCIError(.invalidReference, "'\(text)': no layout folder before '@'")
      }
      let digest = try OCIDigest(parsing: String(rest[rest.index(after: at)...]))
      self = .layout(directory: directory, selector: .digest(digest))
      return
    }
    if let colon = rest.firstIndex(of: ":") {
      let directory = String(rest[..<colon])
      let name = String(rest[rest.index(after: colon)...])
      guard !directory.isEmpty, !name.isEmpty else {
        throw OCIError(.invalidReference, "'\(text)': expected oci:DIR:NAME")
      }
      self = .layout(directory: directory, selector: .name(name))
      return
    }
    guard !rest.isEmpty else { throw OCIError(.invalidReference, "'oci:' names no folder") }
    self = .layout(directory: String(rest), selector: nil)
  }

  public var description: String {
    switch self {
    case .registry(let reference): return "oci://" + reference.description
    case .layout(let directory, let selector):
      return "oci:" + directory + (selector?.description ?? "")
    }
  }
}
