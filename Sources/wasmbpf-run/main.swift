// wasmbpf-run: a thin entry point over `WasmbpfCLI.run`, which the tests call.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import WasmbpfCLI

var standardOutput = FileDescriptorStream.standardOutput
var standardError = FileDescriptorStream.standardError
let status = WasmbpfCLI.run(
  arguments: Array(CommandLine.arguments.dropFirst()), stdout: &standardOutput, stderr: &standardError)
exit(status)
