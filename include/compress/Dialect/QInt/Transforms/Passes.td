//===- Passes.td - qint dialect passes ---------------------*- tablegen -*-===//
//
// Passes that analyse or rewrite programs in the integer kernel dialect.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_TRANSFORMS_PASSES_TD
#define COMPRESS_DIALECT_QINT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AnnotateIntRangesPass
    : Pass<"compress-annotate-int-ranges", "mlir::func::FuncOp"> {
  let summary = "Attach inferred integer ranges to qint results";
  let description = [{
    Runs MLIR's dataflow integer range analysis (with dead code analysis and
    sparse constant propagation, as `-int-range-optimizations` does) over a
    function and records its result on every `qint` op:

    * `qint.range = array<i64: lo, hi>` on each op with an integer result:
      the signed bounds the analysis proved for every element of the result.
    * `qint.acc_bits_needed = N : i64` on `qint.conv2d`,
      `qint.depthwise_conv2d` and `qint.matmul`: the smallest signed
      two's-complement width that holds `[lo, hi]`. A value below the width
      of the accumulator type means the accumulator can be narrowed; a value
      equal to it means the accumulator may use every bit, or wrap (an op
      whose exact range exceeds its type reports the whole type).

    The ranges come from the ops' `InferIntRangeInterface` implementations:
    quantize, requantize and add bound their result by their clamp, and the
    accumulating ops bound each output channel exactly from constant
    weights and bias. Annotations left by an earlier run are replaced, or
    removed where the analysis has no range (for example in unreachable
    code). The IR is otherwise unchanged.

    Before:
    ```mlir
    %x = qint.quantize %in {scale = 0.1 : f64, zero_point = -128 : i64}
        : tensor<1x1x2xf32> -> tensor<1x1x2xi8>
    %w = qint.weights {axis = 2 : i64, bits = 2 : i64,
                       scales = array<f32: 0.5, 0.5>,
                       values = dense<[[[1, -1], [1, 1]]]> : tensor<1x2x2xi8>}
        : tensor<1x2x2xi8>
    %acc = qint.matmul %x, %w {lhs_zp = -128 : i64}
        : (tensor<1x1x2xi8>, tensor<1x2x2xi8>) -> tensor<1x1x2xi32>
    ```
    After (column 0 sums two values in `[0, 255]`, column 1 subtracts one
    from the other):
    ```mlir
    %x = qint.quantize %in {qint.range = array<i64: -128, 127>, ...}
    %w = qint.weights {qint.range = array<i64: -1, 1>, ...}
    %acc = qint.matmul %x, %w {lhs_zp = -128 : i64,
        qint.acc_bits_needed = 10 : i64, qint.range = array<i64: -255, 510>}
        : (tensor<1x1x2xi8>, tensor<1x2x2xi8>) -> tensor<1x1x2xi32>
    ```
  }];
  let statistics = [
    Statistic<"numRangesAnnotated", "ranges-annotated",
              "Results of qint ops given a qint.range">,
    Statistic<"numAccumulatorsAnnotated", "accumulators-annotated",
              "Accumulators given a qint.acc_bits_needed">,
    Statistic<"numFullWidthAccumulators", "full-width-accumulators",
              "Accumulators whose range needs every bit of their type">,
  ];
}

def PackWeightsPass : Pass<"compress-pack-weights", "mlir::func::FuncOp"> {
  let summary = "Store qint.weights in their smallest layout: packed or sparse";
  let description = [{
    Rewrites every `qint.weights` with `layout = dense` to the layout that
    stores it in the fewest bytes; the result type and the integers it
    means do not change, so no user of the weights is touched.

    - `packed` (fewer than 8 bits): `ceil(count * bits / 8)` bytes holding
      one `bits`-bit field per weight, in row-major order, as one
      little-endian LSB-first bitstream (two's complement for signed
      weights; binary weights store 0 for -1 and 1 for +1). 8-bit weights
      stay dense unless sparse storage is smaller.
    - `sparse` (with `sparse=true`, the default; pruned weights): a bitmask
      of the blocks that hold a nonzero weight and the packed bitstream of
      those blocks' weights. Two block shapes are tried: single elements
      (unstructured) and, when the weights have one user that reduces over
      a dimension, 1x4 blocks along it (`[1, 1, 1, 4]` for `qint.conv2d`'s
      OHWI weights, `[1, 4, 1]` for `qint.matmul`'s right-hand side), the
      unit a dot-product kernel can skip. On a tie the packed layout wins,
      then the 1x4 blocks.

    Before (ternary weights, five values in five bytes):
    ```mlir
    %w = qint.weights {bits = 2 : i64, scales = array<f32: 0.5>,
                       values = dense<[[1, -1, 0, 1, -1]]> : tensor<1x5xi8>}
        : tensor<1x5xi8>
    ```
    After (fields 01, 11, 00, 01 in byte 0 from its low bits up, 11 in
    byte 1):
    ```mlir
    %w = qint.weights {bits = 2 : i64, layout = #qint.layout<packed>,
                       scales = array<f32: 0.5>,
                       values = dense<[77, 3]> : tensor<2xi8>}
        : tensor<1x5xi8>
    ```
  }];
  let options = [
    Option<"sparse", "sparse", "bool", /*default=*/"true",
           "Also try the sparse layout (unstructured and 1x4 blocks)">,
  ];
  let statistics = [
    Statistic<"numWeightsPacked", "weights-packed",
              "qint.weights constants rewritten to the packed layout">,
    Statistic<"numWeightsSparse", "weights-sparse",
              "qint.weights constants rewritten to the sparse layout">,
    Statistic<"numBytesSaved", "bytes-saved",
              "Bytes of weight storage removed">,
  ];
}

def NarrowAccumulatorsPass
    : Pass<"compress-narrow-accumulators", "mlir::ModuleOp"> {
  let summary = "Give accumulators the narrowest type their bounds prove";
  let description = [{
    Proves the range of every accumulator of `qint.conv2d`,
    `qint.depthwise_conv2d` and `qint.matmul` and rewrites its type to the
    narrowest signed width that holds it, so that the program computes the
    same integers, bit for bit, with the accumulator it actually needs.

    The bound of each output channel comes from its constant weights and
    bias and the range of the input (MLIR's integer range analysis over
    the ops' `InferIntRangeInterface`, as in `compress-annotate-int-ranges`):
    `bias + sum_k max(w_k * t_lo, w_k * t_hi)`, and the minimum likewise,
    with every term `t = x - input_zp` in `[t_lo, t_hi]` (0 included where a
    window reads padding). The bound is attained: the input whose terms
    sit at the end of the range matching the sign of their weight reaches
    it. Without constant weights the bound is the product of the ranges.

    * By default each accumulator gets exactly the bits it needs (an i21,
      say; above 32 bits, i48 where that holds it); `widths=16,24,32`
      restricts the choice to the smallest listed width that holds it.
    * `accumulator-bits=P` requires width P: every accumulator that fits
      becomes iP (or stays narrower), and each one that does not is an
      error naming the layer, its widest output channel, that channel's
      range and the bits it needs.

    An accumulator is rewritten only when every user is a `qint.requantize`
    or `qint.dequantize` (whose zero point must fit the new type) and its
    bias, if any, is a constant, which becomes a constant of the new type.
    Accumulators are never widened. `report=FILE` writes a JSON list of
    every accumulator: layer, op, channels, terms per channel, term range,
    bound, widest channel, bits needed, and the type before and after.
    With `tile-terms=T` it also gives the bound and bits of the widest
    partial sum (bias excluded) over T consecutive terms of a channel, in
    the order of an im2col patch (kernel row, column, channel): what a
    multi-stage accumulation over tiles of T terms needs inside a tile.

    Before (3 terms per channel in `[0, 255]`, the input after its zero
    point; weights `[127, -127, 5]` and `[-3, 4, 100]`, bias `[1000, -1000]`:
    the range is `[-31385, 34660]`, 17 bits):
    ```mlir
    %b = arith.constant dense<[1000, -1000]> : tensor<2xi32>
    %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64, ...}
        : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi32>)
        -> tensor<1x4x4x2xi32>
    %y = qint.requantize %acc {...} : tensor<1x4x4x2xi32> -> tensor<1x4x4x2xi8>
    ```
    After:
    ```mlir
    %b = arith.constant dense<[1000, -1000]> : tensor<2xi17>
    %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64, ...}
        : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi17>)
        -> tensor<1x4x4x2xi17>
    %y = qint.requantize %acc {...} : tensor<1x4x4x2xi17> -> tensor<1x4x4x2xi8>
    ```
    Narrow accumulators lower exactly: the reference evaluator and both
    kernel paths wrap to the type's width, and `convert-qint-to-tosa`
    computes them in i32 (TOSA's accumulator for i8 products) and wraps
    them to their width with two shifts.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::compress::CompressionDialect"];
  let options = [
    Option<"accumulatorBits", "accumulator-bits", "int64_t", /*default=*/"0",
           "Require every accumulator to fit this many bits (2..32), with "
           "an error for each that is not proven to; 0 narrows each to what "
           "it needs">,
    ListOption<"widths", "widths", "int64_t",
               "Widths (2..32) an accumulator may take, the smallest that "
               "holds it chosen; empty: exactly the bits needed">,
    Option<"report", "report", "std::string", /*default=*/"",
           "Write the proven width of every accumulator to this JSON file">,
    Option<"tileTerms", "tile-terms", "int64_t", /*default=*/"0",
           "Also report the bits of the widest partial sum over this many "
           "consecutive terms (multi-stage accumulation); 0: none">,
  ];
  let statistics = [
    Statistic<"numAccumulators", "accumulators",
              "Accumulating ops analysed">,
    Statistic<"numNarrowed", "accumulators-narrowed",
              "Accumulators given a narrower type">,
    Statistic<"numUnproven", "accumulators-unproven",
              "Accumulators that do not fit accumulator-bits">,
  ];
}

#endif // COMPRESS_DIALECT_QINT_TRANSFORMS_PASSES_TD
