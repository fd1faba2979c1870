// Module and definition digests (SHA-256, hex), as OCI names content.

import Crypto

enum ContentDigest {
  static func sha256Hex(of bytes: some Collection<UInt8>) -> String {
    SHA256.hash(data: Array(bytes)).map { byte in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }.joined()
  }
}
