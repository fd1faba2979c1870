;; A linked-structure workload on Wasm GC: a FIFO queue kept as a singly linked
;; list of `live` nodes, through which `run(n)` pushes n new nodes (each push at
;; the tail drops the node at the head), then sums the values left in the queue.
;; Each node is a struct of an i64 and a reference (48 bytes in our heap): with
;; `live` = 200,000 about 10 MB stay alive while n × 48 bytes are allocated, the
;; issue's "allocate far more than is kept" case. run(5000000) = 999999.
(module
  (type $node (struct (field $value i64) (field $next (mut (ref null $node)))))
  (func $run (export "run") (param $n i32) (result i32)
    (local $head (ref null $node)) (local $tail (ref null $node)) (local $new (ref $node))
    (local $i i32) (local $sum i64) (local $live i32)
    (local.set $live (i32.const 200000))
    ;; The queue's first `live` nodes.
    (local.set $head (struct.new $node (i64.const 0) (ref.null $node)))
    (local.set $tail (local.get $head))
    (local.set $i (i32.const 1))
    (loop $fill
      (local.set $new (struct.new $node (i64.extend_i32_u (local.get $i)) (ref.null $node)))
      (struct.set $node $next (local.get $tail) (local.get $new))
      (local.set $tail (local.get $new))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $live))))
    ;; n pushes at the tail, each with a pop at the head.
    (local.set $i (i32.const 0))
    (block $done
      (loop $churn
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $new (struct.new $node (i64.extend_i32_u (i32.rem_u (local.get $i) (i32.const 11))) (ref.null $node)))
        (struct.set $node $next (local.get $tail) (local.get $new))
        (local.set $tail (local.get $new))
        (local.set $head (struct.get $node $next (local.get $head)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $churn)))
    ;; The sum of the values left (checks that the live nodes survived).
    (block $end
      (loop $walk
        (br_if $end (ref.is_null (local.get $head)))
        (local.set $sum (i64.add (local.get $sum) (struct.get $node $value (local.get $head))))
        (local.set $head (struct.get $node $next (local.get $head)))
        (br $walk)))
    (i32.wrap_i64 (local.get $sum)))
)
