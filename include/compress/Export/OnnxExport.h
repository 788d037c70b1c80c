//===- OnnxExport.h - Quantized programs as QDQ ONNX models -----*- C++ -*-===//
//
// Writes a quantized program (the qint function compress-pipeline makes)
// as an ONNX model in the QDQ form that ONNX Runtime and other runtimes
// fuse into integer kernels: every int8 tensor stays int8, and each integer
// op becomes its float ONNX op between DequantizeLinear of its inputs and a
// QuantizeLinear of its output, with the scales and zero points of the
// program. Weights become int8 initializers (sub-byte weights in int8
// containers, sparse ones dense) dequantized per output channel; biases
// int32 initializers with scale input scale x weight scale.
//
// Activation scales are not stored in qint: each requantize holds the
// ratio input scale x weight scale / output scale as a fixed-point
// multiplier, so the output scale is recovered from it, starting from the
// scale of the program's qint.quantize. NHWC tensors are moved to ONNX's
// NCHW around each convolution and pool with int8 Transposes.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_EXPORT_ONNXEXPORT_H
#define COMPRESS_EXPORT_ONNXEXPORT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace compress {

/// The ONNX opset the export writes (per-axis QuantizeLinear and
/// DequantizeLinear need 13).
inline constexpr int64_t kOnnxExportOpset = 13;

/// The ONNX ModelProto of `func` (opset kOnnxExportOpset), binary or in
/// protobuf text format. An op the export does not handle (or an
/// accumulator narrower than 32 bits, or 16-bit activations) is an error
/// naming the op and its location.
llvm::Expected<std::string> exportQdqOnnx(mlir::func::FuncOp func,
                                          bool textFormat = false);

/// The qint and TOSA ops the export handles.
llvm::ArrayRef<llvm::StringRef> getOnnxExportableOps();

} // namespace compress

#endif // COMPRESS_EXPORT_ONNXEXPORT_H
