// A veth pair made for one test, so that the agent's XDP guest does not share `lo`
// with the other suites' XDP tests (one XDP program per interface). Packets sent to
// the pair's far address leave `outside` and arrive at `inside`, where XDP sees them
// (a permanent neighbour entry, so no ARP answer is needed).

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

struct VethPair {
  let outside: String
  let inside: String
  let farAddress: String

  init() throws {
    let tag = Int(getpid()) % 100_000
    outside = "wbx\(tag)o"
    inside = "wbx\(tag)i"
    let network = "10.231.\(tag % 250)"
    farAddress = network + ".2"
    let ip = "/usr/sbin/ip"
    try #require(access(ip, X_OK) == 0, "the veth pair needs iproute2 (Scripts/setup-machine.sh)")
    _ = try? runCommand(ip, ["link", "del", outside])  // left by a killed run
    for arguments in [
      ["link", "add", outside, "type", "veth", "peer", "name", inside],
      ["addr", "add", network + ".1/30", "dev", outside],
      ["link", "set", outside, "up"],
      ["link", "set", inside, "up"],
    ] {
      let result = try runCommand(ip, arguments)
      try #require(result.status == 0, "ip \(arguments.joined(separator: " ")): \(result.output)")
    }
    let mac = try String(contentsOfFile: "/sys/class/net/\(inside)/address", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let neighbour = try runCommand(
      ip, ["neigh", "replace", farAddress, "lladdr", mac, "dev", outside, "nud", "permanent"])
    try #require(neighbour.status == 0, "ip neigh: \(neighbour.output)")
  }

  /// Sends `count` UDP datagrams towards `inside`.
  func sendUDP(_ count: Int) throws {
    let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    try #require(sender >= 0)
    defer { close(sender) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr(farAddress)
    address.sin_port = in_port_t(9).bigEndian
    let payload: [UInt8] = Array("wasmbpf".utf8)
    for _ in 0..<count {
      let sent = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          sendto(sender, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      try #require(sent == payload.count, "sendto \(farAddress): errno \(errno)")
    }
  }

  /// Deletes the pair (deleting one end deletes both).
  func remove() {
    _ = try? runCommand("/usr/sbin/ip", ["link", "del", outside])
  }
}
