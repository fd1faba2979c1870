// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "wasmbpf",
  products: [
    .library(name: "WasmCore", targets: ["WasmCore"]),
    .library(name: "WasmInterp", targets: ["WasmInterp"]),
    .library(name: "WasiPreview1", targets: ["WasiPreview1"]),
    .library(name: "WasiBpf", targets: ["WasiBpf"]),
    .executable(name: "wasmbpf-run", targets: ["wasmbpf-run"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // Binary format, types and validation. No Foundation, no I/O, no dependencies.
    .target(name: "WasmCore"),
    // Translation, execution and the embedding API. Depends on WasmCore only.
    .target(name: "WasmInterp", dependencies: ["WasmCore"]),
    .target(name: "WasiPreview1", dependencies: ["WasmInterp"]),
    // Module map over libbpf plus a header-only shim (static inline functions).
    .systemLibrary(
      name: "BpfSys",
      pkgConfig: "libbpf",
      providers: [.apt(["libbpf-dev", "libelf-dev", "zlib1g-dev"])]
    ),
    // Gains WasmInterp + WasiPreview1 when the `wasm_bpf` imports are written.
    .target(name: "WasiBpf", dependencies: ["BpfSys"]),
    // The spec-script runner (JSON command files from wast2json / wasm-tools).
    .target(name: "WastRunner", dependencies: ["WasmCore", "WasmInterp"]),
    .executableTarget(
      name: "wasmbpf-run",
      dependencies: [
        "WasmCore", "WasmInterp", "WastRunner",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "WasmCoreTests", dependencies: ["WasmCore"],
      // Raw inputs read through #filePath by FuzzRegressionTests, not resources.
      exclude: ["FuzzRegressions"]),
    .testTarget(name: "WastRunnerTests", dependencies: ["WastRunner", "WasmCore"]),
    .testTarget(name: "WasiBpfTests", dependencies: ["WasiBpf"]),
  ]
)
