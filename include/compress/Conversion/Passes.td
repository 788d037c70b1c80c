//===- Passes.td - compress conversion passes --------------*- tablegen -*-===//
//
// Passes that convert between dialects: exporting the integer kernel dialect
// to standard TOSA so that TOSA consumers and upstream's TOSA lowering can
// run the integer program.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_PASSES_TD
#define COMPRESS_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQIntToTosaPass : Pass<"convert-qint-to-tosa"> {
  let summary = "Export qint ops to standard integer TOSA";
  let description = [{
    Replaces every `qint` op by TOSA ops that compute the same integers bit
    for bit:

    * `qint.weights` becomes a `tosa.const` of its values;
    * `qint.conv2d` and `qint.depthwise_conv2d` become `tosa.conv2d` and
      `tosa.depthwise_conv2d` on i8 with `acc_type = i32`, a constant input
      zero point, weight zero point 0 and a zero bias when there is none;
    * `qint.matmul` becomes `tosa.matmul` with its zero points, plus a
      `tosa.add` of the bias reshaped to `[1, 1, N]`;
    * `qint.requantize` becomes `tosa.rescale` (`scale32`, per channel when
      it has several multipliers), followed by a `tosa.clamp` when its clamp
      is narrower than the result type;
    * `qint.add` becomes two `tosa.rescale`s to i32, a `tosa.add` and a
      `tosa.rescale` back (plus a `tosa.clamp` when needed);
    * `qint.max_pool2d` and `qint.avg_pool2d` become `tosa.max_pool2d` and
      `tosa.avg_pool2d`;
    * `qint.quantize` becomes `tosa.mul` by `float(1 / scale)`, `tosa.cast`
      to i32, `tosa.clamp`, `tosa.add` of the zero point and a narrowing
      `tosa.cast`; `qint.dequantize` becomes `tosa.cast` to i32, `tosa.sub`
      of the zero point, `tosa.cast` to f32 and `tosa.mul` by the scale.

    Where TOSA restricts what qint allows, the export adds exact steps:
    zero points that `tosa.rescale` accepts only on i8 are subtracted or
    added in i32 around it, and windows that do not tile the padded input
    exactly (TOSA requires it, qint drops the incomplete last window) lose
    the rows and columns no window reads.

    The `compress` dialect's attributes (calibrated ranges, layer names,
    plans) are removed from every op and function argument, so the result
    is standard TOSA that upstream tools read without compress.

    An op that TOSA cannot express is an error on that op and the pass
    fails: accumulators other than i32 (TOSA accumulates i8 products in i32
    only), i16 convolution or matmul inputs, zero points on i16 average
    pooling, strided windows over a dynamic spatial size, and
    dequantization that would need integer arithmetic wider than i32.

    Before:
    ```mlir
    %y = qint.requantize %acc {multiplier = array<i32: 1518500250>,
        shift = array<i8: 38>, output_zp = -128 : i64,
        clamp_min = -128 : i64, clamp_max = 127 : i64}
        : tensor<1x16xi32> -> tensor<1x16xi8>
    ```
    After:
    ```mlir
    %m = "tosa.const"() <{values = dense<1518500250> : tensor<1xi32>}>
        : () -> tensor<1xi32>
    %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}>
        : () -> tensor<1xi8>
    %iz = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
        : () -> tensor<1xi32>
    %oz = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}>
        : () -> tensor<1xi8>
    %y = tosa.rescale %acc, %m, %s, %iz, %oz {input_unsigned = false,
        output_unsigned = false, per_channel = false,
        rounding_mode = DOUBLE_ROUND, scale32 = true}
        : (tensor<1x16xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>,
           tensor<1xi8>) -> tensor<1x16xi8>
    ```
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numOpsExported", "ops-exported",
              "qint ops replaced by TOSA ops">,
  ];
}

#endif // COMPRESS_CONVERSION_PASSES_TD
