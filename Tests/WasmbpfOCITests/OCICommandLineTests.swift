// The command line end to end: `wasmbpf-run push/pull/cache` and runs of `oci:`
// references, through wasmbpf-run (which execs wasmbpf-oci from beside itself),
// against a real registry, with skopeo and umoci as the other side: skopeo reads
// what we push, and images that umoci builds and skopeo copies run here.

import Foundation
import Testing
import WasmbpfOCI

#if canImport(Glibc)
  import Glibc
#endif

/// A sandbox for one test's command lines: its own HOME, cache and credentials.
struct CommandLineSandbox {
  let folder: String
  var cache: String { folder + "/cache" }

  init() throws {
    folder = try temporaryFolder("cli")
  }

  var environment: [String: String] {
    [
      "HOME": folder, "WASMBPF_CACHE_DIR": cache, "REGISTRY_AUTH_FILE": "", "XDG_RUNTIME_DIR": "",
      "DOCKER_CONFIG": folder + "/docker", "WASMBPF_CERTS_DIRS": "", "XDG_CACHE_HOME": "",
    ]
  }

  @discardableResult
  func wasmbpf(_ arguments: [String]) throws -> ToolResult {
    try run([try wasmbpfRunPath()] + arguments, environment: environment)
  }

  func remove() { removeFolder(folder) }
}

@Suite struct OCICommandLineTests {
  @Test func pushPullRunAndTheCacheThroughWasmbpfRun() throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    let module = try fixture("cli/cli_guest.wasm")
    try writeFile(sandbox.folder + "/policy.toml", samplePolicy)
    let reference = "\(registry.address)/tools/guest:1.0"

    let pushed = try sandbox.wasmbpf([
      "push", "--policy", sandbox.folder + "/policy.toml", module, reference,
    ])
    #expect(pushed.status == 0, "\(pushed.stderr)")
    #expect(pushed.stdout.hasPrefix("pushed \(reference)@sha256:"))
    let digest = String(pushed.stdout.split(separator: "@").last ?? "").trimmingCharacters(
      in: .whitespacesAndNewlines)

    let pulled = try sandbox.wasmbpf(["pull", reference])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(pulled.stdout.contains("pulled \(reference)@\(digest)"))
    #expect(pulled.stdout.contains("format: Wasm artifact"))
    #expect(pulled.stdout.contains("policy: sha256:"))
    #expect(pulled.stdout.contains("version 1.0"))

    // The artifact's policy is shown, and not applied unless asked for.
    let ran = try sandbox.wasmbpf(["oci://" + reference, "args", "x"])
    #expect(ran.status == 0, "\(ran.stderr)")
    #expect(ran.stdout.contains("argv[0] oci://\(reference)\nargv[1] args\nargv[2] x\n"))
    #expect(ran.stderr.contains("oci://\(reference) is \(digest) (Wasm artifact"))
    #expect(ran.stderr.contains("manifest from the registry, blobs from the cache"))
    #expect(ran.stderr.contains("the artifact carries a policy (sha256:"))
    #expect(ran.stderr.contains("  | extends = \"observe\""))
    #expect(ran.stderr.contains("not applied: running under --bpf-policy 'unrestricted'"))
    let applied = try sandbox.wasmbpf(["--bpf-policy", "artifact", "oci://" + reference, "args"])
    #expect(applied.status == 0, "\(applied.stderr)")
    #expect(applied.stderr.contains("applied (--bpf-policy artifact)"))
    #expect(!applied.stderr.contains("not applied"))
    let local = try sandbox.wasmbpf(["--bpf-policy", "artifact", module, "args"])
    #expect(local.status == 2)
    #expect(local.stderr.contains("--bpf-policy artifact applies the policy pushed with a module"))

    // By digest from the cache, with the registry gone.
    registry.stop()
    let pinned = try sandbox.wasmbpf(["oci://\(registry.address)/tools/guest@\(digest)", "args"])
    #expect(pinned.status == 0, "\(pinned.stderr)")
    #expect(pinned.stderr.contains("from the cache"))
    let offlineTag = try sandbox.wasmbpf(["oci://" + reference, "args"])
    #expect(offlineTag.status == 1, "a tag needs the registry to resolve it")
    #expect(offlineTag.stderr.contains("cannot reach registry \(registry.address)"))

    let listed = try sandbox.wasmbpf(["cache", "list"])
    #expect(listed.status == 0)
    #expect(listed.stdout.contains("\(reference)  \(digest)"))
    let pruned = try sandbox.wasmbpf(["cache", "prune"])
    #expect(pruned.stdout.contains("removed 0 entries, 0 blob(s)"))
    let all = try sandbox.wasmbpf(["cache", "prune", "--all"])
    #expect(all.stdout.hasPrefix("removed 2 entries, 4 blob(s)"), "\(all.stdout)")
    #expect(try sandbox.wasmbpf(["cache", "list"]).stdout.contains("(empty)"))
  }

  @Test func helpIsServedByWasmbpfRunAndTheRegistryToolMustBeBesideIt() throws {
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    let help = try sandbox.wasmbpf(["help", "push"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("wasmbpf-run push"))
    #expect(help.stdout.contains("application/vnd.wasm.config.v0+json"))
    let runHelp = try sandbox.wasmbpf(["help", "run"])
    #expect(runHelp.stdout.contains("--insecure-registry"))
    #expect(runHelp.stdout.contains("artifact"))
    // A wasmbpf-run installed without wasmbpf-oci says what is missing.
    let lonely = sandbox.folder + "/bin"
    try FileManager.default.createDirectory(atPath: lonely, withIntermediateDirectories: true)
    // Copied by cp(1): a file this process had open for writing could leak into a
    // child another test forks meanwhile, and exec would then fail with ETXTBSY.
    let copied = try run(["/bin/cp", try wasmbpfRunPath(), lonely + "/wasmbpf-run"])
    try #require(copied.status == 0, "\(copied.stderr)")
    let result = try run(
      [lonely + "/wasmbpf-run", "pull", "127.0.0.1:1/x/y:1"], environment: sandbox.environment)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("served by wasmbpf-oci, which should be installed beside wasmbpf-run"))
    // A local file never needs it.
    let local = try run([lonely + "/wasmbpf-run", try fixture("cli/cli_guest.wasm"), "args"])
    #expect(local.status == 0)
  }

  @Test func skopeoReadsWhatWePushAndWeRunWhatSkopeoCopies() throws {
    let skopeo = try tool("skopeo", package: "skopeo")
    let registry = try TestRegistry()
    defer { registry.stop() }
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    let exectrace = try fixture("bpf/guests/exectrace.wasm")
    let policy = try sandbox.wasmbpf(["inspect", "--policy", exectrace])
    try writeFile(sandbox.folder + "/exectrace.toml", policy.stdout)
    let reference = "\(registry.address)/tools/exectrace:2.1"
    let pushed = try sandbox.wasmbpf([
      "push", "--policy", sandbox.folder + "/exectrace.toml", "--source",
      "https://example.invalid/wasmbpf",
      exectrace, reference,
    ])
    #expect(pushed.status == 0, "\(pushed.stderr)")

    let raw = try run([skopeo, "inspect", "--raw", "--tls-verify=false", "docker://" + reference])
    #expect(raw.status == 0, "\(raw.stderr)")
    struct Manifest: Decodable {
      struct Entry: Decodable { var mediaType: String }
      var mediaType: String
      var config: Entry
      var layers: [Entry]
      var annotations: [String: String]
    }
    let manifest = try JSONDecoder().decode(Manifest.self, from: Data(raw.stdout.utf8))
    #expect(manifest.mediaType == "application/vnd.oci.image.manifest.v1+json")
    #expect(manifest.config.mediaType == "application/vnd.wasm.config.v0+json")
    #expect(
      manifest.layers.map(\.mediaType) == [
        "application/wasm", "application/vnd.wasmbpf.policy.v1+toml",
      ])
    #expect(manifest.annotations["org.opencontainers.image.version"] == "2.1")
    #expect(
      manifest.annotations["org.opencontainers.image.source"] == "https://example.invalid/wasmbpf")
    #expect(manifest.annotations["io.wasmbpf.bpf.program-kinds"] == "tracepoint")
    #expect(
      manifest.annotations["io.wasmbpf.bpf.attach-points"]
        == "tracepoint/sched/sched_process_exec,tracepoint/sched/sched_process_exit")
    #expect(manifest.annotations["io.wasmbpf.bpf.maps"]?.contains(":ringbuf") == true)

    // skopeo copies it into a layout folder; we run from there, offline.
    let layout = sandbox.folder + "/copied"
    let copied = try run([
      skopeo, "copy", "--src-tls-verify=false", "docker://" + reference, "oci:\(layout):tracer",
    ])
    #expect(copied.status == 0, "\(copied.stderr)")
    registry.stop()
    let inspected = try sandbox.wasmbpf(["inspect", exectrace])
    #expect(inspected.status == 0)
    let fromLayout = try sandbox.wasmbpf([
      "--bpf-policy", "deny-all", "oci:\(layout):tracer", "-t", "1",
    ])
    #expect(fromLayout.stderr.contains("oci:\(layout):tracer is sha256:"), "\(fromLayout.stderr)")
    #expect(fromLayout.stderr.contains("read from the layout \(layout)"))
    #expect(fromLayout.stderr.contains("declared eBPF use: program kinds tracepoint"))
    // deny-all: the guest ran, and was refused its BPF load (no kernel needed here).
    #expect(
      fromLayout.stderr.contains("wasmbpf policy 'deny-all': denied load"), "\(fromLayout.stderr)")
  }

  @Test func imagesBuiltByUmociRunFromTheRegistryAndFromTheirLayout() throws {
    let skopeo = try tool("skopeo", package: "skopeo")
    let umoci = try tool("umoci", package: "umoci")
    let registry = try TestRegistry()
    defer { registry.stop() }
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    // An ordinary image, as WasmEdge or crun users build one: the module is a file in
    // a layer, named by the entrypoint.
    let layout = sandbox.folder + "/image"
    let rootfs = sandbox.folder + "/bundle"
    for step in [
      [umoci, "init", "--layout", layout],
      [umoci, "new", "--image", layout + ":wasm"],
      [
        umoci, "insert", "--rootless", "--image", layout + ":wasm",
        try fixture("cli/cli_guest.wasm"), "/app/guest.wasm",
      ],
      [
        umoci, "config", "--image", layout + ":wasm", "--os", "wasip1", "--architecture", "wasm",
        "--config.entrypoint", "/app/guest.wasm", "--config.cmd", "args", "--config.cmd",
        "from-image",
      ],
    ] {
      let result = try run(step)
      try #require(result.status == 0, "\(step.joined(separator: " ")): \(result.stderr)")
    }
    _ = rootfs
    let oci = "\(registry.address)/images/guest:oci"
    let docker = "\(registry.address)/images/guest:docker"
    for (target, format) in [(oci, "oci"), (docker, "v2s2")] {
      let copied = try run([
        skopeo, "copy", "--dest-tls-verify=false", "--format", format, "oci:\(layout):wasm",
        "docker://" + target,
      ])
      try #require(copied.status == 0, "skopeo copy: \(copied.stderr)")
    }
    let dockerRaw = try run([
      skopeo, "inspect", "--raw", "--tls-verify=false", "docker://" + docker,
    ])
    #expect(dockerRaw.stdout.contains("application/vnd.docker.distribution.manifest.v2+json"))

    for target in [oci, docker] {
      let defaults = try sandbox.wasmbpf(["oci://" + target])
      #expect(defaults.status == 0, "\(target): \(defaults.stderr)")
      #expect(defaults.stdout.contains("argv[1] args\nargv[2] from-image\n"), "\(defaults.stdout)")
      #expect(defaults.stderr.contains("image, module at /app/guest.wasm"))
      // Arguments on the command line replace the image's Cmd, as with docker run.
      let given = try sandbox.wasmbpf(["oci://" + target, "args", "mine"])
      #expect(given.stdout.contains("argv[1] args\nargv[2] mine\n"), "\(given.stdout)")
    }
    // And straight from umoci's layout folder.
    let local = try sandbox.wasmbpf(["oci:\(layout):wasm"])
    #expect(local.status == 0, "\(local.stderr)")
    #expect(local.stdout.contains("argv[2] from-image"))
  }

  @Test func pullIntoALayoutFolderForAnAirGappedMachine() throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    let reference = "\(registry.address)/tools/guest:3"
    #expect(
      try sandbox.wasmbpf(["push", try fixture("cli/cli_guest.wasm"), reference]).status == 0)
    let folder = sandbox.folder + "/offline"
    let pulled = try sandbox.wasmbpf(["pull", reference, "oci:\(folder):guest"])
    #expect(pulled.status == 0, "\(pulled.stderr)")
    #expect(pulled.stdout.contains("stored in: \(folder) as guest"))
    registry.stop()
    let ran = try sandbox.wasmbpf(["oci:\(folder):guest", "args", "offline"])
    #expect(ran.status == 0, "\(ran.stderr)")
    #expect(ran.stdout.contains("argv[2] offline"))
    // push can write a layout folder too, which skopeo reads.
    let written = try sandbox.wasmbpf([
      "push", try fixture("cli/cli_guest.wasm"), "oci:\(sandbox.folder)/built:tool",
    ])
    #expect(written.status == 0, "\(written.stderr)")
    let skopeo = try tool("skopeo", package: "skopeo")
    let raw = try run([skopeo, "inspect", "--raw", "oci:\(sandbox.folder)/built:tool"])
    #expect(raw.status == 0, "\(raw.stderr)")
    #expect(raw.stdout.contains("application/vnd.wasm.config.v0+json"))
  }

  @Test func progressOnlyWhenStandardErrorIsATerminal() throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    try writeFile(sandbox.folder + "/large.wasm", largeModule(size: 3 << 20))
    let reference = "\(registry.address)/tools/large:1"
    #expect(try sandbox.wasmbpf(["push", sandbox.folder + "/large.wasm", reference]).status == 0)

    let piped = try sandbox.wasmbpf(["pull", reference])
    #expect(piped.status == 0)
    #expect(!piped.stderr.contains("pulling"))

    try sandbox.wasmbpf(["cache", "prune", "--all"])
    // script(1) runs the command on a new pseudo-terminal and copies what it shows.
    let script = try tool("script", package: "bsdutils")
    let onTerminal = try run(
      [script, "-qefc", "\(try wasmbpfRunPath()) pull \(reference)", "/dev/null"],
      environment: sandbox.environment)
    #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
    let text = onTerminal.stdout
    #expect(text.contains("pulling "), "\(text)")
    #expect(text.contains("application/wasm"))
    #expect(text.contains("3.0 MiB of 3.0 MiB (100%)"), "\(text)")
  }
}
