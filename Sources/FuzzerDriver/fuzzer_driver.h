// libFuzzer's entry for programs that have a main of their own (LLVM 11+, in
// libclang_rt.fuzzer). SwiftPM names an executable's entry point after its module
// (`wasmbpf_fuzz_main`) and points `main` at it, so libFuzzer's own main is never
// linked: wasmbpf-fuzz calls the driver itself. Only referenced by the fuzzer build
// (-D WASMBPF_LIBFUZZER), which links the library with -sanitize=fuzzer.
#ifndef WASMBPF_FUZZER_DRIVER_H
#define WASMBPF_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));

#endif
