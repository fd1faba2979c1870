// Placeholder so that the package loads before the interpreter lands; delete it
// when WasmInterp has sources of its own.
