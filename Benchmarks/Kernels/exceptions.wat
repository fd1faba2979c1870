;; Exceptions: a checked-arithmetic evaluator that throws on overflow and on bad
;; input, in the shapes compilers emit for exceptions. Each of run(n)'s n steps
;; evaluates a small recursive computation 1 to 8 frames deep; about half of them
;; throw, through frames that run cleanup code the way C++ destructors do
;; (catch_all_ref, then throw_ref), to a handler that dispatches on the tag (catch,
;; catch_ref, catch_all). Read as text by both sides of the benchmark
;; (wasmbpf-bench parses it with WasmText, wasmtime with its own parser).
(module
  (tag $overflow (param i32 i64))
  (tag $invalid (param i32))
  (tag $rare)
  (global $cleanups (mut i32) (i32.const 0))

  ;; depth-deep recursion accumulating x; throws $overflow past 2^40, $invalid when
  ;; x is a multiple of 13, $rare when it is a multiple of 1021.
  (func $eval (param $x i64) (param $depth i32) (result i64)
    (if (i64.gt_u (local.get $x) (i64.const 0x100_0000_0000))
      (then (throw $overflow (local.get $depth) (local.get $x))))
    (if (i64.eqz (i64.rem_u (local.get $x) (i64.const 13)))
      (then (throw $invalid (i32.wrap_i64 (local.get $x)))))
    (if (i64.eqz (i64.rem_u (local.get $x) (i64.const 1021)))
      (then (throw $rare)))
    (if (result i64) (i32.eqz (local.get $depth))
      (then (local.get $x))
      (else
        (call $guarded
          (i64.add (i64.mul (local.get $x) (i64.const 37)) (i64.const 11))
          (i32.sub (local.get $depth) (i32.const 1))))))

  ;; A frame with a cleanup: whatever is thrown through it runs the cleanup and
  ;; continues with the same exception.
  (func $guarded (param $x i64) (param $depth i32) (result i64)
    (local $exn exnref)
    (block $cleanup (result exnref)
      (return
        (try_table (result i64) (catch_all_ref $cleanup)
          (call $eval (local.get $x) (local.get $depth)))))
    (local.set $exn)
    (global.set $cleanups (i32.add (global.get $cleanups) (i32.const 1)))
    (throw_ref (local.get $exn)))

  ;; One step: the result, or what the handler makes of the exception.
  (func $step (param $i i32) (result i64)
    (local $depth i32)
    (local.set $depth (i32.and (local.get $i) (i32.const 7)))
    (block $other
      (block $on_invalid (result i32)
        (block $on_overflow (result i32 i64)
          (return
            (try_table (result i64)
              (catch $overflow $on_overflow) (catch $invalid $on_invalid) (catch_all $other)
              (call $guarded (i64.extend_i32_u (local.get $i)) (local.get $depth)))))
        ;; overflow: depth and value
        (drop)
        (return (i64.extend_i32_u)))
      ;; invalid: the value
      (return (i64.mul (i64.extend_i32_u) (i64.const 3))))
    (i64.const 1000))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i64)
    (global.set $cleanups (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i64.add (i64.rotl (local.get $sum) (i64.const 5)) (call $step (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.xor
      (i32.wrap_i64 (i64.xor (local.get $sum) (i64.shr_u (local.get $sum) (i64.const 32))))
      (global.get $cleanups)))
)
