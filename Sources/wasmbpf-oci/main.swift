// wasmbpf-oci: wasmbpf-run's command line with the registry client plugged in.
// wasmbpf-run execs it for `push`, `pull`, `cache` and runs of `oci:` references, so
// that its own start-up does not pay for the HTTP, TLS and crypto libraries.

import WasmbpfCLI
import WasmbpfOCICLI

#if canImport(Glibc)
  import Glibc
#endif

var standardOutput = FileDescriptorStream.standardOutput
var standardError = FileDescriptorStream.standardError
let status = WasmbpfCLI.run(
  arguments: Array(CommandLine.arguments.dropFirst()), stdout: &standardOutput,
  stderr: &standardError, handlesSignals: true, registry: .inProcess(OCICommands()))
exit(status)
