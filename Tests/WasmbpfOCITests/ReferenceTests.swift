// Parsing references, digests and auth challenges: the grammar other tools use,
// and a clear refusal of everything else.

import Testing
import WasmbpfOCI

@testable import WasmbpfOCI

@Suite struct ReferenceTests {
  let digest = "sha256:" + String(repeating: "ab", count: 32)

  @Test func registryReferences() throws {
    let full = try RegistryReference(parsing: "oci://127.0.0.1:5000/tools/exec-snoop:1.2@\(digest)")
    #expect(full.registry == "127.0.0.1:5000")
    #expect(full.repository == "tools/exec-snoop")
    #expect(full.tag == "1.2")
    #expect(full.digest?.description == digest)
    #expect(full.manifestReference == digest)

    let hub = try RegistryReference(parsing: "alpine")
    #expect(hub.registry == "docker.io" && hub.repository == "library/alpine" && hub.tag == nil)
    #expect(hub.apiHost == "registry-1.docker.io")
    #expect(hub.manifestReference == "latest")
    let local = try RegistryReference(parsing: "localhost/a/b_c/d__e/f.g:v")
    #expect(local.registry == "localhost" && local.repository == "a/b_c/d__e/f.g")
    let v6 = try RegistryReference(parsing: "[::1]:5000/x:1")
    #expect(v6.registry == "[::1]:5000")
    #expect(
      try RegistryReference(parsing: "Registry.Example:443/x").registry == "registry.example:443")

    for bad in [
      "", "oci://", "127.0.0.1:5000/Upper/case:1", "host:99999/x:1", "host:5000/x:-tag",
      "host:5000//x", "host:5000/x/", "host:5000/x:\(String(repeating: "t", count: 129))",
      "host:5000/x@sha256:short", "host:5000/x@md5:" + String(repeating: "0", count: 32),
      "host:5000/x y:1", "host:5000/-x:1", "host:5000/x..y:1",
      String(repeating: "a/", count: 300) + "x",
    ] {
      #expect(throws: OCIError.self, "\(bad)") { _ = try RegistryReference(parsing: bad) }
    }
  }

  @Test func layoutReferences() throws {
    #expect(
      try ModuleReference(parsing: "oci:./offline:exectrace")
        == .layout(directory: "./offline", selector: .name("exectrace")))
    #expect(
      try ModuleReference(parsing: "oci:/srv/l") == .layout(directory: "/srv/l", selector: nil))
    let pinned = try ModuleReference(parsing: "oci:/srv/l@\(digest)")
    #expect(
      pinned == .layout(directory: "/srv/l", selector: .digest(try OCIDigest(parsing: digest))))
    #expect(
      try ModuleReference(parsing: "h:1/r:t", bareIsRegistry: true)
        == .registry(try RegistryReference(parsing: "h:1/r:t")))
    for bad in ["oci:", "oci::name", "oci:dir:", "file.wasm"] {
      #expect(throws: OCIError.self, "\(bad)") { _ = try ModuleReference(parsing: bad) }
    }
  }

  @Test func digests() throws {
    let parsed = try OCIDigest(parsing: digest)
    #expect(parsed.hex.count == 64 && parsed.short == "abababababab")
    #expect(
      OCIDigest.of([]).description
        == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    for bad in ["sha256:" + String(repeating: "AB", count: 32), "sha256:", "sha512:00", "abc"] {
      #expect(throws: OCIError.self) { _ = try OCIDigest(parsing: bad) }
    }
  }

  @Test func authChallenges() {
    let bearer = AuthChallenge(
      header:
        #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull""#
    )
    #expect(bearer?.scheme == .bearer)
    #expect(bearer?.realm == "https://auth.example/token")
    #expect(bearer?.service == "registry.example")
    #expect(bearer?.parameters["scope"] == "repository:a/b:pull")
    let basic = AuthChallenge(header: #"Basic realm="Registry \"quoted\"""#)
    #expect(basic?.scheme == .basic && basic?.realm == #"Registry "quoted""#)
    #expect(AuthChallenge(header: "Negotiate abc") == nil)
    #expect(AuthChallenge(header: "Bearer " + String(repeating: "x", count: 10_000)) == nil)
    // Unterminated quotes and junk end the parameters instead of looping.
    #expect(AuthChallenge(header: #"Bearer realm="open"#)?.realm == nil)
    #expect(AuthChallenge(header: "Bearer ,,,==,")?.parameters.isEmpty == true)
  }
}
