// `wasmbpf-run inspect FILE`: what a module imports and exports, its memories, and
// the eBPF objects it carries, with the policy they would need.

import ArgumentParser
import WasiBpf
import WasmCore
import WasmbpfGuest

struct InspectSubcommand: CLISubcommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show a module's imports, exports, memories and embedded eBPF objects.",
    discussion: """
      Decodes and validates the module, lists its imports (with function \
      signatures), exports and memories, then looks for eBPF objects inside its \
      data segments (ELF images with e_machine EM_BPF, as wasm-bpf tools embed \
      them) and describes each: programs with their section, kind and the helpers \
      they call; maps with type, key and value sizes and entries. Nothing is loaded \
      into the kernel.

      Last comes a policy file granting exactly what those objects declare, to \
      review and pass to `run --bpf-policy FILE`. With --policy, only that file is \
      printed.

      EXAMPLES:
        wasmbpf-run inspect execsnoop.wasm
        wasmbpf-run inspect --policy execsnoop.wasm > execsnoop.toml
        wasmbpf-run --bpf-policy execsnoop.toml execsnoop.wasm

      Exits with 1 when the module cannot be read, decoded or validated.
      """
  )

  @Flag(help: "Print only the proposed policy file (TOML).")
  var policy = false

  @Argument(help: "A binary WebAssembly module (.wasm).")
  var file: String

  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors
  ) -> Int32 {
    let module: Module
    do {
      module = try decodeModule(loadModuleBytes(file))
      try validateModule(module)
    } catch let error as WasmError {
      stderr.write("error: \(file): \(error.report)\n")
      return ExitStatus.failure
    } catch {
      stderr.write("error: \(error)\n")
      return ExitStatus.failure
    }
    let moduleName = file.split(separator: "/").last.map(String.init) ?? file
    var objects: [BpfObjectDescription] = []
    var failures: [String] = []
    let embedded = EmbeddedBpfObjects.find(in: module)
    for (index, found) in embedded.enumerated() {
      do {
        let object = try found.bytes.withUnsafeBytes { bytes throws(BpfError) in
          try BpfObject(elf: bytes, name: "\(moduleName)#\(index + 1)")
        }
        objects.append(object.describe())
      } catch {
        failures.append("object \(index + 1): \(error)")
      }
    }
    let snippet = BpfPolicy.proposedFile(moduleName: moduleName, objects: objects)
    if policy {
      for failure in failures { stderr.write("warning: \(failure)\n") }
      stdout.write(snippet)
      return ExitStatus.success
    }
    stdout.write("module \(file) (\(module.bytes.count) bytes)\n")
    writeImports(module, to: &stdout)
    writeExports(module, to: &stdout)
    writeMemories(module, to: &stdout)
    stdout.write("\neBPF objects: \(embedded.count)\n")
    for (index, found) in embedded.enumerated() {
      stdout.write(
        "  object \(index + 1): \(found.bytes.count) bytes, data segment \(found.segmentIndex) "
          + "at offset \(found.segmentOffset)\n")
      guard let description = objects.first(where: { $0.name == "\(moduleName)#\(index + 1)" })
      else {
        stdout.write(
          "    cannot be opened: \(failures.first { $0.hasPrefix("object \(index + 1):") } ?? "")\n"
        )
        continue
      }
      writeObject(description, to: &stdout)
    }
    if !objects.isEmpty {
      stdout.write("\nPolicy needed (save as FILE, edit, run with --bpf-policy FILE):\n\n")
      stdout.write(snippet)
    }
    return ExitStatus.success
  }

  private func writeImports<Output: TextOutputStream>(_ module: Module, to out: inout Output) {
    out.write("\nimports: \(module.imports.count)\n")
    for entry in module.imports {
      out.write("  \(entry.module).\(entry.name): \(describe(entry.descriptor, module))\n")
    }
  }

  private func writeExports<Output: TextOutputStream>(_ module: Module, to out: inout Output) {
    out.write("\nexports: \(module.exports.count)\n")
    for entry in module.exports {
      var text: String
      switch entry.kind {
      case .function:
        text = "func"
        let index = Int(entry.index)
        if let type = functionType(module, index) { text += " " + type.signatureText }
      case .table: text = "table"
      case .memory: text = "memory"
      case .global: text = "global"
      case .tag: text = "tag"
      }
      out.write("  \(entry.name): \(text)\n")
    }
  }

  private func writeMemories<Output: TextOutputStream>(_ module: Module, to out: inout Output) {
    var memories: [(String, MemoryType)] = []
    for entry in module.imports {
      if case .memory(let type) = entry.descriptor {
        memories.append(("imported \(entry.module).\(entry.name)", type))
      }
    }
    for type in module.memories { memories.append(("defined", type)) }
    out.write("\nmemories: \(memories.count)\n")
    for (index, (origin, type)) in memories.enumerated() {
      out.write("  memory \(index) (\(origin)): \(describe(type.limits, unit: "pages of 64 KiB"))")
      out.write(", \(module.data.count) data segment(s)\n")
    }
  }

  private func writeObject<Output: TextOutputStream>(
    _ object: BpfObjectDescription, to out: inout Output
  ) {
    for program in object.programs {
      let kind = BpfProgramKind(sectionName: program.sectionName)
      out.write(
        "    program \(program.name): section \(program.sectionName), kind \(kind.rawValue), "
          + "\(program.instructionCount) instructions\n")
      let helpers = program.helperNames
      out.write("      helpers: \(helpers.isEmpty ? "none" : helpers.joined(separator: ", "))\n")
      if program.kfuncCallCount > 0 {
        out.write("      kfunc calls: \(program.kfuncCallCount)\n")
      }
    }
    for map in object.maps {
      out.write(
        "    map \(map.name): \(map.typeName), key \(map.keySize) bytes, value "
          + "\(map.valueSize) bytes, \(map.maxEntries) entries\n")
      if map.estimatedBytes(possibleCPUs: bpfPossibleCPUs) == nil {
        out.write("      declares more than 2^64 bytes: every policy refuses this object\n")
      }
    }
  }

  private func describe(_ descriptor: ImportDescriptor, _ module: Module) -> String {
    switch descriptor {
    case .function(let typeIndex):
      guard let type = module.functionType(at: typeIndex) else { return "func" }
      return "func " + type.signatureText
    case .table(let type):
      return
        "table \(ValueType.ref(type.elementType).textName) \(describe(type.limits, unit: "elements"))"
    case .memory(let type):
      return "memory \(describe(type.limits, unit: "pages"))"
    case .global(let type):
      return "global \(type.mutability == .variable ? "mut " : "")\(type.valueType.textName)"
    case .tag(let type):
      guard let function = module.functionType(at: type.typeIndex) else { return "tag" }
      return "tag " + function.signatureText
    }
  }

  private func describe(_ limits: Limits, unit: String) -> String {
    "\(limits.min)\(limits.max.map { "..\($0)" } ?? "..") \(unit)"
  }

  private func functionType(_ module: Module, _ index: Int) -> FunctionType? {
    var typeIndex: UInt32?
    if index < module.importedFunctionCount {
      var seen = 0
      for entry in module.imports {
        guard case .function(let t) = entry.descriptor else { continue }
        if seen == index { typeIndex = t }
        seen += 1
      }
    } else if index - module.importedFunctionCount < module.functions.count {
      typeIndex = module.functions[index - module.importedFunctionCount]
    }
    guard let typeIndex else { return nil }
    return module.functionType(at: typeIndex)
  }
}
