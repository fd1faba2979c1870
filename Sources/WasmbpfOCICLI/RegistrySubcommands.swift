// `push`, `pull` and `cache`: their options and help, and the root command that
// wasmbpf-oci parses with (wasmbpf-run's subcommands plus these). wasmbpf-run itself
// does not link them: it execs wasmbpf-oci for these command lines, `help` included.

import ArgumentParser
import WasmbpfCLI

/// wasmbpf-run's command line with the registry subcommands.
struct OCIRootCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wasmbpf-run",
    abstract: RootCommand.configuration.abstract,
    usage: RootCommand.configuration.usage,
    discussion: RootCommand.configuration.discussion,
    version: WasmbpfCLI.version,
    subcommands: RootCommand.configuration.subcommands + [
      PushSubcommand.self, PullSubcommand.self, CacheSubcommand.self,
    ]
  )
}

/// A subcommand served by the registry client.
protocol RegistrySubcommand: ParsableCommand {
  func execute(
    _ commands: OCICommands, output: (String) -> Void, errors: @escaping (String) -> Void
  )
    -> Int32
}

struct PushSubcommand: RegistrySubcommand {
  static let configuration = CommandConfiguration(
    commandName: "push",
    abstract: "Push a module (and its policy) to a registry as a Wasm OCI artifact.",
    discussion: """
      Checks the module (decoded and validated), describes the eBPF objects it \
      carries, and pushes it as the CNCF TAG Runtime Wasm artifact: config \
      application/vnd.wasm.config.v0+json, the module as an application/wasm layer, \
      and with --policy the policy file as a second layer \
      (application/vnd.wasmbpf.policy.v1+toml). Annotations on the manifest carry the \
      version, the source, and the program kinds, attach points, maps and helpers of \
      the embedded eBPF objects, so that a registry shows what the tool touches.

      REF is HOST[:PORT]/REPO[:TAG] (oci:// optional), or oci:DIR[:NAME] to write an \
      OCI image layout folder instead. Credentials come from ~/.docker/config.json \
      (or containers' auth.json). Plain HTTP is used only for a loopback registry or \
      one named with --insecure-registry.

      EXAMPLES:
        wasmbpf-run push --policy execsnoop.toml execsnoop.wasm 127.0.0.1:5000/tools/execsnoop:1.2
        wasmbpf-run push app.wasm oci:./layout:app
      """)

  @Option(help: ArgumentHelp("A policy file to push with the module.", valueName: "file"))
  var policy: String?

  @Option(
    name: .customLong("tool-version"),
    help: ArgumentHelp(
      "The version annotation (org.opencontainers.image.version); default: the tag.",
      valueName: "version"))
  var toolVersion: String?

  @Option(
    help: ArgumentHelp(
      "The source annotation (org.opencontainers.image.source), e.g. a repository URL.",
      valueName: "url"))
  var source: String?

  @Option(
    name: .customLong("annotation"),
    help: ArgumentHelp("Another manifest annotation. Repeatable.", valueName: "key=value"))
  var annotations: [String] = []

  @Option(
    name: .customLong("chunk-size"),
    help: ArgumentHelp(
      "Upload blobs larger than this in chunks (PATCH) of this size, e.g. 4MiB; "
        + "default: one request per blob.", valueName: "size"))
  var chunkSize: String?

  @Option(
    name: .customLong("insecure-registry"),
    help: ArgumentHelp(
      "Allow plain HTTP to this registry (HOST[:PORT]). Repeatable.", valueName: "host"))
  var insecureRegistries: [String] = []

  @Argument(help: "The module (.wasm, or text: .wat).")
  var file: String

  @Argument(help: "Where to push it: HOST[:PORT]/REPO[:TAG], or oci:DIR[:NAME].")
  var reference: String

  func validate() throws {
    for text in annotations where !text.contains("=") || text.hasPrefix("=") {
      throw ValidationError("--annotation expects KEY=VALUE, not '\(text)'")
    }
  }

  func execute(
    _ commands: OCICommands, output: (String) -> Void, errors: @escaping (String) -> Void
  )
    -> Int32
  {
    let prepared: PreparedPush
    var chunk: Int?
    do {
      prepared = try preparePush(file: file, policy: policy)
      chunk = try chunkSize.map(parseChunkSize)
    } catch {
      errors("error: \(error.message)")
      return error.status
    }
    var extra: [String: String] = [:]
    if let source { extra["org.opencontainers.image.source"] = source }
    if let version = toolVersion ?? tagOf(reference) {
      extra["org.opencontainers.image.version"] = version
    }
    for text in annotations {
      guard let equals = text.firstIndex(of: "=") else { continue }
      extra[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    return commands.push(
      prepared, annotations: prepared.annotations.merging(extra) { _, given in given },
      to: reference, chunkSize: chunk, insecureRegistries: insecureRegistries,
      output: output, errors: errors)
  }

  /// The tag of `HOST/REPO:TAG` (or the name of `oci:DIR:NAME`), if any.
  private func tagOf(_ reference: String) -> String? {
    let withoutDigest = reference.split(separator: "@").first.map(String.init) ?? reference
    if withoutDigest.hasPrefix("oci:") && !withoutDigest.hasPrefix("oci://") {
      let parts = withoutDigest.dropFirst(4).split(separator: ":", maxSplits: 1)
      return parts.count == 2 ? String(parts[1]) : nil
    }
    guard let colon = withoutDigest.lastIndex(of: ":"), !withoutDigest[colon...].contains("/")
    else { return nil }
    // `host:port` with no repository after it has no tag.
    guard withoutDigest[..<colon].contains("/") else { return nil }
    return String(withoutDigest[withoutDigest.index(after: colon)...])
  }
}

struct PullSubcommand: RegistrySubcommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Pull a module from a registry into the cache, or into an OCI layout folder.",
    discussion: """
      Resolves REF (HOST[:PORT]/REPO[:TAG] or ...@sha256:DIGEST; from an index, the \
      wasi/wasm platform), fetches the manifest and blobs, verifies every one against \
      its digest and declared size, and stores them: in the cache (see `cache`), or, \
      with DEST oci:DIR[:NAME], in an OCI image layout folder to carry to a machine \
      without network and run there as `wasmbpf-run oci:DIR:NAME`. Nothing is stored \
      unless everything verified. Prints the manifest's digest and what the artifact \
      declares.

      Reads Wasm artifacts (application/wasm layers) and ordinary OCI/Docker images \
      whose layers hold the module at the image's entrypoint path.

      EXAMPLES:
        wasmbpf-run pull 127.0.0.1:5000/tools/execsnoop:1.2
        wasmbpf-run pull registry.example/tools/execsnoop@sha256:0123... oci:./offline:execsnoop
      """)

  @Option(
    name: .customLong("insecure-registry"),
    help: ArgumentHelp(
      "Allow plain HTTP to this registry (HOST[:PORT]). Repeatable.", valueName: "host"))
  var insecureRegistries: [String] = []

  @Argument(help: "HOST[:PORT]/REPO[:TAG][@DIGEST].")
  var reference: String

  @Argument(help: "oci:DIR[:NAME]: an OCI image layout folder to write (default: the cache).")
  var destination: String?

  func execute(
    _ commands: OCICommands, output: (String) -> Void, errors: @escaping (String) -> Void
  )
    -> Int32
  {
    if let destination, !destination.hasPrefix("oci:") || destination.hasPrefix("oci://") {
      errors("error: the destination is an OCI layout folder, oci:DIR[:NAME], not '\(destination)'")
      return 2
    }
    return commands.pull(
      reference, into: destination, insecureRegistries: insecureRegistries, output: output,
      errors: errors)
  }
}

struct CacheSubcommand: RegistrySubcommand {
  static let configuration = CommandConfiguration(
    commandName: "cache",
    abstract: "List or prune the local cache of pulled modules.",
    discussion: """
      The cache is an OCI image layout folder: $WASMBPF_CACHE_DIR, else \
      $XDG_CACHE_HOME/wasmbpf/oci, else ~/.cache/wasmbpf/oci. Every blob is verified \
      against its digest when read; a corrupt one is fetched again, never run.

        list          each cached reference, its digest and size
        prune         remove blobs no cached reference uses, and leftovers of \
      interrupted pulls
        prune --all   remove everything
      """)

  @Flag(help: "With prune: remove every entry, not only unused blobs.")
  var all = false

  @Argument(help: "list or prune.")
  var action: String

  func validate() throws {
    guard action == "list" || action == "prune" else {
      throw ValidationError("cache expects list or prune, not '\(action)'")
    }
    if all && action != "prune" { throw ValidationError("--all goes with prune") }
  }

  func execute(
    _ commands: OCICommands, output: (String) -> Void, errors: @escaping (String) -> Void
  )
    -> Int32
  {
    action == "list"
      ? commands.listCache(output: output, errors: errors)
      : commands.pruneCache(all: all, output: output, errors: errors)
  }
}
