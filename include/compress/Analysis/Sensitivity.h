//===- Sensitivity.h - Hessian traces of weight layers ----------*- C++ -*-===//
//
// How much each layer's loss curvature amplifies noise in its weights and
// in its input: the average Hessian trace `Tr(H) / n` of the weights (as in
// HAWQ-V2) and of the input activation. Quantizing a tensor with trace `t`
// and noise of variance `s^2` costs about `t * n * s^2 / 2` in loss, which
// is what bit-width planning weighs.
//
// Two estimators run the model on sample inputs with the reference
// evaluator; both need a function returning logits, whose softmax defines
// the loss:
//
// * `computeFisherTraces` uses the Fisher information with labels drawn
//   from the model: for a softmax output it equals the Gauss-Newton
//   matrix, and its trace is the expected squared norm of the gradient of
//   `log p_y`, so one reverse-mode pass per sample gives every layer's
//   estimate. Drawing `y` from the model, rather than using data labels,
//   keeps the estimate unbiased and needs no labels.
// * `computeHutchinsonTraces` estimates the same Gauss-Newton traces with
//   Rademacher probes, one tensor at a time, from finite-difference
//   Jacobian products: slower, but it needs only forward kernels.
//
// `importTraces` reads traces computed by another tool (such as PyHessian
// during training) from a JSON file.
//
// Failures are reported as diagnostics, with the messages the
// compress-sensitivity pass shows its users, and a failed result. The
// estimators report their progress (compress/Support/Progress.h) as the
// task `sensitivity`, opened only once the model has compiled and ended
// before a failed sample is reported, so that no diagnostic is printed
// into a progress line: a caller-made task could not keep that order.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_SENSITIVITY_H
#define COMPRESS_ANALYSIS_SENSITIVITY_H

#include "compress/Analysis/WeightLayers.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace compress {

struct SampleSet;

/// Average Hessian traces of one layer: of its weights and of its input
/// activation (0 when the layer has no float32 input of static shape).
struct LayerTraces {
  double weights = 0.0;
  double activations = 0.0;
};

/// Traces of a list of layers and what they were estimated from.
struct SensitivityEstimate {
  /// One per layer, in the order the layers were given.
  llvm::SmallVector<LayerTraces> traces;
  /// Samples the estimate averages over: samples for `fisher`,
  /// sample-probe pairs for `hutchinson`, 0 for imported traces.
  int64_t numSamples = 0;
};

/// Settings of the estimators.
struct SensitivityOptions {
  /// Seeds the labels `fisher` draws and the probes of `hutchinson`; the
  /// same seed gives the same estimate with every standard library.
  int64_t seed = 0;
  /// Most rounds of `hutchinson` probes (one probe per sample each); at
  /// least 1.
  int64_t probes = 8;
  /// `hutchinson` stops once no running mean moved by more than this
  /// (relative) in a round; 0 runs all `probes` rounds.
  double tolerance = 0.01;
};

/// Estimates the traces of `layers` (weight layers of `func`) by the
/// Fisher information of `func`'s softmax, averaged over the first
/// `samples.count` samples of `samples` (loaded for `func`, see
/// `loadSamples`; `samplesName` names them in errors). `func` must return
/// one float32 tensor of logits shaped [1, K] or [K], and every op between
/// the weights and the logits needs a reverse-mode kernel. Reports one step
/// per sample as the progress task `sensitivity`.
mlir::FailureOr<SensitivityEstimate>
computeFisherTraces(mlir::func::FuncOp func, llvm::ArrayRef<WeightLayer> layers,
                    const SampleSet &samples, llvm::StringRef samplesName,
                    const SensitivityOptions &options);

/// Estimates the same traces as `computeFisherTraces` with rounds of
/// Rademacher probes, one per sample and round, until the running means
/// settle within `options.tolerance` or `options.probes` rounds are done.
/// Needs only forward kernels. Reports one step per sample and round as
/// the progress task `sensitivity`.
mlir::FailureOr<SensitivityEstimate>
computeHutchinsonTraces(mlir::func::FuncOp func,
                        llvm::ArrayRef<WeightLayer> layers,
                        const SampleSet &samples, llvm::StringRef samplesName,
                        const SensitivityOptions &options);

/// Reads the traces of `layers` (weight layers of `func`, named as
/// `collectWeightLayers` names them) from the JSON file at `path`: an
/// object mapping every layer name to a non-negative number (the weight
/// trace) or to `{"trace": t, "activation_trace": a}`. Problems with the
/// file are reported on `func`'s module, a layer without an entry on the
/// layer's op.
mlir::FailureOr<SensitivityEstimate>
importTraces(mlir::func::FuncOp func, llvm::ArrayRef<WeightLayer> layers,
             llvm::StringRef path);

} // namespace compress

#endif // COMPRESS_ANALYSIS_SENSITIVITY_H
