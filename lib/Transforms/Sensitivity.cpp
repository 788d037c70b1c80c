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
// The `import:` method reads traces computed by another tool, so that a
// plan can use, say, Hutchinson estimates from a training framework.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Runtime/Npy.h"
#include "compress/Runtime/Samples.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
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

static constexpr StringLiteral kSensitivityAttrName("compress.sensitivity");
static constexpr StringLiteral kImportPrefix("import:");

namespace {

/// A weight-bearing op and the constant holding its weights.
struct Layer {
  /// The name compress-quantize gives the layer (`conv2d_0`, ...).
  std::string name;
  Operation *op;
  Value weights;
  int64_t numWeights;
};

} // namespace

/// The weight operand of a layer kind the pass knows, or null.
static Value getWeightOperand(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(
          [](auto conv) { return conv.getWeight(); })
      .Case<tosa::MatMulOp>([](tosa::MatMulOp matmul) { return matmul.getB(); })
      .Default([](Operation *) { return Value(); });
}

/// The layers of `func` in program order, named like compress-quantize
/// names them. Only float32 constant weights count: those are what
/// quantization replaces and what reverse mode can differentiate.
static SmallVector<Layer> collectLayers(func::FuncOp func) {
  SmallVector<Layer> layers;
  llvm::StringMap<unsigned> counts;
  func.walk([&](Operation *op) {
    Value weights = getWeightOperand(op);
    if (!weights || !matchPattern(weights, m_Constant()))
      return;
    auto type = dyn_cast<RankedTensorType>(weights.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return;
    StringRef kind = op->getName().stripDialect();
    std::string name = (kind + "_" + Twine(counts[kind]++)).str();
    layers.push_back({std::move(name), op, weights, type.getNumElements()});
  });
  return layers;
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

/// Writes a `\r`-updated progress line to stderr.
static void printProgress(int64_t done, int64_t total) {
  llvm::errs() << "\rsensitivity: " << done << "/" << total;
  if (done == total)
    llvm::errs() << "\n";
  llvm::errs().flush();
}

namespace {

struct SensitivityPass
    : public compress::impl::SensitivityPassBase<SensitivityPass> {
  using SensitivityPassBase::SensitivityPassBase;

  void runOnOperation() override;

private:
  /// Average traces by the fisher method; sets `numSamples` to the number
  /// of samples used.
  FailureOr<SmallVector<double>> computeFisherTraces(func::FuncOp func,
                                                     ArrayRef<Layer> layers,
                                                     int64_t &numSamples);
  /// Average traces read from the JSON file at `path`.
  FailureOr<SmallVector<double>> importTraces(func::FuncOp func,
                                              ArrayRef<Layer> layers,
                                              StringRef path);
};

} // namespace

FailureOr<SmallVector<double>>
SensitivityPass::computeFisherTraces(func::FuncOp func, ArrayRef<Layer> layers,
                                     int64_t &numSamples) {
  ModuleOp module = getOperation();
  if (calibration.empty())
    return module.emitError("the fisher method needs sample inputs: "
                            "calibration=FILE.npy");
  FailureOr<SampleSet> sampleSet =
      loadSamples(module, func, calibration, samples);
  if (failed(sampleSet))
    return failure();
  const SmallVector<TensorSpec> &resultTypes = sampleSet->results;
  if (resultTypes.size() != 1)
    return func.emitError("the fisher method needs @")
           << func.getSymName()
           << " to return logits shaped [1, K] or [K], but it returns "
           << resultTypes.size() << " values";
  const auto &[logitsType, logitsShape] = resultTypes.front();
  bool logitsShaped =
      logitsType == DType::F32 &&
      (logitsShape.size() == 1 ||
       (logitsShape.size() == 2 && logitsShape[0] == 1)) &&
      logitsShape.back() > 0;
  if (!logitsShaped)
    return func.emitError("the fisher method needs @")
           << func.getSymName()
           << " to return float32 logits shaped [1, K] or [K], but it "
              "returns "
           << dtypeName(logitsType) << " " << shapeToString(logitsShape);

  const Tensor &data = sampleSet->data;
  const TensorSpec &argType = sampleSet->argument;
  numSamples = sampleSet->count;

  FailureOr<Program> program = Program::compile(func);
  if (failed(program))
    return failure();

  // Layers may share one weight constant; reverse mode then returns the
  // gradient of the tensor as a whole, which is the curvature of those
  // shared weights.
  llvm::SetVector<Value> wrt;
  for (const Layer &layer : layers)
    wrt.insert(layer.weights);

  bool showProgress = llvm::errs().is_displayed();
  auto fail = [&](int64_t index, const Twine &message) {
    // End the progress line so that the diagnostic starts on its own.
    if (showProgress)
      llvm::errs() << "\n";
    return func.emitError("sensitivity failed: sample ")
           << index << ": " << message;
  };

  SmallVector<double> squaredNorms(layers.size(), 0.0);
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
    for (auto [layer, sum] : llvm::zip(layers, squaredNorms)) {
      const Tensor &grad = grads->values.find(layer.weights)->second;
      for (float g : grad.f32())
        sum += static_cast<double>(g) * g;
    }
    if (showProgress)
      printProgress(index + 1, numSamples);
  }

  SmallVector<double> traces;
  for (auto [layer, sum] : llvm::zip(layers, squaredNorms))
    traces.push_back(numSamples && layer.numWeights
                         ? sum / numSamples / layer.numWeights
                         : 0.0);
  return traces;
}

FailureOr<SmallVector<double>>
SensitivityPass::importTraces(func::FuncOp func, ArrayRef<Layer> layers,
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
  for (const Layer &layer : layers)
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
        layers, [&](const Layer &layer) { diag << layer.name; },
        [&] { diag << ", "; });
    return diag << ")";
  }

  SmallVector<double> traces;
  bool missing = false;
  for (const Layer &layer : layers) {
    const llvm::json::Value *entry = entries->get(layer.name);
    if (!entry) {
      layer.op->emitError("sensitivity file '")
          << path << "' has no entry for layer '" << layer.name << "'";
      missing = true;
      continue;
    }
    std::optional<double> trace = entry->getAsNumber();
    if (!trace || !std::isfinite(*trace) || *trace < 0)
      return module.emitError("sensitivity of layer '")
             << layer.name << "' in '" << path
             << "' must be a non-negative number";
    traces.push_back(*trace);
  }
  if (missing)
    return failure();
  return traces;
}

void SensitivityPass::runOnOperation() {
  ModuleOp module = getOperation();
  StringRef methodName = method;
  bool isImport = methodName.starts_with(kImportPrefix);
  if (methodName != "fisher" && !isImport) {
    module.emitError("unknown sensitivity method '")
        << methodName << "'; expected fisher or import:FILE.json";
    return signalPassFailure();
  }
  StringRef importPath = methodName.drop_front(kImportPrefix.size());
  if (isImport && importPath.empty()) {
    module.emitError("the import method needs a file: import:FILE.json");
    return signalPassFailure();
  }
  if (samples < 0) {
    module.emitError("samples must be non-negative, got ")
        << samples.getValue();
    return signalPassFailure();
  }

  llvm::Expected<func::FuncOp> entryFunc = findEntryFunction(module, entry);
  if (!entryFunc) {
    module.emitError(llvm::toString(entryFunc.takeError()));
    return signalPassFailure();
  }
  func::FuncOp func = *entryFunc;
  SmallVector<Layer> layers = collectLayers(func);

  int64_t numSamples = 0;
  FailureOr<SmallVector<double>> traces =
      isImport ? importTraces(func, layers, importPath)
               : computeFisherTraces(func, layers, numSamples);
  if (failed(traces))
    return signalPassFailure();

  MLIRContext *ctx = &getContext();
  StringRef attrMethod = isImport ? "import" : "fisher";
  for (auto [layer, trace] : llvm::zip(layers, *traces)) {
    layer.op->setAttr(kSensitivityAttrName,
                      SensitivityAttr::get(ctx, APFloat(trace), attrMethod,
                                           numSamples));
    ++numLayersAnnotated;
  }
}
