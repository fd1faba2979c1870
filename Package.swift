// swift-tools-version:6.1
import PackageDescription

// Handler code generation (measured, docs/performance.md): LLVM's function merging
// turns handlers that differ only in a constant (load widths) into thunks that jump
// to a shared body, two extra jumps per Wasm instruction; and SwiftPM's
// `-fno-omit-frame-pointer` costs a push/mov/pop in every handler (a third of a
// typical one). The cc1 flag below wins over SwiftPM's driver flag.
//
// Every function of the interpreter starts on a 64-byte boundary (one cache line,
// one fetch and op-cache window): a handler's few instructions then sit in the same
// windows whatever code comes before it, so that adding or removing an unrelated
// function no longer moves a kernel's speed by up to 20 % (docs/performance.md,
// "Round 6").
//
// Those are unsafe flags, which SwiftPM refuses in a package that another depends on
// by version. So they apply when this package is built itself (or as a local path
// dependency, like Benchmarks/), and are left out when it is a checked-out
// dependency of an embedder, whose build then works, with slower handlers.
// WASMBPF_PORTABLE_BUILD=1 leaves them out here too.
let builtAsCheckedOutDependency =
  Context.packageDirectory.contains("/.build/checkouts/")
  || Context.packageDirectory.contains("/SourcePackages/checkouts/")
let interpreterSettings: [SwiftSetting] =
  builtAsCheckedOutDependency || Context.environment["WASMBPF_PORTABLE_BUILD"] == "1"
  ? []
  : [
    .unsafeFlags([
      "-Xfrontend", "-disable-llvm-merge-functions-pass",
      "-Xcc", "-Xclang", "-Xcc", "-mframe-pointer=none",
      "-Xllvm", "-align-all-functions=6",
    ])
  ]

let package = Package(
  name: "wasmbpf",
  products: [
    .library(name: "WasmCore", targets: ["WasmCore"]),
    .library(name: "WasmInterp", targets: ["WasmInterp"]),
    .library(name: "WasmText", targets: ["WasmText"]),
    .library(name: "WasiPreview1", targets: ["WasiPreview1"]),
    .library(name: "WasiBpf", targets: ["WasiBpf"]),
    .library(name: "WasmbpfGuest", targets: ["WasmbpfGuest"]),
    .library(name: "WasmbpfOCI", targets: ["WasmbpfOCI"]),
    .executable(name: "wasmbpf-run", targets: ["wasmbpf-run"]),
    .executable(name: "wasmbpf-oci", targets: ["wasmbpf-oci"]),
    // The node agent and its client: separate products, so that `wasmbpf-run` and the
    // libraries above never link the server packages below (docs/agent.md).
    .executable(name: "wasmbpfd", targets: ["wasmbpfd"]),
    .executable(name: "wasmbpfctl", targets: ["wasmbpfctl"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // The registry client (WasmbpfOCI) only; wasmbpf-run itself links none of these
    // (docs/oci.md: the registry commands run in wasmbpf-oci).
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    // The node agent only (wasmbpfd, wasmbpfctl). Hummingbird's default traits pull in
    // swift-configuration, which the agent does not use.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
  ],
  targets: [
    // Binary format, types and validation. No Foundation, no I/O, no dependencies.
    .target(name: "WasmCore", exclude: ["Instructions/instructions.txt"]),
    // Translation, execution and the embedding API. Depends on WasmCore only.
    .target(name: "WasmInterp", dependencies: ["WasmCore"], swiftSettings: interpreterSettings),
    // Whole-file reads over the C library for the host side (CLI, guests, spec runner),
    // so that none of them loads Foundation to read a file. No dependencies.
    .target(name: "HostIO"),
    // Header-only shim: openat2(2), which has no glibc wrapper (see docs/wasi.md).
    .systemLibrary(name: "WasiSys"),
    .target(name: "WasiPreview1", dependencies: ["WasmCore", "WasmInterp", "WasiSys"]),
    // Module map over libbpf plus a header-only shim (static inline functions).
    .systemLibrary(
      name: "BpfSys",
      pkgConfig: "libbpf",
      providers: [.apt(["libbpf-dev", "libelf-dev", "zlib1g-dev"])]
    ),
    // The `wasm_bpf` import module: owners of kernel objects, the policy, the imports.
    .target(name: "WasiBpf", dependencies: ["WasmCore", "WasmInterp", "BpfSys"]),
    // One running guest (module, WASI, wasm_bpf under a policy, limits, lifecycle,
    // counters): what `wasmbpf-run`, the node agent and embedders all run guests with.
    .target(
      name: "WasmbpfGuest",
      dependencies: ["HostIO", "WasmCore", "WasmInterp", "WasiPreview1", "WasiBpf"]),
    // The text format (.wat) and spec scripts (.wast): parsed and encoded to binary.
    .target(name: "WasmText", dependencies: ["WasmCore"]),
    // The spec-script runner (.wast files, or JSON command files from wast2json).
    .target(name: "WastRunner", dependencies: ["HostIO", "WasmCore", "WasmInterp", "WasmText"]),
    // The command line's logic, callable from tests; `wasmbpf-run` is a thin main.
    .target(
      name: "WasmbpfCLI",
      dependencies: [
        "HostIO", "WasmCore", "WasmInterp", "WasmText", "WastRunner", "WasiPreview1", "WasiBpf",
        "WasmbpfGuest", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "wasmbpf-run", dependencies: ["WasmbpfCLI"]),
    // zlib's inflate, for the gzip layers of ordinary OCI/Docker images.
    .systemLibrary(name: "ZlibSys", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // OCI registry client, artifact formats, image layouts and the local cache.
    .target(
      name: "WasmbpfOCI",
      dependencies: [
        "HostIO", "ZlibSys",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // `push`, `pull`, `cache` and runs of a reference: the command line with the
    // registry client, in an executable of its own that wasmbpf-run execs.
    .target(
      name: "WasmbpfOCICLI", dependencies: ["WasmbpfCLI", "WasmbpfOCI", "WasiBpf", "WasmCore"]),
    .executableTarget(name: "wasmbpf-oci", dependencies: ["WasmbpfOCICLI"]),
    // The agent's API as values: operations, requests, responses, errors. Foundation
    // only, shared by the server and the client.
    .target(name: "WasmbpfAgentAPI"),
    // The node agent: guests, desired state, reconciler, metrics, HTTP server.
    .target(
      name: "WasmbpfAgent",
      dependencies: [
        "WasmbpfAgentAPI", "WasmbpfGuest", "HostIO", "WasmbpfOCI", "WasiBpf", "WasiPreview1",
        "WasmInterp", "WasmCore", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "wasmbpfd", dependencies: ["WasmbpfAgent"]),
    // The agent's client: HTTP/1.1 over the Unix socket (or loopback TCP) with NIO's codec.
    .target(
      name: "WasmbpfCtl",
      dependencies: [
        "WasmbpfAgentAPI",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "wasmbpfctl", dependencies: ["WasmbpfCtl"]),
    // The fuzz harnesses, one per attack surface (no product: the package's own).
    .target(
      name: "FuzzHarnesses",
      dependencies: [
        "HostIO", "WasmCore", "WasmInterp", "WasmText", "WastRunner", "WasiPreview1", "WasiBpf",
        "BpfSys",
      ]),
    // Header-only: libFuzzer's driver entry, called by the fuzzer build's main.
    .systemLibrary(name: "FuzzerDriver"),
    // Their libFuzzer binary (Scripts/fuzz.sh), or a replayer in a plain build.
    .executableTarget(name: "wasmbpf-fuzz", dependencies: ["FuzzHarnesses", "FuzzerDriver"]),
    // Helpers that more than one test target needs (no product; tests only).
    .target(name: "WasmbpfTestSupport", path: "Tests/WasmbpfTestSupport"),
    .testTarget(
      name: "WasmCoreTests", dependencies: ["WasmCore"],
      // Raw inputs read through #filePath by FuzzRegressionTests, not resources.
      exclude: ["FuzzRegressions"]),
    .testTarget(
      name: "WasmTextTests", dependencies: ["WasmText", "WasmCore", "WastRunner"],
      exclude: ["Expectations"]),
    .testTarget(name: "HostIOTests", dependencies: ["HostIO"]),
    .testTarget(name: "WasmInterpTests", dependencies: ["WasmInterp", "WasmCore", "WasmText"]),
    .testTarget(
      name: "WastRunnerTests", dependencies: ["WastRunner", "WasmCore"],
      // The spec expectation list, read through #filePath, not a resource.
      exclude: ["Expectations"]),
    // Also depends on the executable so that `swift test` builds the binary its
    // end-to-end tests spawn.
    .testTarget(
      name: "WasmbpfCLITests",
      dependencies: [
        "WasmbpfCLI", "HostIO", "WastRunner", "WasiBpf", "WasmbpfGuest", "wasmbpf-run",
        "WasmbpfTestSupport",
      ]),
    .testTarget(
      name: "WasiBpfTests",
      dependencies: [
        "WasiBpf", "WasiPreview1", "WasmInterp", "WasmCore", "WasmbpfGuest", "WasmbpfTestSupport",
      ]),
    .testTarget(
      name: "WasmbpfGuestTests",
      dependencies: ["WasmbpfGuest", "WasiBpf", "WasiPreview1", "WasmInterp", "WasmCore"]),
    .testTarget(
      name: "WasmbpfOCITests",
      dependencies: [
        "WasmbpfOCI", "WasmbpfOCICLI", "wasmbpf-oci", "wasmbpf-run",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .testTarget(
      name: "WasiPreview1Tests", dependencies: ["WasiPreview1", "WasmCore", "WasmInterp"]),
    // Also depends on the executables, which its end-to-end tests spawn.
    .testTarget(
      name: "WasmbpfAgentTests",
      dependencies: [
        "WasmbpfAgent", "WasmbpfAgentAPI", "WasmbpfCtl", "WasmbpfOCI", "wasmbpfd", "wasmbpfctl",
      ]),
    // Replays each harness's seeds and saved findings (read through #filePath).
    .testTarget(
      name: "FuzzHarnessesTests", dependencies: ["FuzzHarnesses", "wasmbpf-fuzz"],
      exclude: ["Findings"]),
  ]
)
