//===- LayerHessians.h - Input second moments of weight layers --*- C++ -*-===//
//
// GPTQ rounds a layer's weights to minimise the squared error of its outputs
// on calibration inputs, which depends on the inputs only through their
// second moment H = 2 X X^T / N: one column of X per input vector that one
// output of the layer is a dot product with. For a convolution those are
// the im2col patches of its input, ordered like a row of its weights, so
// that H's rows and columns line up with the weights' columns:
//
// * tosa.conv2d (weights [O, KH, KW, C]): patches of KH*KW*C values ordered
//   (kh, kw, c), zeros where the window reads padding; one H.
// * tosa.depthwise_conv2d (weights [KH, KW, C, M]): for each input channel
//   c, patches of KH*KW values ordered (kh, kw); one H per c, shared by its
//   M outputs.
// * tosa.matmul with weights [1, K, N]: the K-vectors of its left operand.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_LAYERHESSIANS_H
#define COMPRESS_ANALYSIS_LAYERHESSIANS_H

#include "compress/Analysis/Calibration.h"
#include "compress/Analysis/LayerKind.h"
#include "compress/Support/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
class Operation;
} // namespace mlir

namespace compress {

/// How a weight layer turns its input tensor into input vectors.
struct LayerInputGeometry {
  LayerKind kind = LayerKind::Matmul;
  /// The input's shape: [N, H, W, C] for convolutions, [1, M, K] for matmul.
  Shape inputShape;
  int64_t kernelH = 1, kernelW = 1;
  /// Top, bottom, left, right.
  int64_t pad[4] = {0, 0, 0, 0};
  int64_t strideY = 1, strideX = 1;
  int64_t dilationY = 1, dilationX = 1;
  int64_t outputH = 1, outputW = 1;

  /// Length of one input vector: KH*KW*C, KH*KW or K.
  int64_t vectorSize() const;
  /// Number of Hessians: C for depthwise convolutions, else 1.
  int64_t groups() const;
};

/// The geometry of a tosa.conv2d, tosa.depthwise_conv2d or tosa.matmul
/// whose weights are [1, K, N], with static shapes; nothing otherwise.
std::optional<LayerInputGeometry> getLayerInputGeometry(mlir::Operation *op);

/// `groups` symmetric `size x size` matrices, row-major one after another.
/// While accumulating they hold the lower triangle of sum x x^T; after
/// `finishLayerHessian`, 2 X X^T / N in full.
struct LayerHessian {
  int64_t size = 0;
  int64_t groups = 1;
  /// Input vectors seen per group.
  int64_t count = 0;
  std::vector<double> values;

  explicit LayerHessian(const LayerInputGeometry &geometry);
  llvm::ArrayRef<double> group(int64_t g) const {
    return llvm::ArrayRef(values).slice(g * size * size, size * size);
  }
};

/// Working memory of accumulateLayerInput: one sample's input vectors and
/// their Gram matrix. Passing the same scratch to every call lets a
/// collection over many samples and layers allocate it once, at the size
/// of the largest layer, instead of once per sample and layer.
struct HessianScratch {
  std::vector<float> patches, gram;
};

/// Adds the input vectors of one float32 input tensor shaped
/// `geometry.inputShape`, using `scratch` (or memory of its own).
void accumulateLayerInput(const LayerInputGeometry &geometry,
                          const Tensor &input, LayerHessian &hessian,
                          HessianScratch *scratch = nullptr);

/// Turns the accumulated sums into 2 X X^T / N (zero if nothing was seen).
void finishLayerHessian(LayerHessian &hessian);

/// Runs `program` (compiled from `func`) on samples 0 .. numSamples-1 and
/// returns the Hessian of the float input of every layer of `func` that
/// `getLayerInputGeometry` accepts, in op order. Fails with the first error
/// of `inputsFor` or of the evaluator, naming the sample. Reports one step
/// per sample as the progress task `gptq hessians`.
llvm::Expected<llvm::MapVector<mlir::Operation *, LayerHessian>>
collectLayerHessians(mlir::func::FuncOp func, const Program &program,
                     int64_t numSamples, SampleSource inputsFor);

} // namespace compress

#endif // COMPRESS_ANALYSIS_LAYERHESSIANS_H
