//===- Sensitivity.cpp - The compress-sensitivity pass --------------------===//
//
// Estimates how much each layer's loss curvature amplifies weight noise --
// the average Hessian trace `Tr(H) / n` of its weights, as in HAWQ-V2 --
// and records it as a `#compress.sensitivity` attribute on the layer's op,
// where bit-width planning reads it. Quantizing a layer with trace `t` and
// weight noise of variance `s^2` costs about `t * n * s^2 / 2` in loss, so
// layers with large traces deserve more bits.
//
// The `fisher` method uses the Fisher information with labels drawn from
// the model: for a softmax output it equals the Gauss-Newton matrix, is
// positive semi-definite, and its trace is the expected squared norm of
// the gradient of `log p_y`, so one reverse-mode pass per sample yields
// every layer's estimate at once. Drawing `y` from the model, rather than
// using data labels, keeps the estimate unbiased and needs no labels.
//
// The `hutchinson` method estimates the same Gauss-Newton traces with
// Rademacher probes, one tensor at a time, from finite-difference Jacobian
// products: slower, but it needs only forward kernels.
//
// Both also estimate the trace of each layer's input activation, which
// the planner needs to weigh activation noise.
//
// The `import:` method reads traces computed by another tool, such as
// PyHessian during training.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "compress/Analysis/WeightLayers.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Npy.h"
#include "compress/Support/Progress.h"
#include "compress/Support/Samples.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <random>

namespace compress {
#define GEN_PASS_DEF_SENSITIVITYPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;


namespace {

/// Average traces of one layer: of its weights and of its input.
struct LayerTraces {
  double weights = 0.0;
  double activations = 0.0;
};

} // namespace

/// softmax(logits) in double, shifted by the maximum so that no exponent
/// overflows. Fails if a logit is not finite.
static FailureOr<SmallVector<double>> softmax(const Tensor &logits) {
  SmallVector<double> probs(logits.size());
  double maxLogit = -INFINITY;
  for (int64_t k = 0, e = logits.size(); k < e; ++k) {
    probs[k] = logits.getAsDouble(k);
    if (!std::isfinite(probs[k]))
      return failure();
    maxLogit = std::max(maxLogit, probs[k]);
  }
  double sum = 0;
  for (double &p : probs) {
    p = std::exp(p - maxLogit);
    sum += p;
  }
  for (double &p : probs)
    p /= sum;
  return probs;
}

/// Draws a class from `probs` with a generator seeded by `seed` and the
/// sample's index. Both the engine and the inversion of the distribution
/// are spelled out (std::uniform_real_distribution is not) so that a seed
/// gives the same labels with every standard library.
static int64_t drawLabel(ArrayRef<double> probs, int64_t seed,
                         int64_t index) {
  auto s = static_cast<uint64_t>(seed);
  auto i = static_cast<uint64_t>(index);
  std::seed_seq seq{uint32_t(s), uint32_t(s >> 32), uint32_t(i),
                    uint32_t(i >> 32)};
  std::mt19937_64 engine(seq);
  double u = static_cast<double>(engine() >> 11) * 0x1.0p-53;
  double cumulative = 0;
  int64_t last = 0;
  for (auto [k, p] : llvm::enumerate(probs)) {
    if (p <= 0)
      continue;
    cumulative += p;
    last = k;
    if (u < cumulative)
      return k;
  }
  // Rounding can leave the cumulative sum just below u.
  return last;
}

/// A sequence of 64-bit draws that depends only on `keys`, spelled out (as
/// in drawLabel) so that results do not depend on the standard library.
static std::mt19937_64 seededEngine(ArrayRef<int64_t> keys) {
  SmallVector<uint32_t> words;
  for (int64_t key : keys) {
    auto k = static_cast<uint64_t>(key);
    words.push_back(uint32_t(k));
    words.push_back(uint32_t(k >> 32));
  }
  std::seed_seq seq(words.begin(), words.end());
  return std::mt19937_64(seq);
}

/// Root mean square of a float32 tensor's elements.
static double rootMeanSquare(const Tensor &tensor) {
  double sum = 0;
  for (float v : tensor.f32())
    sum += double(v) * v;
  return tensor.size() ? std::sqrt(sum / double(tensor.size())) : 0.0;
}

/// `sum(a * b)` over float32 tensors of one size, in double.
static double dot(ArrayRef<float> a, ArrayRef<float> b) {
  double sum = 0;
  for (auto [x, y] : llvm::zip_equal(a, b))
    sum += double(x) * y;
  return sum;
}

namespace {

/// Samples with the checks the estimating methods need: one input, one
/// float32 logits result.
struct LogitSamples {
  SampleSet set;
  int64_t numClasses;
};

struct SensitivityPass
    : public compress::impl::SensitivityPassBase<SensitivityPass> {
  using SensitivityPassBase::SensitivityPassBase;

  /// Rejects options no run could use, before any pass runs.
  LogicalResult initialize(MLIRContext *context) override;
  void runOnOperation() override;

private:
  /// Loads `calibration` and checks that `func` returns logits.
  FailureOr<LogitSamples> loadLogitSamples(func::FuncOp func,
                                           StringRef methodName);
  /// Average traces by the fisher method; sets `numSamples` to the number
  /// of samples used.
  FailureOr<SmallVector<LayerTraces>>
  computeFisherTraces(func::FuncOp func, ArrayRef<WeightLayer> layers,
                      int64_t &numSamples);
  /// Average traces by the hutchinson method; sets `numSamples` to the
  /// number of sample-probe pairs used.
  FailureOr<SmallVector<LayerTraces>>
  computeHutchinsonTraces(func::FuncOp func, ArrayRef<WeightLayer> layers,
                          int64_t &numSamples);
  /// Average traces read from the JSON file at `path`.
  FailureOr<SmallVector<LayerTraces>> importTraces(func::FuncOp func,
                                                   ArrayRef<WeightLayer> layers,
                                                   StringRef path);
};

} // namespace

LogicalResult SensitivityPass::initialize(MLIRContext *context) {
  Location loc = UnknownLoc::get(context);
  if (method.kind != SensitivityMethod::Kind::Import && calibration.empty())
    return emitError(loc, "compress-sensitivity: the ")
           << method.kindName()
           << " method needs sample inputs: calibration=FILE.npy";
  if (samples < 0)
    return emitError(loc,
                     "compress-sensitivity: samples must be non-negative, got ")
           << samples.getValue();
  if (probes < 1)
    return emitError(loc, "compress-sensitivity: probes must be at least 1, "
                          "got ")
           << probes.getValue();
  if (!(tolerance >= 0))
    return emitError(loc, "compress-sensitivity: tolerance must be "
                          "non-negative, got ")
           << tolerance.getValue();
  return success();
}

FailureOr<LogitSamples>
SensitivityPass::loadLogitSamples(func::FuncOp func, StringRef methodName) {
  ModuleOp module = getOperation();
  FailureOr<SampleSet> sampleSet =
      loadSamples(module, func, calibration, samples);
  if (failed(sampleSet))
    return failure();
  const SmallVector<TensorSpec> &resultTypes = sampleSet->results;
  if (resultTypes.size() != 1)
    return func.emitError("the ")
           << methodName << " method needs @" << func.getSymName()
           << " to return logits shaped [1, K] or [K], but it returns "
           << resultTypes.size() << " values";
  const auto &[logitsType, logitsShape] = resultTypes.front();
  bool logitsShaped =
      logitsType == DType::F32 &&
      (logitsShape.size() == 1 ||
       (logitsShape.size() == 2 && logitsShape[0] == 1)) &&
      logitsShape.back() > 0;
  if (!logitsShaped)
    return func.emitError("the ")
           << methodName << " method needs @" << func.getSymName()
           << " to return float32 logits shaped [1, K] or [K], but it "
              "returns "
           << dtypeName(logitsType) << " " << shapeToString(logitsShape);
  int64_t numClasses = logitsShape.back();
  return LogitSamples{std::move(*sampleSet), numClasses};
}

/// Ends the progress line, if one is shown, and reports a failed sample.
static InFlightDiagnostic failSample(func::FuncOp func, Progress &progress,
                                     int64_t index, const Twine &message) {
  progress.finish();
  return func.emitError("sensitivity failed: sample ")
         << index << ": " << message;
}

FailureOr<SmallVector<LayerTraces>>
SensitivityPass::computeFisherTraces(func::FuncOp func, ArrayRef<WeightLayer> layers,
                                     int64_t &numSamples) {
  FailureOr<LogitSamples> logitSamples = loadLogitSamples(func, "fisher");
  if (failed(logitSamples))
    return failure();
  const Tensor &data = logitSamples->set.data;
  const TensorSpec &argType = logitSamples->set.argument;
  numSamples = logitSamples->set.count;

  FailureOr<Program> program = Program::compile(func);
  if (failed(program))
    return failure();

  // Layers may share one weight constant or one input; reverse mode then
  // returns the gradient of the tensor as a whole, which is the curvature
  // of the shared tensor.
  llvm::SetVector<Value> wrt;
  for (const WeightLayer &layer : layers) {
    wrt.insert(layer.weights);
    if (layer.input)
      wrt.insert(layer.input);
  }

  Progress progress("sensitivity", numSamples);
  auto fail = [&](int64_t index, const Twine &message) {
    return failSample(func, progress, index, message);
  };

  auto squaredNorm = [](const Tensor &grad) { return dot(grad.f32(), grad.f32()); };
  SmallVector<LayerTraces> sums(layers.size());
  for (int64_t index = 0; index < numSamples; ++index) {
    llvm::Expected<Tensor> sample =
        sampleFor(data, index, argType, calibration);
    if (!sample)
      return fail(index, llvm::toString(sample.takeError()));
    SmallVector<Tensor> inputs;
    inputs.push_back(std::move(*sample));

    // The seed of the backward pass depends on the forward result, so the
    // forward pass runs once on its own first.
    llvm::Expected<SmallVector<Tensor>> outputs = program->run(inputs);
    if (!outputs)
      return fail(index, llvm::toString(outputs.takeError()));
    const Tensor &logits = outputs->front();
    FailureOr<SmallVector<double>> probs = softmax(logits);
    if (failed(probs))
      return fail(index, "the logits are not finite");
    int64_t label = drawLabel(*probs, seed, index);

    // d log p_y / d logits = onehot(y) - p.
    Tensor outputSeed(DType::F32, logits.shape());
    for (auto [k, p] : llvm::enumerate(*probs))
      outputSeed.f32()[k] =
          static_cast<float>((static_cast<int64_t>(k) == label ? 1.0 : 0.0) -
                             p);
    llvm::Expected<Gradients> grads =
        program->runBackward(inputs, outputSeed, wrt.getArrayRef());
    if (!grads)
      return fail(index, llvm::toString(grads.takeError()));
    for (auto [layer, sum] : llvm::zip(layers, sums)) {
      sum.weights += squaredNorm(grads->values.find(layer.weights)->second);
      if (layer.input)
        sum.activations += squaredNorm(grads->values.find(layer.input)->second);
    }
    progress.advance();
  }

  SmallVector<LayerTraces> traces;
  for (auto [layer, sum] : llvm::zip(layers, sums)) {
    LayerTraces t;
    if (numSamples && layer.numWeights)
      t.weights = sum.weights / numSamples / layer.numWeights;
    if (numSamples && layer.numInputs)
      t.activations = sum.activations / numSamples / layer.numInputs;
    traces.push_back(t);
  }
  return traces;
}

/// Relative size of the finite-difference step of the hutchinson method:
/// each tensor moves by this times its root mean square, small enough
/// that ReLU and max-pool switches rarely flip and large enough that
/// float32 rounding of the outputs stays far below the difference.
static constexpr double kRelativeStep = 1e-3;

FailureOr<SmallVector<LayerTraces>>
SensitivityPass::computeHutchinsonTraces(func::FuncOp func,
                                         ArrayRef<WeightLayer> layers,
                                         int64_t &numSamples) {
  FailureOr<LogitSamples> logitSamples = loadLogitSamples(func, "hutchinson");
  if (failed(logitSamples))
    return failure();
  const Tensor &data = logitSamples->set.data;
  const TensorSpec &argType = logitSamples->set.argument;
  int64_t count = logitSamples->set.count;

  // The probe program is a copy of the function whose weights are extra
  // arguments and whose layer inputs get an extra argument added to them,
  // so that both can be moved along a probe direction and differentiated.
  OwningOpRef<ModuleOp> probeModule(cast<ModuleOp>(getOperation()->clone()));
  auto probeFunc = probeModule->lookupSymbol<func::FuncOp>(func.getSymName());
  SmallVector<WeightLayer> probeLayers = collectWeightLayers(probeFunc);
  llvm::SetVector<Value> weightValues, inputValues;
  for (const WeightLayer &layer : probeLayers) {
    weightValues.insert(layer.weights);
    if (layer.input)
      inputValues.insert(layer.input);
  }
  SmallVector<Tensor> baseInputs(1);
  for (Value weights : weightValues) {
    ElementsAttr attr;
    (void)matchPattern(weights, m_Constant(&attr));
    FailureOr<Tensor> tensor = tensorFromAttr(attr);
    if (failed(tensor))
      return weights.getDefiningOp()->emitError(
          "cannot read these weights");
    baseInputs.push_back(std::move(*tensor));
    unsigned index = probeFunc.getNumArguments();
    if (failed(probeFunc.insertArgument(index, weights.getType(), {},
                                        weights.getLoc())))
      return failure();
    weights.replaceAllUsesWith(probeFunc.getArgument(index));
  }
  OpBuilder builder(probeFunc.getContext());
  for (Value input : inputValues) {
    auto type = cast<RankedTensorType>(input.getType());
    baseInputs.push_back(Tensor(DType::F32, Shape(type.getShape())));
    unsigned index = probeFunc.getNumArguments();
    if (failed(probeFunc.insertArgument(index, type, {}, input.getLoc())))
      return failure();
    if (Operation *def = input.getDefiningOp())
      builder.setInsertionPointAfter(def);
    else
      builder.setInsertionPointToStart(&probeFunc.front());
    auto shifted = tosa::AddOp::create(builder, input.getLoc(), type, input,
                                       probeFunc.getArgument(index));
    input.replaceAllUsesExcept(shifted, shifted.getOperation());
  }
  FailureOr<Program> program = Program::compile(probeFunc);
  if (failed(program))
    return failure();

  // Each layer's weight and input estimate lives in the slot of its
  // (possibly shared) tensor: arguments 1.. of the probe program.
  int64_t numWeightArgs = weightValues.size();
  int64_t numArgs = numWeightArgs + inputValues.size();
  SmallVector<int64_t> weightSlot, inputSlot;
  for (const WeightLayer &layer : probeLayers) {
    weightSlot.push_back(llvm::find(weightValues, layer.weights) -
                         weightValues.begin());
    inputSlot.push_back(
        layer.input ? numWeightArgs + (llvm::find(inputValues, layer.input) -
                                       inputValues.begin())
                    : -1);
  }

  // Counts the probes; the forward runs before them are quick in comparison.
  Progress progress("sensitivity", probes * count);
  auto fail = [&](int64_t index, const Twine &message) {
    return failSample(func, progress, index, message);
  };

  // Per sample: the softmax of the unperturbed model and each argument's
  // step (relative to its root mean square in that sample).
  struct SampleState {
    Tensor input;
    SmallVector<double> probs;
    SmallVector<double> steps;
  };
  std::vector<SampleState> states(count);
  for (int64_t index = 0; index < count; ++index) {
    llvm::Expected<Tensor> sample =
        sampleFor(data, index, argType, calibration);
    if (!sample)
      return fail(index, llvm::toString(sample.takeError()));
    SampleState &state = states[index];
    state.input = std::move(*sample);
    SmallVector<Tensor> inputs = baseInputs;
    inputs[0] = state.input;
    DenseMap<Value, double> inputRms;
    auto observe = [&](Value value, const Tensor &tensor) {
      if (auto add = value.getDefiningOp<tosa::AddOp>())
        if (inputValues.contains(add.getInput1()))
          inputRms[add.getInput1()] = rootMeanSquare(tensor);
    };
    llvm::Expected<SmallVector<Tensor>> outputs =
        program->run(inputs, ValueObserver(observe));
    if (!outputs)
      return fail(index, llvm::toString(outputs.takeError()));
    FailureOr<SmallVector<double>> probs = softmax(outputs->front());
    if (failed(probs))
      return fail(index, "the logits are not finite");
    state.probs = std::move(*probs);
    for (int64_t arg = 0; arg < numArgs; ++arg) {
      double rms = arg < numWeightArgs
                       ? rootMeanSquare(baseInputs[1 + arg])
                       : inputRms.lookup(inputValues[arg - numWeightArgs]);
      state.steps.push_back(kRelativeStep * (rms > 0 ? rms : 1.0));
    }
  }

  // Each probe moves one tensor i along a Rademacher direction v by a
  // step s; the central difference of two forward runs gives the Jacobian
  // product u = J_i (s v), and v^T G_ii v = u^T (diag(p) - p p^T) u / s^2
  // has expectation Tr(G_ii). Probing one tensor at a time (as HAWQ
  // probes one block at a time) keeps other layers' curvature out of the
  // estimate and needs no reverse pass.
  SmallVector<double> sums(numArgs, 0.0), previous(numArgs, 0.0);
  int64_t iterations = 0;
  SmallVector<Tensor> work = baseInputs;
  for (int64_t probe = 0; probe < probes; ++probe) {
    for (int64_t index = 0; index < count; ++index) {
      SampleState &state = states[index];
      work[0] = state.input;
      std::mt19937_64 engine = seededEngine({seed, probe, index});
      ArrayRef<double> p = state.probs;
      for (int64_t arg = 0; arg < numArgs; ++arg) {
        ArrayRef<float> base = baseInputs[1 + arg].f32();
        MutableArrayRef<float> moved = work[1 + arg].f32();
        float step = float(state.steps[arg]);
        SmallVector<uint64_t> signs;
        for (size_t k = 0; k < base.size(); k += 64)
          signs.push_back(engine());
        auto runMoved = [&](float sign) {
          for (size_t k = 0; k < base.size(); ++k) {
            bool positive = (signs[k / 64] >> (k % 64)) & 1;
            moved[k] = base[k] + (positive ? sign : -sign) * step;
          }
          return program->run(work);
        };
        llvm::Expected<SmallVector<Tensor>> up = runMoved(1.0f);
        if (!up)
          return fail(index, llvm::toString(up.takeError()));
        llvm::Expected<SmallVector<Tensor>> down = runMoved(-1.0f);
        if (!down)
          return fail(index, llvm::toString(down.takeError()));
        llvm::copy(base, moved.begin());
        const Tensor &upLogits = up->front(), &downLogits = down->front();
        double mean = 0, meanSquare = 0;
        for (int64_t k = 0, e = p.size(); k < e; ++k) {
          double u = 0.5 * (upLogits.getAsDouble(k) - downLogits.getAsDouble(k));
          mean += p[k] * u;
          meanSquare += p[k] * u * u;
        }
        double realStep = state.steps[arg];
        sums[arg] += (meanSquare - mean * mean) / (realStep * realStep);
      }
      progress.advance();
    }
    ++iterations;
    // Stop once no running mean moved by more than `tolerance` (relative)
    // in the last round of probes, as PyHessian does for the whole model.
    bool converged = probe > 0;
    for (int64_t arg = 0; arg < numArgs; ++arg) {
      double mean = sums[arg] / double(iterations * count);
      if (std::abs(mean - previous[arg]) >
          tolerance * (std::abs(previous[arg]) + 1e-30))
        converged = false;
      previous[arg] = mean;
    }
    if (converged)
      break;
  }
  progress.finish();
  numSamples = iterations * count;

  SmallVector<LayerTraces> traces;
  for (auto [layer, ws, is] : llvm::zip(probeLayers, weightSlot, inputSlot)) {
    LayerTraces t;
    t.weights = previous[ws] / double(layer.numWeights);
    if (is >= 0)
      t.activations = previous[is] / double(layer.numInputs);
    traces.push_back(t);
  }
  return traces;
}

FailureOr<SmallVector<LayerTraces>>
SensitivityPass::importTraces(func::FuncOp func, ArrayRef<WeightLayer> layers,
                              StringRef path) {
  ModuleOp module = getOperation();
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return module.emitError("cannot read sensitivity file '")
           << path << "': " << buffer.getError().message();
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return module.emitError("sensitivity file '")
           << path << "' is not valid JSON: "
           << llvm::toString(parsed.takeError());
  const llvm::json::Object *entries = parsed->getAsObject();
  if (!entries)
    return module.emitError("sensitivity file '")
           << path
           << "' must hold a JSON object mapping layer names to average "
              "traces";

  llvm::StringSet<> layerNames;
  for (const WeightLayer &layer : layers)
    layerNames.insert(layer.name);
  // JSON objects are unordered; sorting keeps the message stable.
  SmallVector<std::string> unknown;
  for (const auto &entry : *entries)
    if (!layerNames.contains(entry.first.str()))
      unknown.push_back(entry.first.str());
  if (!unknown.empty()) {
    llvm::sort(unknown);
    InFlightDiagnostic diag = module.emitError("sensitivity file '")
                              << path << "' names no layer of @"
                              << func.getSymName() << ": ";
    llvm::interleave(
        unknown, [&](const std::string &name) { diag << "'" << name << "'"; },
        [&] { diag << ", "; });
    diag << " (layers: ";
    llvm::interleave(
        layers, [&](const WeightLayer &layer) { diag << layer.name; },
        [&] { diag << ", "; });
    return diag << ")";
  }

  SmallVector<LayerTraces> traces;
  bool missing = false;
  for (const WeightLayer &layer : layers) {
    const llvm::json::Value *entry = entries->get(layer.name);
    if (!entry) {
      layer.op->emitError("sensitivity file '")
          << path << "' has no entry for layer '" << layer.name << "'";
      missing = true;
      continue;
    }
    // A number is the weight trace; an object may add the input's.
    std::optional<double> trace = entry->getAsNumber();
    std::optional<double> activationTrace = 0.0;
    if (const llvm::json::Object *object = entry->getAsObject()) {
      trace = object->getNumber("trace");
      if (const llvm::json::Value *a = object->get("activation_trace"))
        activationTrace = a->getAsNumber();
    }
    auto valid = [](std::optional<double> v) {
      return v && std::isfinite(*v) && *v >= 0;
    };
    if (!valid(trace) || !valid(activationTrace))
      return module.emitError("sensitivity of layer '")
             << layer.name << "' in '" << path
             << "' must be a non-negative number or an object "
                "{\"trace\": t, \"activation_trace\": a} of them";
    traces.push_back({*trace, *activationTrace});
  }
  if (missing)
    return failure();
  return traces;
}

void SensitivityPass::runOnOperation() {
  ModuleOp module = getOperation();
  bool isImport = method.kind == SensitivityMethod::Kind::Import;
  bool isHutchinson = method.kind == SensitivityMethod::Kind::Hutchinson;

  llvm::Expected<func::FuncOp> entryFunc = findEntryFunction(module, entry);
  if (!entryFunc) {
    module.emitError(llvm::toString(entryFunc.takeError()));
    return signalPassFailure();
  }
  func::FuncOp func = *entryFunc;
  SmallVector<WeightLayer> layers = collectWeightLayers(func);

  int64_t numSamples = 0;
  FailureOr<SmallVector<LayerTraces>> traces =
      isImport       ? importTraces(func, layers, method.importPath)
      : isHutchinson ? computeHutchinsonTraces(func, layers, numSamples)
                     : computeFisherTraces(func, layers, numSamples);
  if (failed(traces))
    return signalPassFailure();

  MLIRContext *ctx = &getContext();
  auto sensitivityAttr =
      ctx->getLoadedDialect<CompressionDialect>()->getSensitivityAttrHelper();
  StringRef attrMethod = method.kindName();
  for (auto [layer, trace] : llvm::zip(layers, *traces)) {
    sensitivityAttr.setAttr(layer.op,
                            SensitivityAttr::get(ctx, APFloat(trace.weights),
                                                 APFloat(trace.activations),
                                                 attrMethod, numSamples));
    ++numLayersAnnotated;
  }
}
