//===- Passes.td - compress graph passes -------------------*- tablegen -*-===//
//
// Passes over float TOSA graphs that are independent of any one dialect of
// ours.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TRANSFORMS_PASSES_TD
#define COMPRESS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CleanupPass : Pass<"compress-cleanup", "mlir::func::FuncOp"> {
  let summary = "Normalise frontend TOSA: layout, batch norm, constants";
  let description = [{
    Brings a float TOSA graph as torch-mlir, TFLite or an ONNX importer
    writes it into the form the rest of `compress` expects:

    * Layout: the NCHW<->NHWC `tosa.transpose` pairs that frontends put
      around every convolution and pooling op are moved along elementwise,
      reshape, slice and pad ops until they meet and cancel; what remains is
      one transpose at the input, and a transpose in front of a flattening
      `tosa.reshape` into a constant `tosa.matmul` is folded into the matmul
      weights.
    * Batch norm: chains of `tosa.sub`/`tosa.mul`/`tosa.add` with
      per-channel constants that follow a `tosa.conv2d` (or
      `tosa.depthwise_conv2d`) are folded into its weights and bias.
    * Constants: any op whose operands are all constants (for example
      `tosa.rsqrt(tosa.add(var, eps))`) is evaluated once with the reference
      evaluator and replaced by a `tosa.const`.

    Results are unchanged up to float rounding.

    Before:
    ```mlir
    %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : ...
    %1 = tosa.conv2d %0, %w, %b, %zp, %zp {...} : ...
    %2 = tosa.transpose %1 {perms = array<i32: 0, 3, 1, 2>} : ...
    %3 = tosa.mul %2, %gamma, %shift : ...
    %4 = tosa.transpose %3 {perms = array<i32: 0, 2, 3, 1>} : ...
    %5 = tosa.conv2d %4, ...
    ```
    After:
    ```mlir
    %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : ...
    %1 = tosa.conv2d %0, %w_times_gamma, %b_times_gamma, %zp, %zp {...}
    %5 = tosa.conv2d %1, ...
    ```
  }];
  let options = [
    Option<"maxFoldElements", "max-fold-elements", "int64_t",
           /*default=*/"1048576",
           "Largest result (in elements) that constant folding creates">,
  ];
  let statistics = [
    Statistic<"numTransposesRemoved", "transposes-removed",
              "Transposes cancelled or folded into constants">,
    Statistic<"numBatchNormsFolded", "batch-norm-ops-folded",
              "Per-channel ops folded into convolution weights and bias">,
    Statistic<"numConstantsFolded", "constants-folded",
              "Ops replaced by constants">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // COMPRESS_TRANSFORMS_PASSES_TD
