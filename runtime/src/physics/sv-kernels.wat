;; WebAssembly SIMD kernels of the SV forward pass (sv-forward-wasm.ts drives
;; them; sv-forward.ts is the reference). Assembled at build time by
;; tools/build-wasm.mjs into sv-kernels.generated.ts.
;;
;; Arithmetic is float64 (f64x2), as in the TypeScript path, so both paths
;; agree to rounding (f32x4 would run `linear` about twice as fast, but the
;; paths would then differ by ~1e-6, a tenth of the PyTorch tolerance, for a
;; frame already well inside its budget). Addresses
;; are byte offsets into the exported memory; counts are in elements. Every
;; row width the caller passes as `n` is d_h padded to a multiple of 4 (Hp),
;; with zero weights and biases in the padding, so padded lanes stay 0.

(module
  (memory (export "memory") 1)

  ;; C[i, o] = Bias[i·biasStride + o] + Σ_k A[i, k]·Wt[k, o] for i < m, o < n:
  ;; a linear layer over m rows. A is [m, K], Wt the weight transposed [K, n],
  ;; C [m, n]; biasStride 0 shares one bias row, n gives each row its own.
  ;; m and n are multiples of 4: blocks of 4 rows × 4 outputs keep 8 f64x2
  ;; accumulators in registers, and each loaded weight pair feeds 4 rows.
  (func (export "linear")
    (param $a i32) (param $wt i32) (param $bias i32) (param $biasStride i32)
    (param $c i32) (param $m i32) (param $n i32) (param $K i32)
    (local $i i32) (local $o i32) (local $k i32) (local $pa i32) (local $pw i32)
    (local $pb i32) (local $pc i32) (local $lda i32) (local $ldc i32) (local $ldb i32)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $lda (i32.shl (local.get $K) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 3)))
    (local.set $ldb (i32.shl (local.get $biasStride) (i32.const 3)))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))))
      (loop $rows
        (local.set $o (i32.const 0))
        (loop $outs
          ;; accumulators start at the bias of each of the 4 rows
          (local.set $pb (i32.add (i32.add (local.get $bias) (i32.mul (local.get $i) (local.get $ldb)))
                                  (i32.shl (local.get $o) (i32.const 3))))
          (local.set $c00 (v128.load (local.get $pb)))
          (local.set $c01 (v128.load offset=16 (local.get $pb)))
          (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
          (local.set $c10 (v128.load (local.get $pb)))
          (local.set $c11 (v128.load offset=16 (local.get $pb)))
          (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
          (local.set $c20 (v128.load (local.get $pb)))
          (local.set $c21 (v128.load offset=16 (local.get $pb)))
          (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
          (local.set $c30 (v128.load (local.get $pb)))
          (local.set $c31 (v128.load offset=16 (local.get $pb)))
          (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
          (local.set $pw (i32.add (local.get $wt) (i32.shl (local.get $o) (i32.const 3))))
          (local.set $k (local.get $K))
          (block $kdone
            (br_if $kdone (i32.eqz (local.get $k)))
            (loop $ks
              (local.set $w0 (v128.load (local.get $pw)))
              (local.set $w1 (v128.load offset=16 (local.get $pw)))
              (local.set $x (v128.load64_splat (local.get $pa)))
              (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $w0))))
              (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $w1))))
              (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $lda))))
              (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $w0))))
              (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $w1))))
              (local.set $x (v128.load64_splat (i32.add (local.get $pa) (i32.shl (local.get $lda) (i32.const 1)))))
              (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $w0))))
              (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $w1))))
              (local.set $x (v128.load64_splat (i32.add (local.get $pa) (i32.mul (local.get $lda) (i32.const 3)))))
              (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $w0))))
              (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $w1))))
              (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
              (local.set $pw (i32.add (local.get $pw) (local.get $ldc)))
              (br_if $ks (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
          (local.set $pc (i32.add (local.get $c)
                                  (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $o) (i32.const 3)))))
          (v128.store (local.get $pc) (local.get $c00))
          (v128.store offset=16 (local.get $pc) (local.get $c01))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c10))
          (v128.store offset=16 (local.get $pc) (local.get $c11))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c20))
          (v128.store offset=16 (local.get $pc) (local.get $c21))
          (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
          (v128.store (local.get $pc) (local.get $c30))
          (v128.store offset=16 (local.get $pc) (local.get $c31))
          (br_if $outs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 4))) (local.get $n))))
        (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m))))))

  ;; In place over m rows of width n (a multiple of 4): LayerNorm over the
  ;; first `count` lanes (eps 1e-5, weight lnw, bias lnb), then ReLU. The
  ;; padded lanes hold 0 on entry; `mask` (1 for real lanes, 0 for padding)
  ;; keeps them out of the variance, and their zero lnw/lnb keep them 0.
  ;; Sums run over 4 lanes a step in two accumulators (shorter add chains).
  (func (export "layerNormRelu")
    (param $a i32) (param $m i32) (param $n i32) (param $count i32)
    (param $mask i32) (param $lnw i32) (param $lnb i32)
    (local $row i32) (local $end i32) (local $k i32) (local $rowBytes i32) (local $p i32)
    (local $s0 v128) (local $s1 v128) (local $x0 v128) (local $x1 v128)
    (local $mean v128) (local $inv v128) (local $scale f64) (local $t f64)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $scale (f64.div (f64.const 1) (f64.convert_i32_u (local.get $count))))
    (local.set $row (local.get $a))
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $rowBytes))))
    (block $done
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (loop $rows
        ;; mean: padded lanes are 0, so summing all n lanes is the sum of the real ones
        (local.set $s0 (f64x2.splat (f64.const 0)))
        (local.set $s1 (f64x2.splat (f64.const 0)))
        (local.set $k (i32.const 0))
        (loop $sum
          (local.set $p (i32.add (local.get $row) (local.get $k)))
          (local.set $s0 (f64x2.add (local.get $s0) (v128.load (local.get $p))))
          (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $p))))
          (br_if $sum (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 32))) (local.get $rowBytes))))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
        (local.set $t (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))
                               (local.get $scale)))
        (local.set $mean (f64x2.splat (local.get $t)))
        ;; variance over the real lanes
        (local.set $s0 (f64x2.splat (f64.const 0)))
        (local.set $s1 (f64x2.splat (f64.const 0)))
        (local.set $k (i32.const 0))
        (loop $var
          (local.set $p (i32.add (local.get $row) (local.get $k)))
          (local.set $x0 (f64x2.mul (f64x2.sub (v128.load (local.get $p)) (local.get $mean))
                                    (v128.load (i32.add (local.get $mask) (local.get $k)))))
          (local.set $x1 (f64x2.mul (f64x2.sub (v128.load offset=16 (local.get $p)) (local.get $mean))
                                    (v128.load offset=16 (i32.add (local.get $mask) (local.get $k)))))
          (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x0) (local.get $x0))))
          (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x1) (local.get $x1))))
          (br_if $var (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 32))) (local.get $rowBytes))))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
        (local.set $t (f64.div (f64.const 1)
                               (f64.sqrt (f64.add (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))
                                                           (local.get $scale))
                                                  (f64.const 1e-5)))))
        (local.set $inv (f64x2.splat (local.get $t)))
        ;; y = max((x − mean)·inv·w + b, 0); pmax(0, NaN) is 0, as in the TypeScript path
        (local.set $k (i32.const 0))
        (loop $norm
          (local.set $p (i32.add (local.get $row) (local.get $k)))
          (local.set $x0 (f64x2.add
            (f64x2.mul (f64x2.mul (f64x2.sub (v128.load (local.get $p)) (local.get $mean)) (local.get $inv))
                       (v128.load (i32.add (local.get $lnw) (local.get $k))))
            (v128.load (i32.add (local.get $lnb) (local.get $k)))))
          (local.set $x1 (f64x2.add
            (f64x2.mul (f64x2.mul (f64x2.sub (v128.load offset=16 (local.get $p)) (local.get $mean)) (local.get $inv))
                       (v128.load offset=16 (i32.add (local.get $lnw) (local.get $k))))
            (v128.load offset=16 (i32.add (local.get $lnb) (local.get $k)))))
          (v128.store (local.get $p) (f64x2.pmax (f64x2.splat (f64.const 0)) (local.get $x0)))
          (v128.store offset=16 (local.get $p) (f64x2.pmax (f64x2.splat (f64.const 0)) (local.get $x1)))
          (br_if $norm (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 32))) (local.get $rowBytes))))
        (br_if $rows (i32.lt_u (local.tee $row (i32.add (local.get $row) (local.get $rowBytes))) (local.get $end))))))

  ;; Per unordered pair i < j of N nodes (p counting up): the node parts of
  ;; the first force Linear. base[p] = b + s_i + s_j (s = W_s·h per node, rows
  ;; of width n) and pairIn[p, 5 + k] = |h_i − h_j|[k]; pairIn rows are 5 + n
  ;; wide, their first 5 columns (the pair scalars σ) written by the caller.
  (func (export "pairInputs")
    (param $h i32) (param $s i32) (param $b i32) (param $nodes i32) (param $n i32)
    (param $base i32) (param $pairIn i32)
    (local $i i32) (local $j i32) (local $k i32) (local $rowBytes i32) (local $inBytes i32)
    (local $hi i32) (local $hj i32) (local $si i32) (local $sj i32) (local $pb i32) (local $pin i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $inBytes (i32.add (local.get $rowBytes) (i32.const 40)))
    (local.set $pb (local.get $base))
    (local.set $pin (i32.add (local.get $pairIn) (i32.const 40)))
    (local.set $i (i32.const 0))
    (block $done
      (br_if $done (i32.lt_u (local.get $nodes) (i32.const 2)))
      (loop $is
        (local.set $hi (i32.add (local.get $h) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $si (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (loop $js
          (local.set $hj (i32.add (local.get $h) (i32.mul (local.get $j) (local.get $rowBytes))))
          (local.set $sj (i32.add (local.get $s) (i32.mul (local.get $j) (local.get $rowBytes))))
          (local.set $k (i32.const 0))
          (loop $ks
            (v128.store (i32.add (local.get $pb) (local.get $k))
              (f64x2.add (v128.load (i32.add (local.get $b) (local.get $k)))
                         (f64x2.add (v128.load (i32.add (local.get $si) (local.get $k)))
                                    (v128.load (i32.add (local.get $sj) (local.get $k))))))
            (v128.store (i32.add (local.get $pin) (local.get $k))
              (f64x2.abs (f64x2.sub (v128.load (i32.add (local.get $hi) (local.get $k)))
                                    (v128.load (i32.add (local.get $hj) (local.get $k))))))
            (br_if $ks (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 16))) (local.get $rowBytes))))
          (local.set $pb (i32.add (local.get $pb) (local.get $rowBytes)))
          (local.set $pin (i32.add (local.get $pin) (local.get $inBytes)))
          (br_if $js (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nodes))))
        (br_if $is (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (i32.sub (local.get $nodes) (i32.const 1)))))))

  ;; The force MLP's last Linear and the aggregation, per pair i < j:
  ;; α = W3·t + b3 (W3 [3, n], t the pair's hidden row), F = α1 e1 + α2 e2 + α3 e3
  ;; with the pair's frame [e1, e2, e3] (9 values), F_j += F, F_i −= F; f is
  ;; [nodes, 3], zeroed first. n is a multiple of 4.
  (func (export "forces")
    (param $hidden i32) (param $w3 i32) (param $b3 i32) (param $frames i32)
    (param $f i32) (param $nodes i32) (param $n i32)
    (local $i i32) (local $j i32) (local $k i32) (local $rowBytes i32) (local $pw i32) (local $t v128) (local $v v128)
    (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128) (local $a1 f64) (local $a2 f64) (local $a3 f64)
    (local $fx f64) (local $fy f64) (local $fz f64) (local $pt i32) (local $pf i32) (local $fi i32) (local $fj i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $f) (i32.const 0) (i32.mul (local.get $nodes) (i32.const 24)))
    (local.set $pt (local.get $hidden))
    (local.set $pf (local.get $frames))
    (local.set $i (i32.const 0))
    (block $done
      (br_if $done (i32.lt_u (local.get $nodes) (i32.const 2)))
      (loop $is
        (local.set $fi (i32.add (local.get $f) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (loop $js
          ;; α·: three dot products over the row, 4 lanes a step in two accumulators each
          (local.set $s1 (f64x2.splat (f64.const 0)))
          (local.set $s2 (f64x2.splat (f64.const 0)))
          (local.set $s3 (f64x2.splat (f64.const 0)))
          (local.set $u1 (f64x2.splat (f64.const 0)))
          (local.set $u2 (f64x2.splat (f64.const 0)))
          (local.set $u3 (f64x2.splat (f64.const 0)))
          (local.set $k (i32.const 0))
          (loop $ks
            (local.set $t (v128.load (i32.add (local.get $pt) (local.get $k))))
            (local.set $v (v128.load offset=16 (i32.add (local.get $pt) (local.get $k))))
            (local.set $pw (i32.add (local.get $w3) (local.get $k)))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $t) (v128.load (local.get $pw)))))
            (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $v) (v128.load offset=16 (local.get $pw)))))
            (local.set $pw (i32.add (local.get $pw) (local.get $rowBytes)))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $t) (v128.load (local.get $pw)))))
            (local.set $u2 (f64x2.add (local.get $u2) (f64x2.mul (local.get $v) (v128.load offset=16 (local.get $pw)))))
            (local.set $pw (i32.add (local.get $pw) (local.get $rowBytes)))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $t) (v128.load (local.get $pw)))))
            (local.set $u3 (f64x2.add (local.get $u3) (f64x2.mul (local.get $v) (v128.load offset=16 (local.get $pw)))))
            (br_if $ks (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 32))) (local.get $rowBytes))))
          (local.set $s1 (f64x2.add (local.get $s1) (local.get $u1)))
          (local.set $s2 (f64x2.add (local.get $s2) (local.get $u2)))
          (local.set $s3 (f64x2.add (local.get $s3) (local.get $u3)))
          (local.set $a1 (f64.add (f64.load (local.get $b3)) (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1)))))
          (local.set $a2 (f64.add (f64.load offset=8 (local.get $b3)) (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2)))))
          (local.set $a3 (f64.add (f64.load offset=16 (local.get $b3)) (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64x2.extract_lane 1 (local.get $s3)))))
          (local.set $fx (f64.add (f64.add (f64.mul (local.get $a1) (f64.load (local.get $pf)))
                                           (f64.mul (local.get $a2) (f64.load offset=24 (local.get $pf))))
                                  (f64.mul (local.get $a3) (f64.load offset=48 (local.get $pf)))))
          (local.set $fy (f64.add (f64.add (f64.mul (local.get $a1) (f64.load offset=8 (local.get $pf)))
                                           (f64.mul (local.get $a2) (f64.load offset=32 (local.get $pf))))
                                  (f64.mul (local.get $a3) (f64.load offset=56 (local.get $pf)))))
          (local.set $fz (f64.add (f64.add (f64.mul (local.get $a1) (f64.load offset=16 (local.get $pf)))
                                           (f64.mul (local.get $a2) (f64.load offset=40 (local.get $pf))))
                                  (f64.mul (local.get $a3) (f64.load offset=64 (local.get $pf)))))
          (local.set $fj (i32.add (local.get $f) (i32.mul (local.get $j) (i32.const 24))))
          (f64.store (local.get $fj) (f64.add (f64.load (local.get $fj)) (local.get $fx)))
          (f64.store offset=8 (local.get $fj) (f64.add (f64.load offset=8 (local.get $fj)) (local.get $fy)))
          (f64.store offset=16 (local.get $fj) (f64.add (f64.load offset=16 (local.get $fj)) (local.get $fz)))
          (f64.store (local.get $fi) (f64.sub (f64.load (local.get $fi)) (local.get $fx)))
          (f64.store offset=8 (local.get $fi) (f64.sub (f64.load offset=8 (local.get $fi)) (local.get $fy)))
          (f64.store offset=16 (local.get $fi) (f64.sub (f64.load offset=16 (local.get $fi)) (local.get $fz)))
          (local.set $pt (i32.add (local.get $pt) (local.get $rowBytes)))
          (local.set $pf (i32.add (local.get $pf) (i32.const 72)))
          (br_if $js (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nodes))))
        (br_if $is (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (i32.sub (local.get $nodes) (i32.const 1))))))))
