// Request bodies are read strictly, with messages that name the field.

import Foundation
import Testing
import WasmbpfAgentAPI

@Suite struct RequestDecodingTests {
  func decode(_ text: String) throws(APIDecodingFailure) -> LoadRequest {
    try decodeStrictly(LoadRequest.self, from: Data(text.utf8))
  }

  func failure(_ text: String) -> APIDecodingFailure? {
    do {
      _ = try decode(text)
      return nil
    } catch {
      return error
    }
  }

  let minimal =
    #"{"name":"exec","spec":{"module":{"file":"/t/a.wasm"},"policy":{"preset":"observe"}}}"#

  @Test func aMinimalRequestTakesTheDefaults() throws {
    let request = try decode(minimal)
    #expect(request.name == "exec")
    #expect(request.spec.module == ModuleSource(file: "/t/a.wasm"))
    #expect(request.spec.args.isEmpty && request.spec.env.isEmpty)
    #expect(request.spec.restart == .never)
    #expect(request.spec.limits == GuestLimits())
  }

  @Test func aFullRequestRoundTrips() throws {
    let spec = ToolSpec(
      module: ModuleSource(oci: "registry.local/tools/exec@sha256:00"), args: ["-n", "5"],
      env: ["LANG": "C"], policy: PolicySource(inline: "extends = \"observe\""),
      limits: GuestLimits(
        fuel: 1 << 40, memoryBytes: 1 << 24, stackBytes: 1 << 20, timeoutMs: 5, logLines: 10),
      restart: .onFailure)
    let request = LoadRequest(name: "exec-2", spec: spec)
    let data = try JSONEncoder().encode(request)
    #expect(try decodeStrictly(LoadRequest.self, from: data) == request)
  }

  @Test func preopensAndAttachPathsAreRead() throws {
    let request = try decode(
      #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"#
        + #""preopens":[{"host":"/sys/fs/cgroup/unified","guest":"/sys/fs/cgroup/","readOnly":true},"#
        + #"{"host":"/srv/data"}],"attachPaths":"guest"}}"#)
    #expect(
      request.spec.preopens == [
        Preopen(host: "/sys/fs/cgroup/unified", guest: "/sys/fs/cgroup/", readOnly: true),
        Preopen(host: "/srv/data"),
      ])
    #expect(request.spec.attachPaths == .guest)
    #expect(try decode(minimal).spec.attachPaths == .host)
    #expect(try decode(minimal).spec.preopens.isEmpty)
    let base = #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"#
    #expect(
      failure(base + #""preopens":[{"host":"/a"},{"host":""}]}}"#)
        == .invalidField(path: "spec.preopens[1].host", reason: "not a path"))
    #expect(
      failure(base + #""preopens":[{"host":"/a","guest":""}]}}"#)
        == .invalidField(path: "spec.preopens[0].guest", reason: "not a path"))
    guard
      case .unknownField(let path, _)? = failure(base + #""preopens":[{"host":"/a","rw":true}]}}"#)
    else {
      Issue.record("an unknown preopen field was accepted")
      return
    }
    #expect(path == "spec.preopens[0].rw")
    #expect(
      failure(base + #""attachPaths":"both"}}"#)
        == .invalidField(
          path: "spec.attachPaths", reason: "'both' is not one of [\"host\", \"guest\"]"))
    let many = (0...ToolSpec.maxPreopens).map { _ in #"{"host":"/a"}"# }.joined(separator: ",")
    #expect(failure(base + #""preopens":["# + many + "]}}")?.code == .invalidField)
  }

  @Test func theArtifactPolicyIsTrueOrADigestAndOnlyForOCIModules() throws {
    let digest = "sha256:" + String(repeating: "ab", count: 32)
    func spec(_ module: String, _ artifact: String) -> String {
      #"{"name":"x","spec":{"module":{\#(module)},"policy":{"artifact":\#(artifact)}}}"#
    }
    let oci = #""oci":"127.0.0.1:5000/tools/exec:1""#
    #expect(try decode(spec(oci, "true")).spec.policy.artifact == .carried)
    #expect(try decode(spec(oci, "\"\(digest)\"")).spec.policy.artifact == .pinned(digest))
    for bad in [
      "false", "1", "\"sha256:ab\"", "\"SHA256:\(String(repeating: "ab", count: 32))\"", "{}",
    ] {
      #expect(failure(spec(oci, bad))?.code == .invalidField, "\(bad)")
    }
    #expect(
      failure(spec(#""file":"/a.wasm""#, "true"))
        == .conflictingPolicy(
          path: "policy.artifact",
          reason: "applies the policy an OCI artifact carries: give module.oci"))
    // Schema-valid (the OpenAPI document cannot say "only with module.oci"): a 422.
    #expect(failure(spec(#""file":"/a.wasm""#, "true"))?.code.httpStatus == 422)
    // Exactly one source of policy.
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{\#(oci)},"policy":{"artifact":true,"preset":"observe"}}}"#)?
        .code == .invalidField)
    // It encodes back as it was written.
    let request = LoadRequest(
      name: "x",
      spec: ToolSpec(
        module: ModuleSource(oci: "r.local/t:1"), preopens: [Preopen(host: "/a", readOnly: true)],
        attachPaths: .guest, policy: PolicySource(artifact: .pinned(digest))))
    #expect(try decodeStrictly(LoadRequest.self, from: JSONEncoder().encode(request)) == request)
  }

  @Test func malformedJSONSaysSo() {
    #expect(failure(#"{"name":"x","#)?.code == .malformedJSON)
    #expect(failure("")?.code == .malformedJSON)
    #expect(failure("\u{1}")?.code == .malformedJSON)
  }

  @Test func unknownFieldsAreNamedWithTheirPath() {
    let top = failure(
      #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"}},"extra":1}"#)
    #expect(top == .unknownField(path: "extra", known: ["name", "spec"]))
    let nested = failure(
      #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"limits":{"fule":5}}}"#
    )
    guard case .unknownField(let path, _) = nested else {
      Issue.record("expected an unknown field, got \(String(describing: nested))")
      return
    }
    #expect(path == "spec.limits.fule")
  }

  @Test func wrongTypesAndMissingFieldsNameTheField() {
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"args":"-n"}}"#)
        == .invalidField(path: "spec.args", reason: "expected an array"))
    #expect(
      failure(#"{"name":"x"}"#) == .invalidField(path: "spec", reason: "required field is missing"))
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"limits":{"fuel":-1}}}"#
      )
        == .invalidField(path: "spec.limits.fuel", reason: "must not be negative (-1.0)"))
    // Larger than UInt64.
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"limits":{"fuel":1e30}}}"#
      )
        == .invalidField(path: "spec.limits.fuel", reason: "larger than 18446744073709551615"))
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"restart":"sometimes"}}"#
      )?
      .code == .invalidField)
  }

  @Test func sourcesTakeExactlyOneAlternative() {
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a","oci":"r/x"},"policy":{"preset":"observe"}}}"#)
        == .invalidField(path: "module", reason: "give exactly one of 'file' and 'oci'"))
    #expect(
      failure(#"{"name":"x","spec":{"module":{},"policy":{"preset":"observe"}}}"#)?.code
        == .invalidField)
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe","file":"/p"}}}"#)?
        .code == .invalidField)
  }

  @Test func namesAreRestricted() {
    for bad in ["", "A", "-x", "a/b", "a b", "..", String(repeating: "a", count: 64), "é"] {
      let text =
        #"{"name":"\#(bad)","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"}}}"#
      #expect(failure(text)?.code == .invalidField, "\(bad)")
    }
    #expect(GuestName.problem("a.b_c-9") == nil)
  }

  @Test func environmentNamesAreChecked() {
    #expect(
      failure(
        #"{"name":"x","spec":{"module":{"file":"/a"},"policy":{"preset":"observe"},"env":{"A=B":"c"}}}"#
      )?
      .code == .invalidField)
  }
}
