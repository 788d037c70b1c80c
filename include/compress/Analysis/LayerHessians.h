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
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
class MLIRContext;
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

/// `groups` symmetric `size x size` float matrices, column-major, one after
/// another, of which only the lower triangles are kept. While accumulating
/// they hold sum x x^T; after `finishLayerHessian`, 2 X X^T / N.
struct LayerHessian {
  int64_t size = 0;
  int64_t groups = 1;
  /// Input vectors seen per group.
  int64_t count = 0;
  std::vector<float> values;

  explicit LayerHessian(const LayerInputGeometry &geometry);
  llvm::MutableArrayRef<float> group(int64_t g) {
    return llvm::MutableArrayRef(values).slice(g * size * size, size * size);
  }
};

/// Working memory of accumulateLayerInputs: a bounded block of input
/// vectors. Passing the same scratch to every call lets a collection over
/// many samples and layers allocate it once.
struct HessianScratch {
  std::vector<float> patches;
};

/// Adds the input vectors of float32 input tensors shaped
/// `geometry.inputShape`, gathering them (in parallel on `context`'s thread
/// pool when given) into blocks of at most about 32 MiB of `scratch` that
/// are added with one symmetric rank update each. The result does not
/// depend on the number of threads.
void accumulateLayerInputs(const LayerInputGeometry &geometry,
                           llvm::ArrayRef<const Tensor *> inputs,
                           LayerHessian &hessian, HessianScratch &scratch,
                           mlir::MLIRContext *context = nullptr);

/// Turns the accumulated sums into 2 X X^T / N (zero if nothing was seen).
void finishLayerHessian(LayerHessian &hessian);

/// The Hessians of the float inputs of every layer of a function that
/// `getLayerInputGeometry` accepts, over a set of samples.
///
/// Memory is what bounds GPTQ on wide models: a layer with d inputs has a
/// d x d Hessian per group, which for the late layers of a wide network is
/// far more than the layer's inputs on all samples. Each layer therefore
/// keeps whichever is smaller while the samples run: its Hessian, updated
/// after every few samples, or its inputs, from which `take` computes the
/// Hessian when the layer is rounded. Taking a layer frees what it held, so
/// at most one Hessian computed from kept inputs is alive at a time.
class LayerHessians {
public:
  /// Runs `program` (compiled from `func`) on samples 0 .. numSamples-1,
  /// several at a time on `context`'s thread pool when given. Fails with
  /// the first error of `inputsFor` or of the evaluator, naming the sample.
  /// Reports its progress as the task `gptq hessians`, one step per
  /// sample, updated after each batch of samples. The
  /// Hessians do not depend on the number of threads.
  static llvm::Expected<LayerHessians>
  collect(mlir::func::FuncOp func, const Program &program,
          int64_t numSamples, SampleSource inputsFor,
          mlir::MLIRContext *context = nullptr);

  /// `collect` on the first `numSamples` samples of the `.npy` file
  /// `calibration` (all when it has fewer), with `func` compiled for the
  /// reference evaluator. Emits an error on `func` and fails when the file
  /// does not fit the function or a run fails.
  static mlir::FailureOr<LayerHessians>
  collectOnSamples(mlir::func::FuncOp func, llvm::StringRef calibration,
                   int64_t numSamples);

  /// The finished Hessian of `layer`'s input, or nothing if `layer` is not
  /// one of the function's layers or was taken before.
  std::optional<LayerHessian> take(mlir::Operation *layer);

  /// Layers in op order.
  llvm::ArrayRef<mlir::Operation *> layers() const { return order; }

private:
  struct Entry {
    LayerInputGeometry geometry;
    /// Kept instead of the Hessian: one tensor per sample.
    bool keepsInputs = false;
    std::vector<Tensor> inputs;
    std::optional<LayerHessian> hessian;
  };
  llvm::SmallVector<mlir::Operation *> order;
  llvm::DenseMap<mlir::Operation *, Entry> entries;
  mlir::MLIRContext *context = nullptr;

  llvm::Error run(mlir::func::FuncOp func, const Program &program,
                  int64_t numSamples, SampleSource inputsFor);
};

} // namespace compress

#endif // COMPRESS_ANALYSIS_LAYERHESSIANS_H
