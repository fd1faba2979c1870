// swift-tools-version:6.1
// Benchmarks for wasmbpf, kept in a nested package so that the main package does not
// depend on WasmKit: WasmKit 0.4.2 is the peer every benchmark compares against.
import PackageDescription

let package = Package(
  name: "wasmbpf-benchmarks",
  dependencies: [
    .package(name: "wasmbpf", path: ".."),
    .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
  ],
  targets: [
    // The native peer of the eBPF benchmarks: libbpf driven from C.
    .target(name: "NativeBpf", linkerSettings: [.linkedLibrary("bpf")]),
    // Runs a command for the whole-process benchmarks: times, and VmHWM through ptrace.
    .target(name: "ProcessProbe"),
    .executableTarget(
      name: "wasmbpf-bench",
      dependencies: [
        "NativeBpf",
        "ProcessProbe",
        .product(name: "WasmCore", package: "wasmbpf"),
        .product(name: "WasmInterp", package: "wasmbpf"),
        .product(name: "WasiPreview1", package: "wasmbpf"),
        .product(name: "WasiBpf", package: "wasmbpf"),
        .product(name: "WasmText", package: "wasmbpf"),
        .product(name: "WasmKit", package: "WasmKit"),
        .product(name: "WasmKitWASI", package: "WasmKit"),
        .product(name: "WasmParser", package: "WasmKit"),
      ]
    ),
    // Differential tester: random valid modules run on WasmInterp and on WasmKit.
    .executableTarget(
      name: "wasmbpf-difftest",
      dependencies: [
        .product(name: "WasmCore", package: "wasmbpf"),
        .product(name: "WasmInterp", package: "wasmbpf"),
        .product(name: "WasmText", package: "wasmbpf"),
        .product(name: "WasmKit", package: "WasmKit"),
      ]
    ),
  ]
)
