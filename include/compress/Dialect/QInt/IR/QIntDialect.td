//===- QIntDialect.td - Integer kernel dialect definition --*- tablegen -*-===//
//
// The `qint` dialect: integer compute kernels whose accumulator types are
// explicit in the IR and whose requantization is bit-exact with
// `tosa.rescale`.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_IR_QINTDIALECT_TD
#define COMPRESS_DIALECT_QINT_IR_QINTDIALECT_TD

include "mlir/IR/OpBase.td"

def QInt_Dialect : Dialect {
  let name = "qint";
  let cppNamespace = "::compress::qint";
  let summary = "Integer kernels with explicit accumulators and fixed-point "
                "requantization";
  let description = [{
    The `qint` dialect holds the integer program that `compress` produces
    from a float graph. Tensors are NHWC (activations) and OHWI (convolution
    weights), as in TOSA.

    * Every accumulating op (`qint.conv2d`, `qint.depthwise_conv2d`,
      `qint.matmul`, `qint.avg_pool2d`) names its accumulator element type
      in the IR, so an analysis can prove that it does not overflow and a
      later pass can narrow it.
    * Integer arithmetic wraps modulo 2^N in the accumulator type; the
      overflow analysis, not the semantics, is what rules wrapping out.
    * Requantization (`qint.requantize`, and the scaling inside `qint.add`)
      uses a 32-bit multiplier and a right shift and rounds exactly as
      `tosa.rescale` does.
    * Weights are `qint.weights` constants that carry their bit width,
      signedness, per-channel float scales and storage layout.

    The reference evaluator (`lib/Evaluator`) defines the meaning of every
    op; compiled code must match it bit for bit.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

class QInt_Op<string mnemonic, list<Trait> traits = []>
    : Op<QInt_Dialect, mnemonic, traits>;

#endif // COMPRESS_DIALECT_QINT_IR_QINTDIALECT_TD
