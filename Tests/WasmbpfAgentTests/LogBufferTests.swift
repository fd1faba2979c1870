// A guest's output ring: lines in order, bounded, followed live.

import Testing

@testable import WasmbpfAgent

@Suite struct LogBufferTests {
  @Test func linesAreSplitKeptInOrderAndBounded() {
    let buffer = LogBuffer(capacity: 3)
    buffer.write(Array("one\ntw".utf8), to: .stdout)
    buffer.write(Array("o\n".utf8), to: .stdout)
    buffer.write(Array("err\n".utf8), to: .stderr)
    buffer.write(Array("three\nfour\n".utf8), to: .stdout)
    #expect(buffer.snapshot().map(\.text) == ["err", "three", "four"])
    #expect(buffer.snapshot(tail: 1).map(\.text) == ["four"])
    #expect(buffer.snapshot().map(\.sequence) == [3, 4, 5])
  }

  @Test func aLineWithoutEndIsCut() {
    let buffer = LogBuffer(capacity: 2)
    buffer.write(
      [UInt8](repeating: UInt8(ascii: "x"), count: LogBuffer.maxLineBytes * 3), to: .stdout)
    buffer.write(Array("\n".utf8), to: .stdout)
    let line = buffer.snapshot()[0].text
    #expect(line.count == LogBuffer.maxLineBytes + " [cut]".count)
    #expect(line.hasSuffix(" [cut]"))
  }

  @Test func followersSeeTheTailThenNewLinesUntilClosed() async {
    let buffer = LogBuffer(capacity: 10)
    buffer.write(Array("a\nb\n".utf8), to: .stdout)
    let stream = buffer.follow(tail: 1)
    buffer.write(Array("c\n".utf8), to: .stdout)
    buffer.note("ended")
    buffer.close()
    var seen: [String] = []
    for await line in stream { seen.append(line.text) }
    #expect(seen == ["b", "c", "ended"])
    // After the end, a follower gets what is kept and the end at once.
    var late: [String] = []
    for await line in buffer.follow() { late.append(line.text) }
    #expect(late == ["a", "b", "c", "ended"])
  }
}
