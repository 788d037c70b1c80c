//===- QIntOps.td - Integer kernel dialect operations ------*- tablegen -*-===//
//
// Operations of the `qint` dialect. Semantics are stated in each op's
// description and implemented by the reference evaluator.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_IR_QINTOPS_TD
#define COMPRESS_DIALECT_QINT_IR_QINTOPS_TD

include "compress/Dialect/QInt/IR/QIntDialect.td"
include "compress/Dialect/QInt/IR/QIntAttrs.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferIntRangeInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QInt_ActTensor : RankedTensorOf<[I8, I16]>;
def QInt_WeightTensor : RankedTensorOf<[I8]>;
def QInt_I48 : I<48>;
// Accumulators: any signless width from 2 to 32 bits (what
// `compress-narrow-accumulators` proves enough, e.g. i24), i48 or i64.
def QInt_AccInt : Type<
    CPred<"::compress::qint::isAccumulatorType($_self)">,
    "signless integer of 2 to 32, 48 or 64 bits">;
def QInt_AccTensor : RankedTensorOf<[QInt_AccInt]>;
def QInt_AnyIntTensor : RankedTensorOf<[I8, QInt_AccInt]>;
def QInt_FloatTensor : RankedTensorOf<[F32]>;

class QInt_RangeOp<string mnemonic, list<Trait> traits = []>
    : QInt_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<InferIntRangeInterface,
                                  ["inferResultRanges"]>])>;

//===----------------------------------------------------------------------===//
// Constants and float boundaries
//===----------------------------------------------------------------------===//

def QInt_WeightsOp : QInt_RangeOp<"weights"> {
  let summary = "quantized weight constant";
  let description = [{
    A constant of integer weights that records how it was quantized:
    `bits` (1..8), whether values are signed, one float scale per slice
    along `axis` (the output channel), and the storage `layout`.

    Signed weights use the narrow symmetric range
    `[-(2^(bits-1)-1), 2^(bits-1)-1]`, so 2-bit weights are ternary; 1-bit
    weights are binary, `{-1, +1}`. Unsigned weights use `[0, 2^bits-1]`
    (bits <= 7). The float value of element `w` in slice `c` is
    `w * scales[c]`.

    With `layout = dense` (the default), `values` holds one i8 per element,
    in the result's shape:

    ```mlir
    %w = qint.weights {bits = 4 : i64, scales = array<f32: 0.5, 0.25>,
                       values = dense<[[7, -7], [1, 0]]> : tensor<2x2xi8>}
                       : tensor<2x2xi8>
    ```

    With `layout = packed` (bits 1..7), `values` is a `tensor<Nxi8>` of
    `N = ceil(count * bits / 8)` bytes, `count` being the number of elements
    of the result. Element `k` in row-major order is the `bits`-bit field at
    bits `[k * bits, (k + 1) * bits)` of one little-endian, LSB-first
    bitstream: bit `j` of the stream is bit `j % 8` of byte `j / 8`. Unused
    high bits of the last byte are 0. Signed fields are two's complement,
    except binary weights, whose field is 0 for -1 and 1 for +1; unsigned
    fields are the value. The result is the same unpacked tensor as with
    the dense layout; the same weights as above, packed:

    ```mlir
    %w = qint.weights {bits = 4 : i64, layout = #qint.layout<packed>,
                       scales = array<f32: 0.5, 0.25>,
                       values = dense<[-105, 1]> : tensor<2xi8>}
                       : tensor<2x2xi8>
    ```

    With `layout = sparse` (pruned weights, any bit width but binary), the
    result is cut into blocks of shape `block` (one extent per dimension;
    all ones when absent, i.e. unstructured sparsity), blocks at the upper
    edges holding what is left. Blocks are numbered in row-major order of
    the block grid. `mask` is a `tensor<Mxi8>` bitmask of
    `M = ceil(blocks / 8)` bytes, LSB-first like the packed bitstream: bit
    `b` is 1 when block `b` is stored. `values` is the packed bitstream (as
    above) of the stored blocks' elements, block after block, each block's
    elements in row-major order. Elements of blocks that are not stored are
    0. A 1x4 block along the reduction dimension (`block = array<i64: 1, 1,
    1, 4>` for convolution weights) is the unit a dot-product kernel can
    skip. The same weights as above, with unstructured sparsity (`mask`
    0b0111 keeps every element but the trailing zero):

    ```mlir
    %w = qint.weights {bits = 4 : i64, layout = #qint.layout<sparse>,
                       mask = dense<7> : tensor<1xi8>,
                       scales = array<f32: 0.5, 0.25>,
                       values = dense<[-105, 1]> : tensor<2xi8>}
                       : tensor<2x2xi8>
    ```

    `compress-pack-weights` rewrites dense weights to the smallest of the
    layouts: packed for fewer than 8 bits, sparse when pruning left enough
    zeros.
  }];
  let arguments = (ins
    ElementsAttr:$values,
    ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<8>]>:$bits,
    DenseF32ArrayAttr:$scales,
    DefaultValuedAttr<I64Attr, "0">:$axis,
    DefaultValuedAttr<BoolAttr, "true">:$is_signed,
    DefaultValuedAttr<QInt_WeightLayoutAttr, "WeightLayout::dense">:$layout,
    OptionalAttr<ElementsAttr>:$mask,
    OptionalAttr<DenseI64ArrayAttr>:$block
  );
  let results = (outs QInt_WeightTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
  // Not ConstantLike and without a folder on purpose: generic constant
  // deduplication compares only the folded value and would merge weights
  // that differ in bit width or scales.
  let extraClassDeclaration = [{
    /// The smallest and largest value the declared bit width allows.
    std::pair<int64_t, int64_t> getValueBounds();
    /// The number of weights, that is of elements of the result.
    int64_t getNumWeights();
    /// The weights in row-major order of the result, whatever the layout.
    std::vector<int8_t> getUnpackedValues();
    /// The block shape of the sparse layout: `block`, or all ones.
    llvm::SmallVector<int64_t> getBlockShape();
    /// The bytes the weights are stored in: values, the sparse layout's
    /// mask, and four per scale.
    int64_t getStorageBytes();
  }];
}

// The input is float, so the range analysis has no integer range for it and
// never calls `inferResultRanges` when the producer left it uninitialized
// (for example `qint.dequantize`); the result range depends only on the
// clamp, so the op implements the variant that accepts missing ranges.
def QInt_QuantizeOp : QInt_Op<"quantize", [SameOperandsAndResultShape, Pure,
    DeclareOpInterfaceMethods<InferIntRangeInterface,
                              ["inferResultRangesFromOptional"]>]> {
  let summary = "float to integer with an affine per-tensor scale";
  let description = [{
    In f32, with `inv = float(1 / scale)` (the reciprocal computed in f64
    and rounded once to f32):

    ```
    t = cast_i32(x * inv)                  round half to even, saturate to i32,
                                           NaN -> INT32_MAX (as upstream lowers
                                           tosa.cast f32 -> i32)
    q = clamp(t, qmin - zero_point, qmax - zero_point) + zero_point
    ```

    This is exactly `tosa.mul`, `tosa.cast`, `tosa.clamp`, `tosa.add` and a
    narrowing `tosa.cast`, so it exports to TOSA bit for bit. `qmin`/`qmax`
    default to the range of the result type; narrower bounds express 4-bit
    activations stored in i8.

    ```mlir
    %q = qint.quantize %x {scale = 0.05 : f64, zero_point = -128 : i64}
        : tensor<1x28x28x1xf32> -> tensor<1x28x28x1xi8>
    ```
  }];
  let arguments = (ins
    QInt_FloatTensor:$input,
    F64Attr:$scale,
    I64Attr:$zero_point,
    OptionalAttr<I64Attr>:$qmin,
    OptionalAttr<I64Attr>:$qmax
  );
  let results = (outs QInt_ActTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The clamp bounds in effect: the attributes, or the type's range.
    std::pair<int64_t, int64_t> getClampBounds();
  }];
}

def QInt_DequantizeOp : QInt_RangeOp<"dequantize",
                                     [SameOperandsAndResultShape]> {
  let summary = "integer to float with an affine per-tensor scale";
  let description = [{
    `x = float(q - zero_point) * float(scale)`, in f32.
  }];
  let arguments = (ins
    QInt_AnyIntTensor:$input,
    F64Attr:$scale,
    I64Attr:$zero_point
  );
  let results = (outs QInt_FloatTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Accumulating kernels
//===----------------------------------------------------------------------===//

def QInt_Conv2DOp : QInt_RangeOp<"conv2d"> {
  let summary = "integer 2-D convolution into an explicit accumulator type";
  let description = [{
    Input NHWC, weights OHWI (`qint.weights` or any i8 tensor), optional
    bias `[O]` in the accumulator type. The result element type is the
    accumulator type:

    `acc[n,y,x,o] = bias[o] + sum_{i,j,c} (in[n, y*sy+i*dy-pt, x*sx+j*dx-pl, c]
    - input_zp) * w[o,i,j,c]`

    with out-of-bounds input reading as `input_zp` (so padding contributes
    zero). All arithmetic wraps modulo 2^N in the accumulator type, which
    may be any signless width from 2 to 32 bits (as
    `compress-narrow-accumulators` proves enough), i48 or i64. `pad` is
    `[top, bottom, left, right]`.

    ```mlir
    %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64,
        pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
        dilation = array<i64: 1, 1>}
        : (tensor<1x8x8x3xi8>, tensor<16x3x3x3xi8>, tensor<16xi32>)
        -> tensor<1x8x8x16xi32>
    ```
  }];
  let arguments = (ins
    QInt_ActTensor:$input,
    QInt_WeightTensor:$weights,
    Optional<QInt_AccTensor>:$bias,
    I64Attr:$input_zp,
    DenseI64ArrayAttr:$pad,
    DenseI64ArrayAttr:$stride,
    DenseI64ArrayAttr:$dilation
  );
  let results = (outs QInt_AccTensor:$output);
  let assemblyFormat = [{
    $input `,` $weights (`,` $bias^)? attr-dict `:` `(` type($input) `,`
    type($weights) (`,` type($bias)^)? `)` `->` type($output)
  }];
  let hasVerifier = 1;
}

def QInt_DepthwiseConv2DOp : QInt_RangeOp<"depthwise_conv2d"> {
  let summary = "integer depthwise 2-D convolution";
  let description = [{
    Input NHWC with C channels, weights `[KH, KW, C, M]` (as
    `tosa.depthwise_conv2d`), optional bias `[C*M]`; output channel
    `c*M + m` reads only input channel `c`. Otherwise as `qint.conv2d`.
  }];
  let arguments = (ins
    QInt_ActTensor:$input,
    QInt_WeightTensor:$weights,
    Optional<QInt_AccTensor>:$bias,
    I64Attr:$input_zp,
    DenseI64ArrayAttr:$pad,
    DenseI64ArrayAttr:$stride,
    DenseI64ArrayAttr:$dilation
  );
  let results = (outs QInt_AccTensor:$output);
  let assemblyFormat = [{
    $input `,` $weights (`,` $bias^)? attr-dict `:` `(` type($input) `,`
    type($weights) (`,` type($bias)^)? `)` `->` type($output)
  }];
  let hasVerifier = 1;
}

def QInt_MatmulOp : QInt_RangeOp<"matmul"> {
  let summary = "integer batched matrix multiply";
  let description = [{
    `acc[b,m,n] = bias[n] + sum_k (lhs[b,m,k] - lhs_zp) * (rhs[b,k,n] - rhs_zp)`
    with `lhs : [B,M,K]`, `rhs : [B,K,N]`, optional `bias : [N]`; the
    result element type is the accumulator type and arithmetic wraps in it.
  }];
  let arguments = (ins
    QInt_ActTensor:$lhs,
    QInt_ActTensor:$rhs,
    Optional<QInt_AccTensor>:$bias,
    I64Attr:$lhs_zp,
    DefaultValuedAttr<I64Attr, "0">:$rhs_zp
  );
  let results = (outs QInt_AccTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` `(` type($lhs) `,`
    type($rhs) (`,` type($bias)^)? `)` `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Fixed-point rescaling
//===----------------------------------------------------------------------===//

def QInt_RequantizeOp : QInt_RangeOp<"requantize",
                                     [SameOperandsAndResultShape]> {
  let summary = "fixed-point rescale with TOSA rounding and a fused clamp";
  let description = [{
    Per element, with `c` the index along the last dimension when
    `multiplier` has more than one entry (per channel), else 0:

    `out = clamp(apply_scale_32(in - input_zp, multiplier[c], shift[c],
    rounding) + output_zp, clamp_min, clamp_max)`

    where `apply_scale_32` is `tosa.rescale`'s: the 64-bit product
    `value * multiplier` plus `1 << (shift-1)` (and, for `double_round` with
    `shift > 31`, `±(1 << 30)` toward the sign of `value`) shifted right
    arithmetically by `shift`. `shift` is in `[2, 62]`. The clamp bounds fuse
    ReLU-like activations and must lie within the result type.

    ```mlir
    %y = qint.requantize %acc {multiplier = array<i32: 1518500250>,
        shift = array<i8: 38>, input_zp = 0 : i64, output_zp = -128 : i64,
        rounding = #qint.rounding<double_round>,
        clamp_min = -128 : i64, clamp_max = 127 : i64}
        : tensor<1x8x8x16xi32> -> tensor<1x8x8x16xi8>
    ```
  }];
  let arguments = (ins
    QInt_AnyIntTensor:$input,
    DenseI32ArrayAttr:$multiplier,
    DenseI8ArrayAttr:$shift,
    DefaultValuedAttr<I64Attr, "0">:$input_zp,
    I64Attr:$output_zp,
    DefaultValuedAttr<QInt_RescaleRoundingAttr,
                      "::compress::RescaleRounding::Double">:$rounding,
    I64Attr:$clamp_min,
    I64Attr:$clamp_max
  );
  let results = (outs QInt_AnyIntTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QInt_AddOp : QInt_RangeOp<"add", [SameOperandsAndResultShape]> {
  let summary = "integer add of two rescaled operands";
  let description = [{
    Brings both operands to a common i32 fixed-point scale, adds them and
    requantizes the sum (`tosa.rescale` rounding throughout):

    ```
    a   = apply_scale_32(lhs - lhs_zp, lhs_multiplier, lhs_shift, rounding)
    b   = apply_scale_32(rhs - rhs_zp, rhs_multiplier, rhs_shift, rounding)
    out = clamp(apply_scale_32(a + b, output_multiplier, output_shift,
                               rounding) + output_zp, clamp_min, clamp_max)
    ```

    `a + b` wraps in i32. This is exactly a pair of `tosa.rescale`s to i32,
    a `tosa.add` and a `tosa.rescale` back, so it exports to TOSA 1:1.
  }];
  let arguments = (ins
    QInt_ActTensor:$lhs,
    QInt_ActTensor:$rhs,
    I64Attr:$lhs_zp,
    I64Attr:$rhs_zp,
    I32Attr:$lhs_multiplier,
    I8Attr:$lhs_shift,
    I32Attr:$rhs_multiplier,
    I8Attr:$rhs_shift,
    I32Attr:$output_multiplier,
    I8Attr:$output_shift,
    I64Attr:$output_zp,
    DefaultValuedAttr<QInt_RescaleRoundingAttr,
                      "::compress::RescaleRounding::Double">:$rounding,
    I64Attr:$clamp_min,
    I64Attr:$clamp_max
  );
  let results = (outs QInt_ActTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->`
    type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def QInt_MaxPool2DOp : QInt_RangeOp<"max_pool2d"> {
  let summary = "integer 2-D max pooling (NHWC)";
  let description = [{
    Maximum over each window; padded positions never win. `pad` is
    `[top, bottom, left, right]`. The zero point is unchanged.
  }];
  let arguments = (ins
    QInt_ActTensor:$input,
    DenseI64ArrayAttr:$kernel,
    DenseI64ArrayAttr:$stride,
    DenseI64ArrayAttr:$pad
  );
  let results = (outs QInt_ActTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QInt_AvgPool2DOp : QInt_RangeOp<"avg_pool2d"> {
  let summary = "integer 2-D average pooling (NHWC), as tosa.avg_pool2d";
  let description = [{
    Sums `in - input_zp` over the in-bounds part of each window in
    `acc_type`, divides by the number of in-bounds elements with the
    fixed-point reciprocal of `tosa.avg_pool2d` (single rounding), adds
    `output_zp` and clamps to the result type. Unlike `tosa.avg_pool2d`,
    windows need not tile the padded input exactly; the count is always
    that of the in-bounds elements.
  }];
  let arguments = (ins
    QInt_ActTensor:$input,
    DenseI64ArrayAttr:$kernel,
    DenseI64ArrayAttr:$stride,
    DenseI64ArrayAttr:$pad,
    I64Attr:$input_zp,
    I64Attr:$output_zp,
    TypeAttrOf<AnySignlessInteger>:$acc_type
  );
  let results = (outs QInt_ActTensor:$output);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // COMPRESS_DIALECT_QINT_IR_QINTOPS_TD
