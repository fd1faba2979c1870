// A guest's policy, named by a preset or a file. Files are read with HostIO (the C
// library), so that starting a guest loads no Foundation.

import HostIO
import WasiBpf

/// A policy that could not be found or read.
public struct GuestPolicyError: Error, Sendable, CustomStringConvertible {
  public var description: String
}

extension BpfPolicy {
  /// The policy `source` names: a preset (`unrestricted`, `observe`, `deny-all`), else
  /// a policy file (TOML, see docs/bpf-policy.md), labelled by its file name.
  public static func named(_ source: String) throws(GuestPolicyError) -> BpfPolicy {
    if let preset = BpfPolicy.preset(named: source) { return preset }
    let bytes: [UInt8]
    do {
      bytes = try readFile(source)
    } catch {
      throw GuestPolicyError(
        description:
          "'\(source)' is neither a preset (unrestricted, observe, deny-all) nor a readable "
          + "file: \(error)")
    }
    let name = source.split(separator: "/").last.map(String.init) ?? source
    do {
      return try BpfPolicy(fileContents: String(decoding: bytes, as: UTF8.self), name: name)
    } catch {
      throw GuestPolicyError(description: "\(source): \(error)")
    }
  }
}
