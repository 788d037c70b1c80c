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
#include "compress/Support/Samples.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

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
  auto layerAttr = intFunc.getContext()
                       ->getLoadedDialect<CompressionDialect>()
                       ->getLayerAttrHelper();
  llvm::StringMap<LayerInfo *> byName;
  for (LayerInfo &layer : layers)
    byName[layer.name] = &layer;
  llvm::StringMap<Tensor> floatOutputs;
  for (int64_t i = 0; i < samples; ++i) {
    auto sample = sampleFor(data, i, args[0], "calibration");
    if (!sample)
      return intFunc.emitError(llvm::toString(sample.takeError()));
    auto observeFloat = [&](Value value, const Tensor &tensor) {
      if (Operation *def = value.getDefiningOp())
        if (StringAttr name = layerAttr.getAttr(def))
          floatOutputs[name.getValue()] = tensor;
    };
    auto observeInt = [&](Value value, const Tensor &tensor) {
      Operation *def = value.getDefiningOp();
      if (isa_and_nonnull<qint::Conv2DOp, qint::DepthwiseConv2DOp,
                          qint::MatmulOp>(def)) {
        // An accumulator: its layer is named on the requantize reading it.
        for (Operation *user : def->getUsers())
          if (StringAttr name = layerAttr.getAttr(user))
            if (LayerInfo *layer = byName.lookup(name.getValue());
                layer && tensor.size() > 0) {
              auto [lo, hi] = std::minmax_element(tensor.ints().begin(),
                                                  tensor.ints().end());
              auto &seen = layer->accumulatorSeen;
              seen = {std::min(seen ? seen->first : *lo, *lo),
                      std::max(seen ? seen->second : *hi, *hi)};
            }
        return;
      }
      StringAttr name = def ? layerAttr.getAttr(def) : nullptr;
      if (!name || !byName.count(name.getValue()) ||
          !floatOutputs.count(name.getValue()))
        return;
      LayerInfo &layer = *byName[name.getValue()];
      const Tensor &exact = floatOutputs[name.getValue()];
      if (exact.size() != tensor.size())
        return;
      for (int64_t k = 0; k < tensor.size(); ++k) {
        double f = exact.f32()[k];
        double d = f - layer.output.dequantize(tensor.ints()[k]);
        layer.signal += f * f;
        layer.noise += d * d;
      }
    };
    if (auto err = floatProgram->run({*sample}, ValueObserver(observeFloat))
                       .takeError())
      return intFunc.emitError(llvm::toString(std::move(err)));
    if (auto err =
            intProgram->run({*sample}, ValueObserver(observeInt)).takeError())
      return intFunc.emitError(llvm::toString(std::move(err)));
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
