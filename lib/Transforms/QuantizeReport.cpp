//===- QuantizeReport.cpp - compress-quantize's per-layer report ----------===//
//
// The report of compress-quantize: every layer's SQNR, measured by running
// the float copy of the function and the quantized one on calibration
// samples with the reference evaluator, and the JSON file that lists it
// with the layers' bit widths and bytes.
//
//===----------------------------------------------------------------------===//

#include "FunctionQuantizer.h"

#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Parallel.h"
#include "compress/Support/Samples.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <mutex>

using namespace mlir;
using namespace compress;
using namespace compress::quantize;

LogicalResult compress::quantize::measureSqnr(func::FuncOp floatFunc, func::FuncOp intFunc,
                                 const Tensor &data, int64_t samples,
                                 std::vector<LayerInfo> &layers) {
  FailureOr<Program> floatProgram = Program::compile(floatFunc);
  FailureOr<Program> intProgram = Program::compile(intFunc);
  if (failed(floatProgram) || failed(intProgram))
    return failure();
  SmallVector<TensorSpec> args, results;
  if (auto err = getSignature(floatFunc, args, results))
    return intFunc.emitError(llvm::toString(std::move(err)));
  if (args.size() != 1)
    return intFunc.emitError("the report measures functions of one input");
  MLIRContext *context = intFunc.getContext();
  auto layerAttr =
      context->getLoadedDialect<CompressionDialect>()->getLayerAttrHelper();
  llvm::StringMap<unsigned> indexOf;
  for (auto [i, layer] : llvm::enumerate(layers))
    indexOf[layer.name] = i;
  auto layerOf = [&](Operation *op) -> std::optional<unsigned> {
    if (StringAttr name = op ? layerAttr.getAttr(op) : nullptr)
      if (auto it = indexOf.find(name.getValue()); it != indexOf.end())
        return it->second;
    return std::nullopt;
  };

  // Samples run in groups, the groups of a batch in parallel. Each sample's
  // energies are kept apart and summed in sample order afterwards, so the
  // report does not depend on the number of threads; the accumulator
  // extremes are merged under a lock, which order cannot change.
  struct Energy {
    double signal = 0, noise = 0;
  };
  std::vector<std::vector<Energy>> energies(samples,
                                            std::vector<Energy>(layers.size()));
  std::mutex seenMutex;
  auto runGroup = [&](int64_t first, int64_t count) -> llvm::Error {
    std::vector<SmallVector<Tensor>> inputs;
    for (int64_t i = first; i < first + count; ++i) {
      auto sample = sampleFor(data, i, args[0], "calibration");
      if (!sample)
        return sample.takeError();
      inputs.push_back({std::move(*sample)});
    }
    // floatOutputs[sample][layer]: the float layer's output.
    std::vector<std::vector<Tensor>> floatOutputs(
        count, std::vector<Tensor>(layers.size()));
    auto observeFloat = [&](unsigned sample, Value value,
                            const Tensor &tensor) {
      if (std::optional<unsigned> layer = layerOf(value.getDefiningOp()))
        floatOutputs[sample][*layer] = tensor;
    };
    auto observeInt = [&](unsigned sample, Value value, const Tensor &tensor) {
      Operation *def = value.getDefiningOp();
      if (isa_and_nonnull<qint::Conv2DOp, qint::DepthwiseConv2DOp,
                          qint::MatmulOp>(def)) {
        // An accumulator: its layer is named on the requantize reading it.
        if (tensor.size() == 0)
          return;
        auto [lo, hi] =
            std::minmax_element(tensor.ints().begin(), tensor.ints().end());
        for (Operation *user : def->getUsers())
          if (std::optional<unsigned> layer = layerOf(user)) {
            std::lock_guard<std::mutex> lock(seenMutex);
            auto &seen = layers[*layer].accumulatorSeen;
            seen = {std::min(seen ? seen->first : *lo, *lo),
                    std::max(seen ? seen->second : *hi, *hi)};
          }
        return;
      }
      std::optional<unsigned> layer = layerOf(def);
      if (!layer)
        return;
      const Tensor &exact = floatOutputs[sample][*layer];
      if (exact.size() != tensor.size())
        return;
      const AffineParams &output = layers[*layer].output;
      Energy &energy = energies[first + sample][*layer];
      for (int64_t k = 0; k < tensor.size(); ++k) {
        double f = exact.f32()[k];
        double d = f - output.dequantize(tensor.ints()[k]);
        energy.signal += f * f;
        energy.noise += d * d;
      }
    };
    int64_t failed = -1;
    if (auto err =
            floatProgram->runBatch(inputs, BatchObserver(observeFloat), &failed)
                .takeError())
      return groupFailure(std::move(err), first, count, failed);
    if (auto err =
            intProgram->runBatch(inputs, BatchObserver(observeInt), &failed)
                .takeError())
      return groupFailure(std::move(err), first, count, failed);
    return llvm::Error::success();
  };
  if (std::optional<SampleFailure> failure =
          runSampleGroups(context, samples, kSampleGroup, kSampleBatch,
                          runGroup, [](int64_t, int64_t) {}))
    return intFunc.emitError("measuring the report's SQNR failed: ")
           << failure->message;
  for (const std::vector<Energy> &sample : energies)
    for (auto [layer, energy] : llvm::zip(layers, sample)) {
      layer.signal += energy.signal;
      layer.noise += energy.noise;
    }
  return success();
}

LogicalResult compress::quantize::writeReport(StringRef path, const FunctionQuantizer &q,
                                 const Options &options, int64_t samples,
                                 Operation *anchor) {
  llvm::json::Array layers;
  for (const LayerInfo &layer : q.layers) {
    double sqnr = sqnrDecibels(layer.signal, layer.noise);
    llvm::json::Object accumulator;
    if (layer.accumulatorBound) {
      auto [lo, hi] = *layer.accumulatorBound;
      accumulator["bound"] = llvm::json::Array{lo, hi};
      accumulator["bits_proven"] = int64_t(qint::signedBitsFor(lo, hi));
    }
    if (layer.accumulatorSeen) {
      auto [lo, hi] = *layer.accumulatorSeen;
      accumulator["seen"] = llvm::json::Array{lo, hi};
      accumulator["bits_seen"] = int64_t(qint::signedBitsFor(lo, hi));
    }
    layers.push_back(llvm::json::Object{
        {"name", layer.name},
        {"op", layer.kind},
        {"weight_bits", int64_t(layer.weightBits)},
        {"activation_bits", int64_t(layer.activationBits)},
        {"rounding", layer.rounding},
        {"float_weight_bytes", layer.floatWeightBytes},
        {"weight_bytes", layer.weightBytes},
        {"sparsity", layer.sparsity},
        {"weight_layout", qint::stringifyWeightLayout(layer.storage.layout)},
        {"sparse_block", llvm::json::Array(layer.storage.block)},
        {"sqnr_db", std::isfinite(sqnr) ? llvm::json::Value(sqnr)
                                        : llvm::json::Value(nullptr)},
        {"accumulator", std::move(accumulator)},
    });
  }
  llvm::json::Array leftFloat;
  for (const auto &[name, loc] : q.leftFloat)
    leftFloat.push_back(llvm::json::Object{{"op", name}, {"loc", loc}});
  llvm::json::Object report{
      {"float_weight_bytes", q.floatWeightBytes},
      {"weight_bytes", q.weightBytes},
      {"weight_bits", int64_t(options.weightBits)},
      {"activation_bits", int64_t(options.activationBits)},
      {"sqnr_samples", samples},
      {"accumulator_bits", int64_t(options.accumulatorBits)},
      {"layers", std::move(layers)},
      {"left_float", std::move(leftFloat)},
  };
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return anchor->emitError() << "cannot write the report " << path << ": "
                               << ec.message();
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return success();
}
