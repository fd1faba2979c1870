// A run whose module is an `oci:` reference: the module is resolved (by wasmbpf-oci's
// `RegistryCommands`) before the guest starts, what it resolved to is printed, and
// so is the policy it carries, which applies only with `--bpf-policy artifact`: an
// artifact never grants itself anything, and the operator's own policy always wins.

import WasiBpf
import WasmbpfGuest

extension RunCommandLine {
  /// True when the module is a reference rather than a file.
  var hasRegistryModule: Bool { module.hasPrefix("oci:") }

  /// `--bpf-policy artifact`: until the module is resolved, nothing is allowed; a
  /// module that is a file has no artifact policy to apply.
  func artifactPolicyPlaceholder() throws(UsageError) -> BpfPolicy {
    guard hasRegistryModule else {
      throw UsageError(
        "--bpf-policy artifact applies the policy pushed with a module; '\(module)' is a "
          + "file, not an oci: reference")
    }
    return BpfPolicy()
  }

  /// Resolves an `oci:` module into `configuration` (its bytes, the image's default
  /// arguments, and with `--bpf-policy artifact` the artifact's policy), printing
  /// what it resolved to and the policy it carries. nil, or the exit status of a
  /// failure (already reported).
  func resolveRegistryModule(
    into configuration: inout GuestConfiguration, registry: (any RegistryCommands)?,
    errors: @escaping (String) -> Void
  ) -> Int32? {
    guard let registry else {
      errors("error: \(module): oci: references need wasmbpf-oci")
      return ExitStatus.failure
    }
    let resolved: ResolvedModule
    do {
      resolved = try registry.resolveModule(
        module, insecureRegistries: insecureRegistries, errors: errors)
    } catch {
      errors("error: \(error)")
      return ExitStatus.failure
    }
    for line in resolved.summary { errors("wasmbpf-run: " + line) }
    let applies = bpfPolicy == "artifact"
    if let policy = resolved.policy {
      errors(
        "wasmbpf-run: the artifact carries a policy (\(policy.digest))"
          + (applies ? ", applied (--bpf-policy artifact):" : ":"))
      for line in policy.text.split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast(policy.text.hasSuffix("\n") ? 1 : 0)
      {
        errors("  | " + line)
      }
      if applies {
        do {
          configuration.policy = try BpfPolicy(
            fileContents: policy.text, name: "artifact \(module)")
        } catch {
          errors("error: the policy of \(module) (\(policy.digest)): \(error)")
          return ExitStatus.usage
        }
      } else {
        errors(
          "wasmbpf-run: not applied: running under --bpf-policy '\(bpfPolicy)'; pass "
            + "--bpf-policy artifact to apply it")
      }
    } else if applies {
      errors("error: --bpf-policy artifact: \(module) carries no policy")
      return ExitStatus.usage
    }
    configuration.module = .bytes(resolved.bytes)
    if case .command = configuration.entry, guestArguments.isEmpty {
      configuration.arguments = resolved.defaultArguments
    }
    return nil
  }
}
