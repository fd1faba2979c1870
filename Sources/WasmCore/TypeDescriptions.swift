// Types written as the text format writes them, for messages and tools:
// `i32`, `funcref`, `(ref null $3)`, `(ref exn)`.
// https://webassembly.github.io/spec/core/text/types.html

extension HeapType: CustomStringConvertible {
  public var description: String {
    switch self {
    case .function: return "func"
    case .noFunction: return "nofunc"
    case .extern: return "extern"
    case .noExtern: return "noextern"
    case .exception: return "exn"
    case .noException: return "noexn"
    case .any: return "any"
    case .eq: return "eq"
    case .i31: return "i31"
    case .struct: return "struct"
    case .array: return "array"
    case .noAny: return "none"
    case .concrete(let index): return "$\(index)"
    case .bottom: return "bot"
    }
  }
}

extension ReferenceType: CustomStringConvertible {
  public var description: String {
    switch (isNullable, heapType) {
    case (true, .function): return "funcref"
    case (true, .extern): return "externref"
    case (true, .exception): return "exnref"
    default: return "(ref \(isNullable ? "null " : "")\(heapType))"
    }
  }
}

extension ValueType: CustomStringConvertible {
  public var description: String {
    switch self {
    case .i32: return "i32"
    case .i64: return "i64"
    case .f32: return "f32"
    case .f64: return "f64"
    case .v128: return "v128"
    case .ref(let reference): return reference.description
    }
  }
}
