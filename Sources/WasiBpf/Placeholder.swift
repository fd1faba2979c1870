// Placeholder so that the package loads before the wasm_bpf host module lands;
// delete it when WasiBpf has sources of its own.
