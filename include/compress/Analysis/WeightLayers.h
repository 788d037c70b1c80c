//===- WeightLayers.h - The weight-bearing ops of a float graph -*- C++ -*-===//
//
// The layers that sensitivity analysis, planning and quantization talk
// about: convolutions and matmuls with float32 constant weights, named as
// compress-quantize names them.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_WEIGHTLAYERS_H
#define COMPRESS_ANALYSIS_WEIGHTLAYERS_H

#include "compress/Analysis/LayerKind.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <string>
#include <vector>

namespace compress {

/// A weight-bearing op, the constant holding its weights and the
/// activation it multiplies them with.
struct WeightLayer {
  /// The op name without its dialect and the op's index among ops of that
  /// kind in program order: `conv2d_0`, `depthwise_conv2d_0`, `matmul_0`.
  std::string name;
  LayerKind kind;
  mlir::Operation *op;
  mlir::Value weights;
  int64_t numWeights;
  /// The weight axis compress-quantize gives one scale per slice of:
  /// output channels for conv2d ([O, KH, KW, I]) and matmul ([1, K, N]),
  /// input channels for depthwise_conv2d ([KH, KW, C, M]).
  int64_t scaleAxis;
  /// The input activation; null when it is not a statically shaped float32
  /// tensor.
  mlir::Value input;
  int64_t numInputs = 0;
};

/// The kind of `op` as a weight layer: tosa.conv2d, tosa.depthwise_conv2d
/// or tosa.matmul; nothing for other ops.
std::optional<LayerKind> getLayerKind(mlir::Operation *op);

/// True for ops whose integer form keeps its operand's quantization
/// parameters (pooling and data movement): compress-quantize quantizes the
/// tensor they start from, once.
bool keepsQuantization(mlir::Operation *op);

/// The tensor whose quantization `value` shares: `value` itself, or what a
/// chain of `keepsQuantization` ops starts from.
mlir::Value quantizationSource(mlir::Value value);

/// The elements of `value` when it is a float32 constant (row-major);
/// nothing otherwise.
std::optional<std::vector<float>> readFloatConstant(mlir::Value value);

/// The `tosa.conv2d`, `tosa.depthwise_conv2d` and `tosa.matmul` ops of
/// `func` whose weight operand is a statically shaped float32 constant, in
/// program order.
llvm::SmallVector<WeightLayer> collectWeightLayers(mlir::func::FuncOp func);

} // namespace compress

#endif // COMPRESS_ANALYSIS_WEIGHTLAYERS_H
