// A run whose module is an `oci:` reference: the module is resolved (by wasmbpf-oci's
// `RegistryCommands`) before the guest starts, what it resolved to is printed, and
// so is the policy it carries, which applies only with `--bpf-policy artifact`: an
// artifact never grants itself anything, and the operator's own policy always wins.

import WasiBpf

extension RunSettings {
  /// The policy `--bpf-policy` names: a preset, a file, or `artifact`.
  func loadRunPolicy() throws(UsageError) -> BpfPolicy {
    guard policySource == "artifact" else { return try loadPolicy(policySource) }
    guard modulePath.hasPrefix("oci:") else {
      throw UsageError(
        "--bpf-policy artifact applies the policy pushed with a module; '\(modulePath)' is a "
          + "file, not an oci: reference")
    }
    guard let artifactPolicy else {
      throw UsageError("--bpf-policy artifact: \(modulePath) carries no policy")
    }
    do {
      return try BpfPolicy(fileContents: artifactPolicy.text, name: "artifact \(modulePath)")
    } catch {
      throw UsageError("the policy of \(modulePath) (\(artifactPolicy.digest)): \(error)")
    }
  }
}

/// Runs the guest `settings` describe, after resolving an `oci:` module through
/// `registry`.
func startGuest<Output: TextOutputStream, Errors: TextOutputStream>(
  settings: RunSettings, handlesSignals: Bool, registry: (any RegistryCommands)?,
  stdout: inout Output, stderr: inout Errors
) -> Int32 {
  var settings = settings
  if settings.modulePath.hasPrefix("oci:") {
    guard let registry else {
      stderr.write("error: \(settings.modulePath): oci: references need wasmbpf-oci\n")
      return ExitStatus.failure
    }
    let errors = StreamBox(stderr)
    defer { stderr = errors.stream }
    let resolved: ResolvedModule
    do {
      resolved = try registry.resolveModule(
        settings.modulePath, insecureRegistries: settings.insecureRegistries,
        errors: { errors.line($0) })
    } catch {
      errors.line("error: \(error)")
      return ExitStatus.failure
    }
    for line in resolved.summary { errors.line("wasmbpf-run: " + line) }
    if let policy = resolved.policy {
      let applied = settings.policySource == "artifact"
      errors.line(
        "wasmbpf-run: the artifact carries a policy (\(policy.digest))"
          + (applied ? ", applied (--bpf-policy artifact):" : ":"))
      for line in policy.text.split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast(policy.text.hasSuffix("\n") ? 1 : 0)
      {
        errors.line("  | " + line)
      }
      if !applied {
        errors.line(
          "wasmbpf-run: not applied: running under --bpf-policy '\(settings.policySource)'; "
            + "pass --bpf-policy artifact to apply it")
      }
    }
    settings.moduleBytes = resolved.bytes
    settings.artifactPolicy = resolved.policy
    if settings.guestArguments.isEmpty { settings.guestArguments = resolved.defaultArguments }
  }
  return GuestRun(settings: settings, handlesSignals: handlesSignals)
    .execute(stdout: &stdout, stderr: &stderr)
}
