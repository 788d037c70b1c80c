//===- CompressionDialect.td - Compression decisions ------*- tablegen -*-===//
//
// The `compress` dialect: attributes that record what the analyses measured
// and what the planner decided, so a model can be saved between steps.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONDIALECT_TD
#define COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONDIALECT_TD

include "mlir/IR/OpBase.td"

def Compression_Dialect : Dialect {
  let name = "compress";
  let cppNamespace = "::compress";
  let summary = "Measured value ranges, sensitivities and the per-layer plan";
  let description = [{
    Attributes written by `compress`'s analyses and read by its rewrites.
    They are plain attributes on the float ops they describe, so a
    calibrated or planned model round-trips through text and later passes
    (or a user) can inspect and edit each decision.
  }];
  let useDefaultAttributePrinterParser = 1;

  // The names under which the attributes are attached to the ops (and
  // function arguments) they describe. Each generates a helper, e.g.
  // `CompressionDialect::getPlanAttrHelper()`, with typed accessors.
  let discardableAttrs = (ins
    /// The calibrated range of an op's single result or of a function
    /// argument.
    "::compress::ValueRangeAttr":$range,
    /// The sensitivity of a weight layer.
    "::compress::SensitivityAttr":$sensitivity,
    /// The bit widths and sparsity planned for a weight layer.
    "::compress::LayerPlanAttr":$plan,
    /// The name of a quantized layer (`conv2d_0`, `matmul_2`, ...) on the
    /// op producing its integer output and on the float op it replaced.
    "::mlir::StringAttr":$layer
  );
}

#endif // COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONDIALECT_TD
