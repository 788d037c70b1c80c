//===- FunctionQuantizer.h - One function from float TOSA to qint -*- C++ -*-===//
//
// The rewrite at the heart of compress-quantize (Quantize.cpp): one
// function of calibrated float TOSA into qint kernels, with what it
// records of each layer for the pass's report (QuantizeReport.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_TRANSFORMS_FUNCTIONQUANTIZER_H
#define COMPRESS_LIB_TRANSFORMS_FUNCTIONQUANTIZER_H

#include "compress/Analysis/Gptq.h"
#include "compress/Analysis/LayerHessians.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"

#include <string>
#include <vector>

namespace compress::quantize {

using namespace mlir;
using namespace compress::qint;

/// An integer value standing for a float value.
struct QValue {
  Value value;
  AffineParams params;
};

/// What the report says about one layer.
struct LayerInfo {
  std::string name;
  std::string kind;
  unsigned weightBits;
  unsigned activationBits;
  /// "nearest" or "gptq".
  StringRef rounding;
  int64_t floatWeightBytes;
  int64_t weightBytes;
  AffineParams output;
  double signal = 0.0, noise = 0.0;
  /// With accumulator-bits, the accumulator's range over all channels that
  /// the weights were fitted to: from the weights, the bias and the input's
  /// proven range widened to contain 0, so it contains the range
  /// compress-narrow-accumulators proves.
  std::optional<std::pair<int64_t, int64_t>> accumulatorBound;
  /// The smallest and largest accumulator value the report's samples
  /// produced.
  std::optional<std::pair<int64_t, int64_t>> accumulatorSeen;
  /// The fraction of the integer weights that are 0, and the layout (with
  /// the block shape of a sparse one) compress-pack-weights will store
  /// them in.
  double sparsity = 0.0;
  qint::WeightStorage storage;
};

struct Options {
  unsigned weightBits, activationBits;
  WeightClip clip;
  RescaleRounding rescaleRounding;
  bool gptq;
  GptqOptions gptqOptions;
  /// Accumulator-aware quantization: every accumulator must fit this many
  /// bits (0: no constraint).
  unsigned accumulatorBits = 0;
  /// Prune each layer to its plan's sparsity in this pattern, in GPTQ's
  /// sweep (by magnitude where GPTQ fails); unset: no pruning.
  std::optional<PrunePattern> prunePattern;
};

class FunctionQuantizer {
public:
  /// `floatCopyOps`, if given, maps each op of `func` to its twin in a float
  /// copy of the function, where layer names are recorded too. Layers with
  /// an entry in `hessians` are rounded with GPTQ; each layer's Hessian is
  /// taken from it (and freed) when the layer is rounded.
  FunctionQuantizer(func::FuncOp func, const Options &options,
                    const DenseMap<Operation *, Operation *> *floatCopyOps,
                    LayerHessians *hessians)
      : func(func), builder(func.getContext()), options(options),
        floatCopyOps(floatCopyOps), hessians(hessians),
        compression(func.getContext()->getLoadedDialect<CompressionDialect>()) {
  }

  /// Rewrites the function; fails after emitting an error.
  LogicalResult run();

  std::vector<LayerInfo> layers;
  std::vector<std::pair<std::string, std::string>> leftFloat;
  int64_t floatWeightBytes = 0, weightBytes = 0;

private:
  /// The integer form of a float value, quantizing it where it is defined
  /// if it has none yet.
  FailureOr<QValue> getQuantized(Value value);
  /// The affine parameters a float value gets from its calibrated range.
  FailureOr<AffineParams> paramsFor(Value value);
  unsigned activationBitsFor(Value value);
  unsigned weightBitsFor(Operation *op);

  /// The integer constants of a layer with float `weights` of `shape`
  /// quantized per slice along `axis`: the qint.weights, the i32 bias at
  /// scale s_x * s_w[c] (`bias` has one value per output channel, or one for
  /// all) and each output channel's rescaling factor s_x * s_w[c] / s_y.
  /// Output channel c uses scale c / `channelsPerScale`. The weights of
  /// `layer` are rounded with GPTQ if it has a Hessian.
  ///
  /// With accumulator-bits, the proven range of `input` (the layer's
  /// integer input) bounds the terms, and the weights are chosen so that every channel's accumulator fits: GPTQ
  /// clips each weight to its channel's room as it rounds, round-to-nearest
  /// grows the channel's scale until it fits.
  struct LayerConstants {
    Value weights, bias;
    SmallVector<double> factors;
    /// Bytes of the weights in their smallest layout, scales and bias.
    int64_t storedBytes;
    /// That layout, and the fraction of the integer weights that are 0.
    qint::WeightStorage storage;
    double sparsity = 0.0;
    StringRef rounding;
    std::optional<std::pair<int64_t, int64_t>> accumulatorBound;
  };
  LayerConstants buildLayerConstants(Operation *layer, ArrayRef<float> weights,
                                     RankedTensorType type, int64_t axis,
                                     unsigned bits, ArrayRef<float> bias,
                                     int64_t channels,
                                     int64_t channelsPerScale,
                                     const QValue &input,
                                     double outputScale);
  /// The range MLIR's integer range analysis proves for `value` (an
  /// integer value of the function as rewritten so far): what
  /// compress-narrow-accumulators will see.
  std::pair<int64_t, int64_t> provenRange(Value value);

  /// Quantizes every float op of the function that has an integer form;
  /// the others stay float, with a remark.
  LogicalResult quantizeOps();
  /// Lets float users read dequantized copies of the integer values, then
  /// erases the rewritten ops and the constants only they used.
  LogicalResult replaceQuantizedOps();

  /// The ops after a matmul that a fully-connected layer fuses: a reshape
  /// to [M, N] and the add of a constant bias of `n` (or one) values, if
  /// both are there, then a clamp; `output` is the layer's float output.
  struct FullyConnectedTail {
    tosa::ReshapeOp reshape;
    tosa::AddOp biasAdd;
    std::optional<std::vector<float>> bias;
    tosa::ClampOp clamp;
    Value output;
  };
  FullyConnectedTail matchFullyConnectedTail(tosa::MatMulOp op, int64_t n);

  LogicalResult quantizeConv(Operation *op);
  LogicalResult quantizeMatmul(tosa::MatMulOp op);
  LogicalResult quantizeAdd(tosa::AddOp op);
  LogicalResult quantizeSameParams(Operation *op);
  LogicalResult quantizeClamp(tosa::ClampOp op);
  LogicalResult quantizeConcat(tosa::ConcatOp op);

  /// If the sole user of `value` is a tosa.clamp, returns it: its bounds
  /// fuse into the producer's requantize clamp.
  tosa::ClampOp fusibleClamp(Value value);
  /// Integer clamp bounds for `params`, narrowed by a fused clamp.
  std::pair<int64_t, int64_t> clampBounds(const AffineParams &params,
                                          tosa::ClampOp clamp);
  /// The integer tensor type of `value`'s shape for `params`.
  RankedTensorType intType(Value value, const AffineParams &params);
  Value requantize(Location loc, Value acc, ArrayRef<double> factors,
                   Type resultType, const AffineParams &out,
                   tosa::ClampOp clamp);
  void markReplaced(Operation *op) { replaced.push_back(op); }
  /// Names the layer after its kernel (`conv2d_0`, `matmul_2`, ...) on the
  /// op producing its integer output and on the float twin of its output.
  /// `info` gets the weights' bytes, storage and sparsity from `constants`.
  void recordLayer(Operation *kernel, Operation *floatOp, Operation *intOp,
                   LayerInfo info, const LayerConstants &constants);

  func::FuncOp func;
  OpBuilder builder;
  Options options;
  const DenseMap<Operation *, Operation *> *floatCopyOps;
  LayerHessians *hessians;
  /// The `compress` attributes the rewrite reads (plans) and writes (layer
  /// names); the pass loads the dialect.
  CompressionDialect *compression;
  /// Set once an error has been emitted: the rewrite then stops.
  bool hadError = false;
  DenseMap<Value, QValue> quantized;
  SmallVector<Operation *> replaced;
  DenseMap<StringRef, int64_t> layerCounts;
};

/// Runs the float copy and the quantized function on the first `samples`
/// of `data` and accumulates, per layer, the energy of the float output and
/// of the difference to the dequantized integer output.
LogicalResult measureSqnr(func::FuncOp floatFunc, func::FuncOp intFunc,
                          const Tensor &data, int64_t samples,
                          std::vector<LayerInfo> &layers);

/// Writes the JSON report of `q` to `path`, or emits an error on `anchor`.
LogicalResult writeReport(StringRef path, const FunctionQuantizer &q,
                          const Options &options, int64_t samples,
                          Operation *anchor);

} // namespace compress::quantize

#endif // COMPRESS_LIB_TRANSFORMS_FUNCTIONQUANTIZER_H
