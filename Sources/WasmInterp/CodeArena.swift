// Where translated code lives: large chunks owned by the store, filled one
// function after another and freed together when the store goes away.
//
// Why not one malloc per function: lazy translation interleaves each function's
// long-lived code with the translator's short-lived buffers, and the freed
// buffers were left between code blocks as free but resident heap (measured on
// QuickJS: 1.9 MB of the heap's 4.3 MB free at the end of a run). Code packed
// into chunks leaves the heap to the translator's temporaries, which reuse the
// same free space function after function (see `StoreRuntime.translate`).

/// A bump allocator of code words. Not thread-safe: a store runs on one thread.
struct CodeArena {
  /// Words per chunk (256 KiB): a chunk's untouched tail costs no resident memory.
  static let chunkWords = 1 << 15
  /// Functions above this size get a chunk of their own, so that a large
  /// function does not abandon the rest of a partly used chunk.
  static let ownChunkWords = chunkWords / 4

  private var chunks: [UnsafeMutablePointer<Int>] = []
  private var next: UnsafeMutablePointer<Int>?
  private var remaining = 0

  /// Room for `count` words, valid until `freeAll()`.
  mutating func allocate(_ count: Int) -> UnsafeMutablePointer<Int> {
    if count > Self.ownChunkWords {
      let own = UnsafeMutablePointer<Int>.allocate(capacity: count)
      chunks.append(own)
      return own
    }
    if count > remaining {
      let chunk = UnsafeMutablePointer<Int>.allocate(capacity: Self.chunkWords)
      chunks.append(chunk)
      next = chunk
      remaining = Self.chunkWords
    }
    let start = next.unsafelyUnwrapped
    next = start + count
    remaining -= count
    return start
  }

  /// Frees every chunk; no code from this arena may run afterwards.
  mutating func freeAll() {
    for chunk in chunks { chunk.deallocate() }
    chunks = []
    next = nil
    remaining = 0
  }
}
