// The registry's part of the command line: `push`, `pull`, `cache`, and resolving an
// `oci:` module for `run`, over the WasmbpfOCI library. WasmbpfCLI prepares each
// request (the module checked, its eBPF objects described, the policy parsed) and
// prints what a run resolved to; this file does the registry, cache and layout work.

import ArgumentParser
import WasmbpfCLI
import WasmbpfOCI

#if canImport(Glibc)
  import Glibc
#endif

/// `RegistryCommands` over the WasmbpfOCI library.
public struct OCICommands: RegistryCommands {
  /// The environment, for the cache folder and credential files.
  var environment: [String: String]

  public init(environment: [String: String] = currentEnvironment()) {
    self.environment = environment
  }

  public var rootCommand: any ParsableCommand.Type { OCIRootCommand.self }

  public func execute(
    _ command: any ParsableCommand, output: @escaping (String) -> Void,
    errors: @escaping (String) -> Void
  ) -> Int32? {
    guard let command = command as? any RegistrySubcommand else { return nil }
    return command.execute(self, output: output, errors: errors)
  }

  private func clientConfiguration(insecure: [String]) -> RegistryClientConfiguration {
    RegistryClientConfiguration(environment: environment, insecureRegistries: insecure)
  }

  private func cache() throws(OCIError) -> ImageCache {
    try ImageCache(root: ImageCache.defaultRoot(environment: environment))
  }

  // MARK: run

  public func resolveModule(
    _ reference: String, insecureRegistries: [String], errors: @escaping (String) -> Void
  ) throws(ModuleLoadError) -> ResolvedModule {
    do throws(OCIError) {
      let parsed = try ModuleReference(parsing: reference)
      let pulled: PulledModule
      let origin: String
      switch parsed {
      case .layout(let directory, let selector):
        pulled = try ModulePuller().load(
          from: ImageLayout(root: directory, create: false), selector: selector)
        origin = "read from the layout \(directory)"
      case .registry(let registryReference):
        let notices = Notices()
        let puller = ModulePuller(
          progress: ProgressMeter(verb: "pulling")?.report, notice: notices.add)
        let cache = try cache()
        defer { notices.flush { errors("wasmbpf-run: " + $0) } }
        pulled = try withRegistryClient(clientConfiguration(insecure: insecureRegistries)) {
          client async throws(OCIError) in
          try await puller.pull(
            registryReference, into: cache.layout, names: [registryReference.description],
            client: client)
        }
        switch (pulled.fetchedBytes, pulled.fetchedBlobBytes) {
        case (0, _): origin = "from the cache"
        case (_, 0): origin = "manifest from the registry, blobs from the cache"
        case (let all, _): origin = "fetched \(ProgressMeter.size(all)) into the cache"
        }
      }
      var summary = [
        "\(reference) is \(pulled.resolvedDigest) (\(pulled.artifact.format), "
          + "\(pulled.artifact.module.count) bytes, \(origin))"
      ]
      summary += describe(pulled.artifact.annotations)
      return ResolvedModule(
        bytes: pulled.artifact.module,
        policy: pulled.artifact.policy.map {
          ($0, pulled.artifact.policyDigest?.description ?? "")
        },
        defaultArguments: pulled.artifact.defaultArguments, summary: summary)
    } catch {
      throw ModuleLoadError(description: "\(reference): \(error.message)")
    }
  }

  /// What the annotations say a tool is and touches, one line each.
  private func describe(_ annotations: [String: String]) -> [String] {
    var lines: [String] = []
    let about = [
      ("version", AnnotationKey.version), ("source", AnnotationKey.source),
      ("created", AnnotationKey.created),
    ].compactMap { label, key in annotations[key].map { "\(label) \(printable($0))" } }
    if !about.isEmpty { lines.append(about.joined(separator: ", ")) }
    let bpf = [
      ("program kinds", AnnotationKey.bpfProgramKinds),
      ("attach points", AnnotationKey.bpfAttachPoints),
      ("maps", AnnotationKey.bpfMaps),
    ].compactMap { label, key in annotations[key].map { "\(label) \(printable($0))" } }
    if !bpf.isEmpty { lines.append("declared eBPF use: " + bpf.joined(separator: "; ")) }
    return lines
  }

  // MARK: push

  func push(
    _ request: PreparedPush, annotations: [String: String], to target: String, chunkSize: Int?,
    insecureRegistries: [String],
    output: (String) -> Void, errors: @escaping (String) -> Void
  ) -> Int32 {
    do throws(OCIError) {
      let destination = try ModuleReference(parsing: target, bareIsRegistry: true)
      let artifact = BuiltArtifact(
        module: request.module, moduleTitle: request.moduleTitle, policy: request.policy,
        policyTitle: request.policyTitle, annotations: annotations)
      switch destination {
      case .layout(let directory, let selector):
        var name: String?
        switch selector {
        case .name(let given): name = given
        case .digest:
          throw OCIError(.invalidReference, "push names a layout entry by name, not digest")
        case nil: name = nil
        }
        try artifact.write(to: ImageLayout(root: directory, create: true), name: name)
        output("pushed \(target)@\(artifact.manifestDigest)")
      case .registry(var reference):
        if let digest = reference.digest, digest != artifact.manifestDigest {
          throw OCIError(
            .invalidReference,
            "\(target) names digest \(digest), but the artifact's is \(artifact.manifestDigest)")
        }
        if reference.tag == nil && reference.digest == nil { reference.tag = "latest" }
        let pinned = reference
        let progress = ProgressMeter(verb: "pushing")?.report
        let digest = try withRegistryClient(clientConfiguration(insecure: insecureRegistries)) {
          client async throws(OCIError) in
          try await artifact.push(
            to: pinned, client: client, chunkSize: chunkSize, progress: progress)
        }
        output("pushed \(pinned.pinned(to: digest))")
      }
      errors(
        "wasmbpf-run: \(request.moduleTitle) (\(request.module.count) bytes)"
          + (request.policyTitle.map { " with the policy \($0)" } ?? "") + " as a Wasm artifact")
      return 0
    } catch {
      errors("error: \(error.message)")
      return error.kind == .invalidReference ? 2 : 1
    }
  }

  // MARK: pull

  func pull(
    _ text: String, into destination: String?, insecureRegistries: [String],
    output: (String) -> Void, errors: @escaping (String) -> Void
  ) -> Int32 {
    do throws(OCIError) {
      let reference = try RegistryReference(parsing: text)
      let layout: ImageLayout
      var names = [reference.description]
      if let destination {
        let parsed = try ModuleReference(parsing: destination)
        guard case .layout(let directory, let selector) = parsed else {
          throw OCIError(.invalidReference, "the destination must be oci:DIR[:NAME]")
        }
        layout = try ImageLayout(root: directory, create: true)
        switch selector {
        case .name(let name): names = [name]
        case .digest:
          throw OCIError(.invalidReference, "the destination names a layout entry by name")
        case nil: names = reference.tag.map { [$0] } ?? []
        }
      } else {
        layout = try cache().layout
      }
      let notices = Notices()
      defer { notices.flush { errors("wasmbpf-run: " + $0) } }
      let puller = ModulePuller(
        progress: ProgressMeter(verb: "pulling")?.report, notice: notices.add)
      let pinned = names
      let pulled = try withRegistryClient(clientConfiguration(insecure: insecureRegistries)) {
        client async throws(OCIError) in
        try await puller.pull(reference, into: layout, names: pinned, client: client)
      }
      output("pulled \(reference.pinned(to: pulled.resolvedDigest))")
      output(
        "  format: \(pulled.artifact.format)" + (pulled.platform.map { ", platform \($0)" } ?? ""))
      output("  module: \(pulled.artifact.moduleDigest), \(pulled.artifact.module.count) bytes")
      if let digest = pulled.artifact.policyDigest { output("  policy: \(digest)") }
      for line in describe(pulled.artifact.annotations) { output("  " + line) }
      output(
        "  stored in: \(layout.root)"
          + (names.isEmpty ? "" : " as \(names.joined(separator: ", "))"))
      return 0
    } catch {
      errors("error: \(error.message)")
      return error.kind == .invalidReference ? 2 : 1
    }
  }

  // MARK: cache

  func listCache(output: (String) -> Void, errors: (String) -> Void) -> Int32 {
    do throws(OCIError) {
      let cache = try cache()
      let entries = try cache.entries()
      output("cache: \(cache.layout.root)")
      for entry in entries {
        output("\(entry.name)  \(entry.digest)  \(ProgressMeter.size(entry.size))")
      }
      if entries.isEmpty { output("(empty)") }
      return 0
    } catch {
      errors("error: \(error.message)")
      return 1
    }
  }

  func pruneCache(all: Bool, output: (String) -> Void, errors: (String) -> Void) -> Int32 {
    do throws(OCIError) {
      let result = try cache().prune(all: all)
      output(
        "removed \(result.entries) entr\(result.entries == 1 ? "y" : "ies"), \(result.blobs) "
          + "blob(s), \(ProgressMeter.size(result.bytes))")
      return 0
    } catch {
      errors("error: \(error.message)")
      return 1
    }
  }
}

/// Keeps registry-supplied text to printable characters (no terminal escapes).
func printable(_ text: String) -> String {
  String(
    String.UnicodeScalarView(
      text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300)))
}

/// The process environment, from the C library's `environ`.
public func currentEnvironment() -> [String: String] {
  var result: [String: String] = [:]
  var cursor = environ
  while let entry = cursor.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
      result[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    cursor += 1
  }
  return result
}
