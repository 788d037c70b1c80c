//===- Sensitivity.cpp - Fisher and Hutchinson Hessian-trace estimators ---===//
//
// Both estimators run the model with the reference evaluator, one sample at
// a time, and measure curvature through the softmax of its logits. Labels
// and probe directions come from generators seeded by the seed and the
// sample (and probe) index, spelled out so that a seed gives the same
// estimate with every standard library and in any order of evaluation.
//
// The hutchinson method moves weights and layer inputs, which the function
// holds as constants and intermediate values; it runs a copy of the
// function in which both are arguments (the probe program), so that one
// compiled program serves every probe.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Sensitivity.h"

#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Parallel.h"
#include "compress/Support/Progress.h"
#include "compress/Support/Samples.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Error.h"

#include <cmath>
#include <optional>
#include <random>
#include <vector>

using namespace mlir;
using namespace compress;

//===----------------------------------------------------------------------===//
// Shared by both methods
//===----------------------------------------------------------------------===//

/// Checks that `func`, fed by `samples`, returns one float32 tensor of
/// logits shaped [1, K] or [K]; the error names the method.
static LogicalResult checkLogitResults(func::FuncOp func,
                                       const SampleSet &samples,
                                       StringRef methodName) {
  const SmallVector<TensorSpec> &resultTypes = samples.results;
  if (resultTypes.size() != 1)
    return func.emitError("the ")
           << methodName << " method needs @" << func.getSymName()
           << " to return logits shaped [1, K] or [K], but it returns "
           << resultTypes.size() << " values";
  const auto &[logitsType, logitsShape] = resultTypes.front();
  bool logitsShaped = logitsType == DType::F32 &&
                      (logitsShape.size() == 1 ||
                       (logitsShape.size() == 2 && logitsShape[0] == 1)) &&
                      logitsShape.back() > 0;
  if (!logitsShaped)
    return func.emitError("the ")
           << methodName << " method needs @" << func.getSymName()
           << " to return float32 logits shaped [1, K] or [K], but it "
              "returns "
           << dtypeName(logitsType) << " " << shapeToString(logitsShape);
  return success();
}

/// Ends the progress line, if one is shown, and reports a failed sample.
static InFlightDiagnostic failSample(func::FuncOp func, Progress &progress,
                                     int64_t index, const Twine &message) {
  progress.finish();
  return func.emitError("sensitivity failed: sample ")
         << index << ": " << message;
}

/// The error of a sample whose logits are NaN or infinite.
static llvm::Error nonFiniteLogits() {
  return llvm::createStringError("the logits are not finite");
}

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

/// A sequence of 64-bit draws that depends only on `keys`. Both the engine
/// and its seeding are spelled out (std::uniform_*_distribution are not)
/// so that results do not depend on the standard library.
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

//===----------------------------------------------------------------------===//
// fisher
//===----------------------------------------------------------------------===//

/// Draws a class from `probs` with a generator seeded by `seed` and the
/// sample's index, inverting the distribution by hand for the same reason
/// as seededEngine.
static int64_t drawLabel(ArrayRef<double> probs, int64_t seed, int64_t index) {
  std::mt19937_64 engine = seededEngine({seed, index});
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

/// The squared norms of the gradients of `log p_y` with respect to each
/// layer's weights and input, for one sample `input` and a label `y` drawn
/// from the model.
static llvm::Expected<SmallVector<LayerTraces>>
fisherSample(const Program &program, ArrayRef<WeightLayer> layers,
             ArrayRef<Value> wrt, Tensor input, int64_t seed, int64_t index) {
  SmallVector<Tensor> inputs;
  inputs.push_back(std::move(input));

  // The seed of the backward pass depends on the forward result: a label
  // drawn from the model's own prediction.
  auto seedFor =
      [&](ArrayRef<Tensor> outputs) -> llvm::Expected<SmallVector<Tensor>> {
    const Tensor &logits = outputs.front();
    FailureOr<SmallVector<double>> probs = softmax(logits);
    if (failed(probs))
      return nonFiniteLogits();
    int64_t label = drawLabel(*probs, seed, index);
    // d log p_y / d logits = onehot(y) - p.
    Tensor outputSeed(DType::F32, logits.shape());
    for (auto [k, p] : llvm::enumerate(*probs))
      outputSeed.f32()[k] = static_cast<float>(
          (static_cast<int64_t>(k) == label ? 1.0 : 0.0) - p);
    SmallVector<Tensor> seeds;
    seeds.push_back(std::move(outputSeed));
    return seeds;
  };
  // Only the norms are needed, never the gradients of all weights at once
  // (they are as large as the model).
  llvm::Expected<DenseMap<Value, double>> squaredNorms =
      program.gradientSquaredNorms(inputs, seedFor, wrt);
  if (!squaredNorms)
    return squaredNorms.takeError();
  SmallVector<LayerTraces> result(layers.size());
  for (auto [layer, traces] : llvm::zip(layers, result)) {
    traces.weights = squaredNorms->lookup(layer.weights);
    if (layer.input)
      traces.activations = squaredNorms->lookup(layer.input);
  }
  return result;
}

FailureOr<SensitivityEstimate>
compress::computeFisherTraces(func::FuncOp func, ArrayRef<WeightLayer> layers,
                              const SampleSet &samples, StringRef samplesName,
                              const SensitivityOptions &options) {
  if (failed(checkLogitResults(func, samples, "fisher")))
    return failure();
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

  // Samples run a batch at a time on the context's threads; their norms
  // are summed in sample order, so the sums do not depend on the threads.
  int64_t numSamples = samples.count;
  Progress progress("sensitivity", numSamples);
  SmallVector<LayerTraces> sums(layers.size());
  std::vector<SmallVector<LayerTraces>> norms(kSampleBatch);
  auto runSample = [&](int64_t index) -> llvm::Error {
    llvm::Expected<Tensor> sample =
        sampleFor(samples.data, index, samples.argument, samplesName);
    if (!sample)
      return sample.takeError();
    llvm::Expected<SmallVector<LayerTraces>> traces =
        fisherSample(*program, layers, wrt.getArrayRef(), std::move(*sample),
                     options.seed, index);
    if (!traces)
      return traces.takeError();
    norms[index % kSampleBatch] = std::move(*traces);
    return llvm::Error::success();
  };
  auto sumBatch = [&](int64_t first, int64_t count) {
    for (int64_t i = 0; i < count; ++i)
      for (auto [sum, traces] : llvm::zip(sums, norms[i])) {
        sum.weights += traces.weights;
        sum.activations += traces.activations;
      }
    progress.update(first + count);
  };
  if (std::optional<SampleFailure> failure = runSampleBatches(
          func.getContext(), numSamples, kSampleBatch, runSample, sumBatch)) {
    progress.update(failure->sample);
    return failSample(func, progress, failure->sample, failure->message);
  }
  progress.finish();

  SensitivityEstimate estimate;
  estimate.numSamples = numSamples;
  for (auto [layer, sum] : llvm::zip(layers, sums)) {
    LayerTraces traces;
    if (numSamples && layer.numWeights)
      traces.weights = sum.weights / numSamples / layer.numWeights;
    if (numSamples && layer.numInputs)
      traces.activations = sum.activations / numSamples / layer.numInputs;
    estimate.traces.push_back(traces);
  }
  return estimate;
}

//===----------------------------------------------------------------------===//
// hutchinson
//===----------------------------------------------------------------------===//

/// Relative size of the finite-difference step of the hutchinson method:
/// each tensor moves by this times its root mean square, small enough
/// that ReLU and max-pool switches rarely flip and large enough that
/// float32 rounding of the outputs stays far below the difference.
static constexpr double kRelativeStep = 1e-3;

namespace {

/// A copy of the function whose weights are extra arguments and whose
/// layer inputs get an extra argument added to them, so that both can be
/// moved along a probe direction. Argument 0 is the sample; the probed
/// tensors follow, the distinct weights first, then the distinct inputs.
/// Layers sharing a tensor share its argument, and so its estimate.
struct ProbeProgram {
  /// Owns the copy `program` was compiled from, which must outlive it.
  OwningOpRef<func::FuncOp> func;
  std::optional<Program> program;
  /// Arguments of an unperturbed run, with slot 0 (the sample) empty: the
  /// weights, then zeros for the inputs' shifts.
  SmallVector<Tensor> baseInputs;
  int64_t numWeightArgs = 0;
  /// The layer inputs in the copy, in the order of their shift arguments.
  llvm::SetVector<Value> inputValues;
  /// Per layer: the probed tensor (argument - 1) of its weights and of its
  /// input, -1 when it has no input.
  SmallVector<int64_t> weightSlot, inputSlot;

  int64_t numProbed() const { return baseInputs.size() - 1; }
};

/// What the probes of one sample compare against: its input, the softmax
/// of the unperturbed model and each probed tensor's step (relative to its
/// root mean square in this sample).
struct SampleState {
  Tensor input;
  SmallVector<double> probs;
  SmallVector<double> steps;
};

/// The running means of the probe estimates, one per probed tensor, and
/// the rounds of probes they average over.
struct ProbeMeans {
  SmallVector<double> means;
  int64_t rounds = 0;
};

} // namespace

/// Builds the probe program of `layers`, weight layers of `func`.
static FailureOr<ProbeProgram> buildProbeProgram(func::FuncOp func,
                                                 ArrayRef<WeightLayer> layers) {
  ProbeProgram probe;
  IRMapping mapping;
  probe.func = func.clone(mapping);
  func::FuncOp probeFunc = *probe.func;
  llvm::SetVector<Value> weightValues;
  for (const WeightLayer &layer : layers) {
    weightValues.insert(mapping.lookup(layer.weights));
    if (layer.input)
      probe.inputValues.insert(mapping.lookup(layer.input));
  }
  probe.numWeightArgs = weightValues.size();
  auto position = [](const llvm::SetVector<Value> &values, Value value) {
    return int64_t(llvm::find(values, value) - values.begin());
  };
  for (const WeightLayer &layer : layers) {
    probe.weightSlot.push_back(
        position(weightValues, mapping.lookup(layer.weights)));
    probe.inputSlot.push_back(
        layer.input
            ? probe.numWeightArgs +
                  position(probe.inputValues, mapping.lookup(layer.input))
            : -1);
  }

  probe.baseInputs.resize(1);
  for (Value weights : weightValues) {
    ElementsAttr attr;
    (void)matchPattern(weights, m_Constant(&attr));
    FailureOr<Tensor> tensor = tensorFromAttr(attr);
    if (failed(tensor))
      return weights.getDefiningOp()->emitError("cannot read these weights");
    probe.baseInputs.push_back(std::move(*tensor));
    unsigned index = probeFunc.getNumArguments();
    if (failed(probeFunc.insertArgument(index, weights.getType(), {},
                                        weights.getLoc())))
      return failure();
    weights.replaceAllUsesWith(probeFunc.getArgument(index));
  }
  OpBuilder builder(probeFunc.getContext());
  for (Value input : probe.inputValues) {
    auto type = cast<RankedTensorType>(input.getType());
    probe.baseInputs.push_back(Tensor(DType::F32, Shape(type.getShape())));
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
  probe.program.emplace(std::move(*program));

  return std::move(probe);
}

/// Runs the unperturbed probe program on the sample `input` and records
/// what its probes compare against.
static llvm::Expected<SampleState> measureSample(const ProbeProgram &probe,
                                                 Tensor input) {
  SampleState state;
  state.input = std::move(input);
  SmallVector<Tensor> inputs = probe.baseInputs;
  inputs[0] = state.input;
  DenseMap<Value, double> inputRms;
  auto observe = [&](Value value, const Tensor &tensor) {
    if (auto add = value.getDefiningOp<tosa::AddOp>())
      if (probe.inputValues.contains(add.getInput1()))
        inputRms[add.getInput1()] = rootMeanSquare(tensor);
  };
  llvm::Expected<SmallVector<Tensor>> outputs =
      probe.program->run(inputs, ValueObserver(observe));
  if (!outputs)
    return outputs.takeError();
  FailureOr<SmallVector<double>> probs = softmax(outputs->front());
  if (failed(probs))
    return nonFiniteLogits();
  state.probs = std::move(*probs);
  for (int64_t arg = 0, e = probe.numProbed(); arg < e; ++arg) {
    double rms =
        arg < probe.numWeightArgs
            ? rootMeanSquare(probe.baseInputs[1 + arg])
            : inputRms.lookup(probe.inputValues[arg - probe.numWeightArgs]);
    state.steps.push_back(kRelativeStep * (rms > 0 ? rms : 1.0));
  }
  return state;
}

/// One probe of tensor `arg` for one sample: moves it along a Rademacher
/// direction v (drawn from `engine`) by the sample's step s; the central
/// difference of two forward runs gives the Jacobian product u = J (s v),
/// and the result v^T G v = u^T (diag(p) - p p^T) u / s^2 has expectation
/// Tr(G) for the tensor's block G of the Gauss-Newton matrix. `work` holds
/// the unperturbed arguments with the sample in slot 0 and is left so.
static llvm::Expected<double> probeTensor(const ProbeProgram &probe,
                                          const SampleState &state, int64_t arg,
                                          std::mt19937_64 &engine,
                                          MutableArrayRef<Tensor> work) {
  ArrayRef<float> base = probe.baseInputs[1 + arg].f32();
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
    return probe.program->run(work);
  };
  llvm::Expected<SmallVector<Tensor>> up = runMoved(1.0f);
  if (!up)
    return up.takeError();
  llvm::Expected<SmallVector<Tensor>> down = runMoved(-1.0f);
  if (!down)
    return down.takeError();
  llvm::copy(base, moved.begin());
  const Tensor &upLogits = up->front(), &downLogits = down->front();
  ArrayRef<double> p = state.probs;
  double mean = 0, meanSquare = 0;
  for (int64_t k = 0, e = p.size(); k < e; ++k) {
    double u = 0.5 * (upLogits.getAsDouble(k) - downLogits.getAsDouble(k));
    mean += p[k] * u;
    meanSquare += p[k] * u * u;
  }
  double realStep = state.steps[arg];
  return (meanSquare - mean * mean) / (realStep * realStep);
}

/// Replaces `means` by the running means `sums / pairs` and returns whether
/// none moved by more than `tolerance` (relative). The first round never
/// counts as converged: it has nothing to compare with.
static bool updateMeans(ArrayRef<double> sums, int64_t pairs, double tolerance,
                        bool firstRound, MutableArrayRef<double> means) {
  bool converged = !firstRound;
  for (auto [sum, previous] : llvm::zip_equal(sums, means)) {
    double mean = sum / double(pairs);
    if (std::abs(mean - previous) > tolerance * (std::abs(previous) + 1e-30))
      converged = false;
    previous = mean;
  }
  return converged;
}

/// Probes every tensor once per sample and round, for at most
/// `options.probes` rounds, stopping once no running mean moved by more
/// than `options.tolerance` (relative) in a round, as PyHessian does for
/// the whole model. Probing one tensor at a time (as HAWQ probes one block
/// at a time) keeps other layers' curvature out of the estimate and needs
/// no reverse pass.
static FailureOr<ProbeMeans> runProbeRounds(func::FuncOp func,
                                            const ProbeProgram &probe,
                                            ArrayRef<SampleState> states,
                                            const SensitivityOptions &options,
                                            Progress &progress) {
  int64_t count = states.size();
  ProbeMeans result;
  result.means.assign(probe.numProbed(), 0.0);
  if (count == 0)
    return result;
  SmallVector<double> sums(probe.numProbed(), 0.0);
  SmallVector<Tensor> work = probe.baseInputs;
  for (int64_t round = 0; round < options.probes; ++round) {
    for (auto [index, state] : llvm::enumerate(states)) {
      work[0] = state.input;
      std::mt19937_64 engine =
          seededEngine({options.seed, round, int64_t(index)});
      for (int64_t arg = 0, e = probe.numProbed(); arg < e; ++arg) {
        llvm::Expected<double> estimate =
            probeTensor(probe, state, arg, engine, work);
        if (!estimate)
          return failSample(func, progress, index,
                            llvm::toString(estimate.takeError()));
        sums[arg] += *estimate;
      }
      progress.advance();
    }
    ++result.rounds;
    if (updateMeans(sums, result.rounds * count, options.tolerance,
                    /*firstRound=*/round == 0, result.means))
      break;
  }
  return result;
}

FailureOr<SensitivityEstimate> compress::computeHutchinsonTraces(
    func::FuncOp func, ArrayRef<WeightLayer> layers, const SampleSet &samples,
    StringRef samplesName, const SensitivityOptions &options) {
  if (failed(checkLogitResults(func, samples, "hutchinson")))
    return failure();
  FailureOr<ProbeProgram> probe = buildProbeProgram(func, layers);
  if (failed(probe))
    return failure();

  // Counts the probes; the forward runs measuring the samples are quick in
  // comparison.
  Progress progress("sensitivity", options.probes * samples.count);
  std::vector<SampleState> states;
  for (int64_t index = 0; index < samples.count; ++index) {
    llvm::Expected<Tensor> sample =
        sampleFor(samples.data, index, samples.argument, samplesName);
    if (!sample)
      return failSample(func, progress, index,
                        llvm::toString(sample.takeError()));
    llvm::Expected<SampleState> state =
        measureSample(*probe, std::move(*sample));
    if (!state)
      return failSample(func, progress, index,
                        llvm::toString(state.takeError()));
    states.push_back(std::move(*state));
  }

  FailureOr<ProbeMeans> probed =
      runProbeRounds(func, *probe, states, options, progress);
  if (failed(probed))
    return failure();
  progress.finish();

  SensitivityEstimate estimate;
  estimate.numSamples = probed->rounds * samples.count;
  for (auto [layer, weightSlot, inputSlot] :
       llvm::zip(layers, probe->weightSlot, probe->inputSlot)) {
    LayerTraces traces;
    traces.weights = probed->means[weightSlot] / double(layer.numWeights);
    if (inputSlot >= 0)
      traces.activations = probed->means[inputSlot] / double(layer.numInputs);
    estimate.traces.push_back(traces);
  }
  return estimate;
}
