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
    fails: accumulators wider than i32 (TOSA accumulates i8 products in
    i32 only; narrower ones are computed in i32 and wrapped to their width
    by two shifts, and only a requantize or dequantize may read them),
    i16 convolution or matmul inputs, zero points on i16 average
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

def ConvertQIntToX86Pass : Pass<"convert-qint-to-x86", "mlir::ModuleOp"> {
  let summary = "Lower qint convolutions and matmuls to AVX-512 VNNI kernels";
  let description = [{
    Replaces each `qint.conv2d`, `qint.depthwise_conv2d` and `qint.matmul`
    with an accumulator of at most 32 bits (one narrower than i32 only with
    a requantize, which wraps the i32 sum to its width first),
    i8 activations and constant weights, together with the
    `qint.requantize` that consumes it and the `qint.add` that consumes
    that (a residual connection), by one loop nest of vector code whose
    inner product is `vpdpbusd` (u8 x s8 into i32), called as the function
    `llvm.x86.avx512.vpdpbusd.512` that the pass declares: the translation
    to LLVM IR makes that declaration the intrinsic. The result computes the same integers as the qint ops, bit
    for bit; everything else is left for `convert-qint-to-tosa`.

    At compile time the pass:

    * packs the weights into the microkernel's order
      `[O/16][KH][KW][C/4][16][4]` (one 64-byte vector holds four
      reduction bytes of 16 output channels; channels are padded with
      zero weights to multiples of 4 and 16);
    * folds the input zero point and the unsigned shift of the activations
      into the bias: `vpdpbusd` multiplies unsigned bytes, so activations
      enter as `x + 128` (a xor with 0x80) and the bias becomes
      `bias - (128 + input_zp) * sum(w)`;
    * expands the requantize multipliers, shifts and rounding constants
      per channel.

    At run time each kernel copies its input once into a buffer whose halo
    holds the padding value (so padded windows need no branches), keeps a
    tile of up to 6 x 4 vectors of 16 accumulators in registers, and
    applies the requantize, residual add and clamp to them before storing
    i8 results (or stores the i32 accumulators when no requantize follows).

    `qint.depthwise_conv2d` with one output channel per input channel
    (there is no reduction over channels for `vpdpbusd` to do) becomes a
    loop of 16-channel multiply-adds of the zero-extended activations by
    the weights widened to i32, with the same halo, bias folding and
    epilogue. A `qint.matmul` with one row and weights that fit 4 signed
    bits keeps them packed two to a byte and unpacks them in registers.

    A convolution or matmul over a multiple of 4 input channels whose
    weights are at least `sparse-kernels` percent zero in 1x4 blocks (four
    input channels of one tap, what `compress-prune pattern=block4` zeroes)
    takes the sparse kernel instead: accumulators hold 16 output pixels of
    one channel, activations are copied once into a grid where those pixels'
    four channels are one 64-byte vector, and each nonzero block is one
    broadcast, so every zero block saves one `vpdpbusd` per 16 pixels. Its
    results are the dense kernel's, bit for bit.

    The generated code needs AVX-512 F/BW and VNNI; `compress-lower-to-llvm`
    runs this pass only for targets that have them.

    Before:
    ```mlir
    %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64,
        pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
        dilation = array<i64: 1, 1>}
        : (tensor<1x8x8x16xi8>, tensor<16x3x3x16xi8>, tensor<16xi32>)
        -> tensor<1x8x8x16xi32>
    %y = qint.requantize %acc {...} : tensor<1x8x8x16xi32> -> tensor<1x8x8x16xi8>
    ```
    After (abridged):
    ```mlir
    %in = bufferization.to_buffer %x read_only : ...
    %halo = memref.alloc() {alignment = 64 : i64} : memref<1600xi8>
    linalg.fill ins(%c0_i8 : i8) outs(%halo : memref<1600xi8>)
    scf.for ... { vector.maskedload / arith.xori / vector.maskedstore }
    scf.for ... {
      %acc = scf.for ... iter_args(...) {
        %r = func.call @llvm.x86.avx512.vpdpbusd.512(...)
      }
      // requantize on vector<16xi64>, clamp, vector.store of vector<16xi8>
    }
    %y = bufferization.to_tensor %out restrict writable : ...
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::linalg::LinalgDialect", "mlir::LLVM::LLVMDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"sparseKernels", "sparse-kernels", "int64_t",
           /*default=*/"compress::kDefaultSparseKernelPercent",
           "Percent of zero 1x4 weight blocks from which a convolution or "
           "matmul takes the sparse kernel (0..100; above 100: never)">,
  ];
  let statistics = [
    Statistic<"numKernels", "kernels", "Kernels generated">,
    Statistic<"numSparseKernels", "sparse-kernels",
              "Kernels that skip zero weight blocks">,
    Statistic<"numFusedRequantize", "fused-requantize",
              "qint.requantize ops applied in a kernel's epilogue">,
    Statistic<"numFusedAdd", "fused-add",
              "qint.add ops applied in a kernel's epilogue">,
  ];
}

#endif // COMPRESS_CONVERSION_PASSES_TD
