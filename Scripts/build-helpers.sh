# Sourced by the scripts that build C into BPF objects and Wasm guests (fixtures,
# examples): make-style staleness and the BPF compile every object gets.
# Expects `root` (the repository) to be set.

# stale TARGET SOURCES...: true when TARGET is missing or older than any SOURCE.
stale() {
  local target=$1
  shift
  [ -e "$target" ] || return 0
  for s in "$@"; do [ "$s" -nt "$target" ] && return 0; done
  return 1
}

# bpf_compile SRC OBJ [extra flags...]: the toolchain's clang, BPF target, BTF (-g)
# for CO-RE, the host's multiarch headers for <linux/...> and <asm/...>.
bpf_compile() {
  local src=$1 obj=$2
  shift 2
  local arch_include
  arch_include=/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
  clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$arch_include" "$@" -c "$src" -o "$obj"
  echo "built ${obj#"$root"/}"
}
