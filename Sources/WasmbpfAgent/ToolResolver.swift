// Turns a tool spec into what a run needs: the module's bytes (from an allowed path or
// an OCI reference), the granted directories, and the policy. Every failure is an API
// error with the code a client can act on. Local checks (directories, the policy's
// text) come before a registry is asked anything, so a refused request costs no pull.

import Foundation
import WasiBpf
import WasiPreview1
import WasmbpfAgentAPI

struct ToolResolver: Sendable {
  /// Where modules, policy files and image layouts may come from.
  let allowed: AllowedPaths
  /// Beneath which directories tools may be granted preopens.
  let preopenRoots: AllowedPaths
  let artifacts: ArtifactSource

  /// Resolves `spec`; `baseDirectory` is where relative paths of a tool definition
  /// start (nil for API requests, whose paths must be absolute).
  func resolve(_ spec: ToolSpec, baseDirectory: String?) async throws(APIErrorBody)
    -> ResolvedTool
  {
    let preopens = try resolvePreopens(spec.preopens, baseDirectory: baseDirectory)
    // The tool's own policy, unless it asks for the artifact's (resolved below).
    let ownPolicy: BpfPolicy? =
      spec.policy.artifact == nil
      ? try resolvePolicy(spec.policy, baseDirectory: baseDirectory) : nil
    let bytes: [UInt8]
    let label: String
    var arguments = spec.args
    var artifact: ArtifactInfo?
    var notes: [String] = []
    var policy: BpfPolicy
    if let file = spec.module.file {
      let path = absolute(file, base: baseDirectory)
      bytes = try read(path, what: "module")
      label = path
      policy = ownPolicy ?? BpfPolicy()
    } else if let reference = spec.module.oci {
      let pulled = try await artifacts.pull(
        reference, allowed: allowed, baseDirectory: baseDirectory)
      bytes = pulled.module
      label = pulled.pinned
      notes = pulled.notes
      var info = pulled.info
      if arguments.isEmpty { arguments = pulled.defaultArguments }
      if let ownPolicy {
        policy = ownPolicy
        if let digest = info.policyDigest {
          // Never silently: the operator learns the artifact proposed something else.
          notes.append(
            "the artifact carries a policy (\(digest)), not applied: the tool's policy is "
              + "'\(ownPolicy.name)' (policy.artifact would apply it)")
        }
      } else {
        policy = try artifactPolicy(pulled, asked: spec.policy.artifact, reference: reference)
        info.policyApplied = true
        notes.append("the artifact carries a policy (\(info.policyDigest ?? "")), applied:")
        notes += (pulled.policyText ?? "").split(separator: "\n", omittingEmptySubsequences: false)
          .map { "  | " + $0 }
      }
      artifact = info
    } else {
      throw APIErrorBody(.invalidField, "module: give 'file' or 'oci'")
    }
    guard bytes.count >= 8, bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) else {
      throw APIErrorBody(.loadFailed, "module '\(label)' is not a WebAssembly binary")
    }
    let moduleName =
      spec.module.file == nil
      ? moduleName(ofReference: artifact?.reference ?? label)
      : label.split(separator: "/").last.map(String.init) ?? "guest"
    return ResolvedTool(
      spec: spec, moduleLabel: label, moduleName: moduleName, moduleBytes: bytes,
      moduleDigest: ContentDigest.sha256Hex(of: bytes), policy: policy, arguments: arguments,
      preopens: preopens, artifact: artifact, notes: notes)
  }

  /// The artifact's own policy, as `asked`: whatever it carries, or only the one the
  /// tool pinned by digest.
  private func artifactPolicy(
    _ pulled: ArtifactSource.Pulled, asked: ArtifactPolicy?, reference: String
  ) throws(APIErrorBody) -> BpfPolicy {
    guard let text = pulled.policyText, let digest = pulled.info.policyDigest else {
      throw APIErrorBody(
        .invalidPolicy, "policy.artifact: \(reference) (\(pulled.info.digest)) carries no policy")
    }
    if case .pinned(let wanted) = asked, wanted != digest {
      throw APIErrorBody(
        .invalidPolicy,
        "policy.artifact: \(reference) (\(pulled.info.digest)) carries the policy \(digest), "
          + "not the pinned \(wanted): review it, then pin its digest")
    }
    do {
      // Named for where it came from, so `get` and audit records say whose it is.
      let label = "artifact \(digest)"
      var policy = try BpfPolicy(fileContents: text, name: label)
      if policy.name != label { policy.name = label + ": " + policy.name }
      return policy
    } catch {
      throw APIErrorBody(.invalidPolicy, "the policy of \(reference) (\(digest)): \(error)")
    }
  }

  /// argv[0] of a module from a registry or layout: its repository's last component.
  private func moduleName(ofReference reference: String) -> String {
    var text = Substring(reference)
    if let at = text.firstIndex(of: "@") { text = text[..<at] }
    let last = text.split(separator: "/").last ?? text
    let name = last.split(separator: ":").first.map(String.init) ?? String(last)
    return name.isEmpty ? "guest" : name
  }

  private func resolvePreopens(_ preopens: [Preopen], baseDirectory: String?)
    throws(APIErrorBody) -> [WasiPreopen]
  {
    var result: [WasiPreopen] = []
    for (index, preopen) in preopens.enumerated() {
      let path = absolute(preopen.host, base: baseDirectory)
      let real: String
      do {
        real = try preopenRoots.checkDirectory(path)
      } catch {
        throw APIErrorBody(
          error.isPermissionProblem ? .pathNotAllowed : .loadFailed,
          "preopens[\(index)]: \(error)")
      }
      // The guest sees the directory where the spec says, or at the path as written.
      result.append(
        WasiPreopen(hostPath: real, guestPath: preopen.guest ?? path, isReadOnly: preopen.readOnly))
    }
    return result
  }

  private func resolvePolicy(_ source: PolicySource, baseDirectory: String?)
    throws(APIErrorBody) -> BpfPolicy
  {
    if let preset = source.preset {
      guard let policy = BpfPolicy.preset(named: preset) else {
        throw APIErrorBody(
          .invalidField, "policy.preset '\(preset)' is not one of deny-all, observe, unrestricted")
      }
      return policy
    }
    let text: String
    let name: String
    if let file = source.file {
      let path = absolute(file, base: baseDirectory)
      let bytes = try read(path, what: "policy")
      text = String(decoding: bytes, as: UTF8.self)
      name = path.split(separator: "/").last.map(String.init) ?? path
    } else {
      text = source.inline ?? ""
      name = "inline policy"
    }
    do {
      return try BpfPolicy(fileContents: text, name: name)
    } catch {
      throw APIErrorBody(.invalidPolicy, "policy (\(name)): \(error)")
    }
  }

  private func absolute(_ path: String, base: String?) -> String {
    guard let base, !path.hasPrefix("/") else { return path }
    return base + "/" + path
  }

  private func read(_ path: String, what: String) throws(APIErrorBody) -> [UInt8] {
    do {
      return try allowed.read(path)
    } catch {
      throw APIErrorBody(
        error.isPermissionProblem ? .pathNotAllowed : .loadFailed, "\(what): \(error)")
    }
  }
}
