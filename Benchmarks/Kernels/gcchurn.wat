;; Wasm GC churn: run(n) allocates n arrays of 1024 i64 (8 KiB each) and keeps the
;; last 1280 (10 MiB) alive in a ring, so run(1310720) allocates 10 GiB in total.
;; Peak RSS stays flat as n grows (docs/gc.md):
;;   wasmbpf-run --invoke run Benchmarks/Kernels/gcchurn.wat 1310720
(module
  (type $bytes (array (mut i64)))
  (type $ring (array (mut (ref null $bytes))))
  (func (export "run") (param $n i32) (result i32)
    (local $ring (ref $ring)) (local $i i32) (local $a (ref $bytes))
    (local.set $ring (array.new_default $ring (i32.const 1280)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (array.new_default $bytes (i32.const 1024)))
        (array.set $bytes (local.get $a) (i32.const 0) (i64.extend_i32_u (local.get $i)))
        (array.set $ring (local.get $ring) (i32.rem_u (local.get $i) (i32.const 1280)) (local.get $a))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (array.len (local.get $ring))))
