// Turns a tool spec into what a run needs: the module's bytes from an allowed path
// (or, later, an OCI reference), and the parsed policy. Every failure is an API error
// with the code a client can act on.

import Foundation
import WasiBpf
import WasmbpfAgentAPI

struct ToolResolver: Sendable {
  let allowed: AllowedPaths

  /// Resolves `spec`; `baseDirectory` is where relative paths of a tool definition
  /// start (nil for API requests, whose paths must be absolute).
  func resolve(_ spec: ToolSpec, baseDirectory: String?) throws(APIErrorBody) -> ResolvedTool {
    let bytes: [UInt8]
    let label: String
    if let file = spec.module.file {
      let path = absolute(file, base: baseDirectory)
      bytes = try read(path, what: "module")
      label = path
    } else if let reference = spec.module.oci {
      throw APIErrorBody(
        .unsupported,
        "module.oci '\(reference)': this agent was built without OCI support; give module.file")
    } else {
      throw APIErrorBody(.invalidField, "module: give 'file' or 'oci'")
    }
    guard bytes.count >= 8, bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) else {
      throw APIErrorBody(.loadFailed, "module '\(label)' is not a WebAssembly binary")
    }
    let policy = try resolvePolicy(spec.policy, baseDirectory: baseDirectory, label: label)
    let moduleName = label.split(separator: "/").last.map(String.init) ?? "guest"
    return ResolvedTool(
      spec: spec, moduleLabel: label, moduleName: moduleName, moduleBytes: bytes,
      moduleDigest: ContentDigest.sha256Hex(of: bytes), policy: policy)
  }

  private func resolvePolicy(_ source: PolicySource, baseDirectory: String?, label: String)
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
