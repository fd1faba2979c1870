// What `push` needs from the module's own side of the command line: the module
// decoded and validated, the eBPF objects it embeds described as annotations (what
// `inspect` shows), and the policy parsed, so that nothing unusable is published.
// The registry side (wasmbpf-oci) only packs and uploads.

import HostIO
import WasiBpf
import WasmCore

/// A module and policy ready to push.
package struct PreparedPush {
  package let module: [UInt8]
  package let moduleTitle: String
  package let policy: [UInt8]?
  package let policyTitle: String?
  /// Title and the `io.wasmbpf.bpf.*` annotations.
  package let annotations: [String: String]
}

/// A module or policy that cannot be pushed, with the exit status to report.
package struct PushPreparationError: Error {
  package let message: String
  package let status: Int32
}

/// Reads, checks and describes `file` and `policy`.
package func preparePush(file: String, policy: String?) throws(PushPreparationError)
  -> PreparedPush
{
  let bytes: [UInt8]
  let module: Module
  do {
    bytes = try loadModuleBytes(file)
    module = try decodeModule(bytes)
    try validateModule(module)
  } catch let error as WasmError {
    throw PushPreparationError(
      message: "\(file): \(error.report)", status: ExitStatus.failure)
  } catch {
    throw PushPreparationError(message: "\(error)", status: ExitStatus.failure)
  }
  let title = file.split(separator: "/").last.map(String.init) ?? file
  var annotations = bpfAnnotations(module, moduleName: title)
  annotations["org.opencontainers.image.title"] = title
  guard let policy else {
    return PreparedPush(
      module: bytes, moduleTitle: title, policy: nil, policyTitle: nil, annotations: annotations)
  }
  let text: [UInt8]
  do {
    text = try readFile(policy)
  } catch {
    throw PushPreparationError(message: "--policy: \(error)", status: ExitStatus.usage)
  }
  let policyTitle = policy.split(separator: "/").last.map(String.init) ?? policy
  // A policy that would not load at run time must not be published.
  do {
    _ = try BpfPolicy(fileContents: String(decoding: text, as: UTF8.self), name: policyTitle)
  } catch {
    throw PushPreparationError(message: "--policy \(policy): \(error)", status: ExitStatus.usage)
  }
  return PreparedPush(
    module: bytes, moduleTitle: title, policy: text, policyTitle: policyTitle,
    annotations: annotations)
}

/// Annotations naming what the module's eBPF objects touch, as `inspect` shows them.
func bpfAnnotations(_ module: Module, moduleName: String) -> [String: String] {
  var kinds: [String] = []
  var attach: [String] = []
  var maps: [String] = []
  var helpers: [String] = []
  func add(_ value: String, to list: inout [String]) {
    if !list.contains(value) { list.append(value) }
  }
  for (index, found) in EmbeddedBpfObjects.find(in: module).enumerated() {
    guard
      let object = try? found.bytes.withUnsafeBytes({ bytes throws(BpfError) in
        try BpfObject(elf: bytes, name: "\(moduleName)#\(index + 1)")
      })
    else { continue }
    let description = object.describe()
    for program in description.programs {
      add(BpfProgramKind(sectionName: program.sectionName).rawValue, to: &kinds)
      add(program.sectionName, to: &attach)
      for helper in program.helperNames { add(helper, to: &helpers) }
    }
    for map in description.maps { add("\(map.name):\(map.typeName)", to: &maps) }
  }
  var annotations: [String: String] = [:]
  if !kinds.isEmpty { annotations["io.wasmbpf.bpf.program-kinds"] = kinds.joined(separator: ",") }
  if !attach.isEmpty { annotations["io.wasmbpf.bpf.attach-points"] = attach.joined(separator: ",") }
  if !maps.isEmpty { annotations["io.wasmbpf.bpf.maps"] = maps.joined(separator: ",") }
  if !helpers.isEmpty { annotations["io.wasmbpf.bpf.helpers"] = helpers.joined(separator: ",") }
  return annotations
}

/// `--chunk-size`: a size such as 4MiB, between 1 byte and 1 GiB.
package func parseChunkSize(_ text: String) throws(PushPreparationError) -> Int {
  do throws(UsageError) {
    let size = try parseSize(text, option: "--chunk-size")
    guard size > 0, size <= 1 << 30 else {
      throw UsageError("--chunk-size must be between 1 byte and 1GiB")
    }
    return Int(size)
  } catch {
    throw PushPreparationError(message: error.message, status: ExitStatus.usage)
  }
}
