// wasmbpf-run: a thin entry point over `WasmbpfCLI.run`, which the tests call.

import WasmbpfCLI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

var standardOutput = FileDescriptorStream.standardOutput
var standardError = FileDescriptorStream.standardError
let status = WasmbpfCLI.run(
  arguments: Array(CommandLine.arguments.dropFirst()), stdout: &standardOutput,
  stderr: &standardError, handlesSignals: true, registry: .execSibling)
exit(status)
