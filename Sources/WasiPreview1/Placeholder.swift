// Placeholder so that the package loads before WASI Preview 1 lands; delete it
// when WasiPreview1 has sources of its own.
