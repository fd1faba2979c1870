// The OpenAPI document and the code describe the same API: every operation of
// `AgentOperation` is in the document with its method, path and operationId, and
// nothing else is; every schema's properties are the fields its Swift type reads or
// writes; the enumerations agree.

import Foundation
import Testing

@testable import WasmbpfAgentAPI

@Suite struct APIDocumentTests {
  let document: [String: Any]

  init() throws {
    let data = try Data(
      contentsOf: URL(fileURLWithPath: repositoryRoot + "/api/wasmbpfd.openapi.json"))
    document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  var paths: [String: [String: Any]] {
    (document["paths"] as? [String: [String: Any]]) ?? [:]
  }

  func schema(_ name: String) throws -> [String: Any] {
    let components = try #require(document["components"] as? [String: Any])
    let schemas = try #require(components["schemas"] as? [String: Any])
    return try #require(schemas[name] as? [String: Any], "no schema \(name)")
  }

  func properties(_ name: String) throws -> Set<String> {
    Set(try #require(try schema(name)["properties"] as? [String: Any]).keys)
  }

  @Test func everyOperationIsDocumentedAndNothingElse() throws {
    var documented: [String: (method: String, path: String)] = [:]
    for (path, item) in paths {
      for (method, value) in item where method != "parameters" {
        let operation = try #require(value as? [String: Any])
        let id = try #require(operation["operationId"] as? String, "\(method) \(path)")
        documented[id] = (method.uppercased(), path)
      }
    }
    for operation in AgentOperation.allCases {
      let entry = try #require(documented[operation.operationID], "\(operation) is not documented")
      #expect(entry.method == operation.method, "\(operation)")
      #expect(entry.path == operation.path, "\(operation)")
    }
    #expect(Set(documented.keys) == Set(AgentOperation.allCases.map(\.operationID)))
  }

  @Test func operationsWithABodyDocumentOne() throws {
    for operation in AgentOperation.allCases {
      let item = try #require(
        paths[operation.path]?[operation.method.lowercased()] as? [String: Any])
      #expect((item["requestBody"] != nil) == operation.hasRequestBody, "\(operation)")
    }
  }

  @Test func requestSchemasNameExactlyTheDecodedFields() throws {
    #expect(
      try properties("LoadRequest") == Set(LoadRequest.CodingKeys.allCases.map(\.stringValue)))
    #expect(
      try properties("UpdateRequest") == Set(UpdateRequest.CodingKeys.allCases.map(\.stringValue)))
    #expect(try properties("ToolSpec") == Set(ToolSpec.CodingKeys.allCases.map(\.stringValue)))
    #expect(
      try properties("ModuleSource") == Set(ModuleSource.CodingKeys.allCases.map(\.stringValue)))
    #expect(
      try properties("PolicySource") == Set(PolicySource.CodingKeys.allCases.map(\.stringValue)))
    #expect(
      try properties("GuestLimits") == Set(GuestLimits.CodingKeys.allCases.map(\.stringValue)))
    #expect(try properties("Preopen") == Set(Preopen.CodingKeys.allCases.map(\.stringValue)))
    for name in [
      "LoadRequest", "UpdateRequest", "ToolSpec", "ModuleSource", "PolicySource", "GuestLimits",
      "Preopen",
    ] {
      #expect(try schema(name)["additionalProperties"] as? Bool == false, "\(name)")
    }
  }

  /// Encodes a value with every optional field set and compares its keys with the
  /// schema's properties; the schema's required fields are always written.
  func checkResponse(_ value: some Encodable, schema name: String) throws {
    let data = try JSONEncoder().encode(value)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(Set(object.keys) == (try properties(name)), "\(name)")
    let required = Set((try schema(name)["required"] as? [String]) ?? [])
    #expect(required.isSubset(of: Set(object.keys)), "\(name)")
  }

  @Test func responseSchemasNameExactlyTheEncodedFields() throws {
    let outcome = GuestOutcome(
      kind: "trapped", exitCode: 134, message: "m", endedAt: "2026-01-01T00:00:00Z")
    let guest = GuestInfo(
      name: "a", source: "api", state: .running, generation: 1, restarts: 0, module: "/m.wasm",
      moduleDigest: String(repeating: "0", count: 64),
      artifact: ArtifactInfo(
        reference: "r", digest: "sha256:" + String(repeating: "0", count: 64),
        format: "Wasm artifact", policyDigest: "sha256:" + String(repeating: "1", count: 64),
        policyApplied: true), policy: "observe", args: [],
      preopens: [Preopen(host: "/srv/data", guest: "/data", readOnly: true)], attachPaths: .guest,
      startedAt: "2026-01-01T00:00:00Z", uptimeSeconds: 1, programs: [], links: 0, maps: [],
      events: 0, eventsPerSecond: 0, callbackSeconds: 0, fuelUsed: 0, fuelLimit: 1,
      memoryBytes: 0, traps: 0, lastTrap: "t", outcome: outcome)
    try checkResponse(guest, schema: "GuestInfo")
    try checkResponse(outcome, schema: "GuestOutcome")
    try checkResponse(try #require(guest.artifact), schema: "ArtifactInfo")
    try checkResponse(GuestList(guests: []), schema: "GuestList")
    try checkResponse(
      UpdateReport(
        old: guest, new: guest, attachMs: 1, overlapMs: 1, gapMs: 0, eventsDuringOverlapOld: 0,
        eventsDuringOverlapNew: 0), schema: "UpdateReport")
    try checkResponse(ReconcileReport(), schema: "ReconcileReport")
    try checkResponse(
      HealthStatus(status: "ok", version: "1", guests: 0, uptimeSeconds: 0), schema: "HealthStatus")
    try checkResponse(APIErrorBody(.conflict, "x"), schema: "Error")
  }

  @Test func enumerationsAgree() throws {
    let error = try #require(try schema("Error")["properties"] as? [String: Any])
    let detail = try #require(error["error"] as? [String: Any])
    let code = try #require((detail["properties"] as? [String: Any])?["code"] as? [String: Any])
    #expect(Set(code["enum"] as? [String] ?? []) == Set(APIErrorCode.allCases.map(\.rawValue)))
    #expect(
      Set(try schema("GuestState")["enum"] as? [String] ?? [])
        == Set(GuestState.allCases.map(\.rawValue)))
    let spec = try #require(try schema("ToolSpec")["properties"] as? [String: Any])
    let restart = try #require(spec["restart"] as? [String: Any])
    #expect(Set(restart["enum"] as? [String] ?? []) == Set(RestartPolicy.allCases.map(\.rawValue)))
    let attach = try #require(spec["attachPaths"] as? [String: Any])
    #expect(Set(attach["enum"] as? [String] ?? []) == Set(AttachPaths.allCases.map(\.rawValue)))
    let info = try #require(try schema("GuestInfo")["properties"] as? [String: Any])
    let reported = try #require(info["attachPaths"] as? [String: Any])
    #expect(Set(reported["enum"] as? [String] ?? []) == Set(AttachPaths.allCases.map(\.rawValue)))
  }

  /// Every status code an operation can answer with is documented for it (the codes
  /// come from `APIErrorCode.httpStatus`).
  @Test func errorStatusesAreDocumented() throws {
    for operation in AgentOperation.allCases {
      let item = try #require(
        paths[operation.path]?[operation.method.lowercased()] as? [String: Any])
      let responses = Set((item["responses"] as? [String: Any] ?? [:]).keys)
      // Every operation can be refused or fail internally.
      for status in ["401", "403", "500"] {
        #expect(responses.contains(status), "\(operation) lacks \(status)")
      }
      if operation.takesGuestName {
        #expect(responses.contains("404"), "\(operation) lacks 404")
        #expect(responses.contains("400"), "\(operation) lacks 400 (a name that is not one)")
      }
      if operation.hasRequestBody {
        for status in ["400", "413", "415"] {
          #expect(responses.contains(status), "\(operation) lacks \(status)")
        }
      }
    }
  }
}
