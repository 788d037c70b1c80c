//===- compress-run.cpp - Run a model on .npy samples ---------------------===//
//
// Runs a model's entry function once per sample along the first axis of an
// .npy input, with the reference evaluator or JIT-compiled code, and reports
// accuracy (--labels), latency (--bench) or the outputs (-o). Every failure
// is one line on stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "compress/InitAll.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runtime/ModelRunner.h"
#include "compress/Support/Npy.h"
#include "compress/Support/Progress.h"
#include "compress/Support/ToolSupport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace mlir;
using namespace compress;
namespace cl = llvm::cl;

namespace {
enum class Backend { Reference, Jit };

cl::OptionCategory category("compress-run options");
cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.mlir | ->"),
                               cl::cat(category));
cl::opt<std::string> inputPath("input", cl::Required,
                               cl::desc("Samples (.npy), one per entry of "
                                        "the first axis"),
                               cl::value_desc("X.npy"), cl::cat(category));
cl::opt<std::string> labelsPath("labels",
                                cl::desc("Integer labels (.npy); prints "
                                         "top-1 accuracy"),
                                cl::value_desc("Y.npy"), cl::cat(category));
cl::opt<Backend> backend(
    "backend", cl::desc("How to execute the model"),
    cl::values(clEnumValN(Backend::Reference, "reference",
                          "the reference evaluator (defines the semantics)"),
               clEnumValN(Backend::Jit, "jit",
                          "compile through LLVM and run natively")),
    cl::init(Backend::Reference), cl::cat(category));
cl::opt<std::string> kernels(
    "kernels",
    cl::desc("With --backend jit, kernels for qint convolutions and matmuls: "
             "auto (x86-vnni where this CPU has AVX-512 VNNI, else tosa), "
             "x86-vnni or tosa"),
    cl::value_desc("KIND"), cl::init("auto"), cl::cat(category));
cl::opt<int64_t> sparseKernels(
    "sparse-kernels",
    cl::desc("With the x86-vnni kernels, the percent of zero 1x4 weight "
             "blocks from which a convolution or matmul takes the sparse "
             "kernel (above 100: never)"),
    cl::value_desc("PERCENT"), cl::init(kDefaultSparseKernelPercent),
    cl::cat(category));
cl::opt<std::string> outputPath("o",
                                cl::desc("Write the outputs, stacked along "
                                         "the first axis (.npy; .npz for "
                                         "several results)"),
                                cl::value_desc("OUT.npy"), cl::cat(category));
cl::opt<int64_t> limit("limit", cl::desc("Run only the first N samples"),
                       cl::value_desc("N"), cl::init(-1), cl::cat(category));
cl::opt<bool> bench("bench",
                    cl::desc("Print the median latency per sample"),
                    cl::cat(category));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to run (default: @main, "
                                        "or the only public function)"),
                               cl::cat(category));
cl::opt<std::string> comparePath(
    "compare",
    cl::desc("Compare the first output with this .npy and fail if the "
             "largest absolute difference exceeds --tolerance"),
    cl::value_desc("REF.npy"), cl::cat(category));
cl::opt<double> tolerance("tolerance",
                          cl::desc("Largest absolute difference --compare "
                                   "accepts"),
                          cl::init(1e-4), cl::cat(category));
cl::opt<bool> progress("progress",
                       cl::desc("Draw the progress over the samples on "
                                "stderr (default: when stderr is a "
                                "terminal)"),
                       cl::cat(category));
cl::opt<bool> noProgress("no-progress",
                         cl::desc("Never draw the progress"),
                         cl::cat(category));

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// The samples along the first axis of --input and, with --labels, their
/// labels.
struct Dataset {
  Tensor inputs;
  std::optional<Tensor> labels;
};

/// What running the model on every sample produced.
struct RunResults {
  /// Per result of the model, the outputs of every sample (kept only for
  /// -o and --compare).
  std::vector<std::vector<Tensor>> outputs;
  /// Milliseconds per sample.
  std::vector<double> latencies;
  /// Samples whose top-1 class is their label.
  int64_t correct = 0;
};

/// compress-run's steps. Each prints its own error line and returns
/// failure, so that runMain reads as the sequence of steps.
class RunCommand {
public:
  explicit RunCommand(const ToolDiagnostics &diagnostics)
      : diagnostics(diagnostics) {}

  /// Reads --input and --labels.
  FailureOr<Dataset> readDataset();
  /// Creates the runner --backend asks for and checks that it takes one
  /// input.
  FailureOr<std::unique_ptr<ModelRunner>> createRunner(ModuleOp module);
  /// The number of samples to run (--limit), checked against the labels.
  FailureOr<int64_t> countSamples(const Dataset &data);
  /// Runs the model on the first `samples` samples.
  FailureOr<RunResults> runSamples(ModelRunner &model, const Dataset &data,
                                   int64_t samples);
  /// Writes the outputs to -o.
  LogicalResult writeOutputs(ArrayRef<std::vector<Tensor>> outputs);
  /// Prints the largest difference from --compare's reference and fails
  /// beyond --tolerance.
  LogicalResult compareOutputs(ArrayRef<std::vector<Tensor>> outputs);

private:
  template <typename Message> LogicalResult fail(Message &&message) {
    diagnostics.fail(std::forward<Message>(message));
    return failure();
  }

  const ToolDiagnostics &diagnostics;
};

FailureOr<Dataset> RunCommand::readDataset() {
  // With --limit only the samples run are decoded.
  int64_t rows = limit >= 1 ? int64_t(limit) : -1;
  auto data = readNpy(inputPath, rows);
  if (!data)
    return fail(data.takeError());
  Dataset dataset{std::move(*data), std::nullopt};
  if (labelsPath.empty())
    return dataset;
  auto read = readNpy(labelsPath, rows);
  if (!read)
    return fail(read.takeError());
  if (isFloat(read->dtype()) || read->rank() < 1 ||
      read->size() != read->dim(0))
    return fail(labelsPath +
                ": labels must be integers of shape [N] or "
                "[N, 1], got " +
                dtypeName(read->dtype()) + " " + shapeToString(read->shape()));
  dataset.labels = std::move(*read);
  return dataset;
}

FailureOr<std::unique_ptr<ModelRunner>>
RunCommand::createRunner(ModuleOp module) {
  auto entry = findEntryFunction(module, entryName);
  if (!entry)
    return fail(entry.takeError());
  if (kernels != "auto" && !parseLoweringKernels(kernels))
    return fail("unknown --kernels '" + kernels +
                "' (expected auto, x86-vnni or tosa)");
  if (sparseKernels < 0)
    return fail("--sparse-kernels must be at least 0");
  JitOptions jitOptions;
  if (kernels != "auto")
    jitOptions.kernels = kernels;
  jitOptions.sparseKernels = sparseKernels;
  llvm::Expected<std::unique_ptr<ModelRunner>> runner =
      backend == Backend::Jit ? createJitRunner(module, entryName, jitOptions)
                              : createReferenceRunner(*entry);
  if (!runner) {
    diagnostics.failDiagnosed(runner.takeError());
    return failure();
  }
  if ((*runner)->argumentTypes().size() != 1)
    return fail("the model takes " +
                llvm::Twine((*runner)->argumentTypes().size()) +
                " inputs; compress-run feeds exactly one");
  return std::move(*runner);
}

FailureOr<int64_t> RunCommand::countSamples(const Dataset &data) {
  if (data.inputs.rank() == 0)
    return fail(inputPath + ": expected samples along a first axis, got a "
                            "scalar");
  if (limit.getNumOccurrences() && limit < 1)
    return fail("--limit must be at least 1, got " + llvm::Twine(limit));
  int64_t samples = data.inputs.dim(0);
  if (samples == 0)
    return fail(inputPath + ": no samples (the first axis is empty)");
  if (limit >= 1)
    samples = std::min<int64_t>(samples, limit);
  if (data.labels && data.labels->dim(0) < samples)
    return fail(labelsPath + ": " + llvm::Twine(data.labels->dim(0)) +
                " labels for " + llvm::Twine(samples) + " samples");
  return samples;
}

FailureOr<RunResults> RunCommand::runSamples(ModelRunner &model,
                                             const Dataset &data,
                                             int64_t samples) {
  RunResults results;
  results.outputs.resize(model.resultTypes().size());
  Progress running("running", samples);
  for (int64_t i = 0; i < samples; ++i) {
    auto sample =
        sampleFor(data.inputs, i, model.argumentTypes()[0], inputPath);
    if (!sample) {
      running.finish();
      return fail(sample.takeError());
    }
    auto start = std::chrono::steady_clock::now();
    auto result = model.run({*sample});
    auto stop = std::chrono::steady_clock::now();
    if (!result) {
      running.finish();
      if (!diagnostics.firstError().empty()) {
        llvm::consumeError(result.takeError());
        return fail("sample " + llvm::Twine(i) + ": " +
                    diagnostics.firstError());
      }
      return fail(("sample " + llvm::Twine(i) + ": ").str() +
                  llvm::toString(result.takeError()));
    }
    results.latencies.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
    if (data.labels && !result->empty()) {
      // A label no output can be argmax of is a wrong labels file.
      int64_t label = data.labels->ints()[i];
      int64_t classes = numElements((*result)[0].shape());
      if (label < 0 || label >= classes) {
        running.finish();
        return fail(labelsPath + ": label " + llvm::Twine(i) + " is " +
                    llvm::Twine(label) + ", outside the model's " +
                    llvm::Twine(classes) + " classes");
      }
      if (argmax((*result)[0]) == label)
        ++results.correct;
    }
    if (!outputPath.empty() || !comparePath.empty())
      for (auto [k, tensor] : llvm::enumerate(*result))
        results.outputs[k].push_back(std::move(tensor));
    running.advance();
  }
  running.finish();
  return results;
}

/// Prints the top-1 accuracy (with --labels) and the median latency (with
/// --bench).
void printSummary(RunResults &results, int64_t samples, bool hasLabels) {
  if (hasLabels) {
    llvm::outs() << llvm::format(
        "top1: %.4f\n", samples ? double(results.correct) / samples : 0.0);
    llvm::outs() << "samples: " << samples << "\n";
  }
  std::vector<double> &latencies = results.latencies;
  if (bench && !latencies.empty()) {
    std::nth_element(latencies.begin(),
                     latencies.begin() + latencies.size() / 2,
                     latencies.end());
    llvm::outs() << llvm::format("latency_ms: %.4f\n",
                                 latencies[latencies.size() / 2]);
  }
}

LogicalResult RunCommand::writeOutputs(ArrayRef<std::vector<Tensor>> outputs) {
  if (StringRef(outputPath).ends_with(".npz")) {
    std::vector<std::pair<std::string, Tensor>> arrays;
    for (auto [k, list] : llvm::enumerate(outputs))
      arrays.push_back(
          {"result" + std::to_string(k), concatenateSamples(list)});
    if (auto err = writeNpz(outputPath, arrays))
      return fail(std::move(err));
    return success();
  }
  if (outputs.size() != 1)
    return fail("the model has " + llvm::Twine(outputs.size()) +
                " results; write them with -o FILE.npz");
  if (auto err = writeNpy(outputPath, concatenateSamples(outputs[0])))
    return fail(std::move(err));
  return success();
}

LogicalResult
RunCommand::compareOutputs(ArrayRef<std::vector<Tensor>> outputs) {
  auto reference = readNpy(comparePath);
  if (!reference)
    return fail(reference.takeError());
  if (outputs.empty())
    return fail("the model has no result to compare");
  Tensor actual = concatenateSamples(outputs[0]);
  if (reference->shape() != actual.shape())
    return fail(comparePath + ": shape " + shapeToString(reference->shape()) +
                " differs from the outputs' " + shapeToString(actual.shape()));
  double maxDiff = 0.0;
  for (int64_t i = 0; i < actual.size(); ++i) {
    double diff = std::fabs(actual.getAsDouble(i) - reference->getAsDouble(i));
    if (!(diff <= maxDiff))
      maxDiff = std::isnan(diff) ? INFINITY : diff;
  }
  llvm::outs() << llvm::format("max_abs_diff: %.3g\n", maxDiff);
  if (maxDiff > tolerance) {
    std::string message;
    llvm::raw_string_ostream os(message);
    os << comparePath << ": outputs differ by " << llvm::format("%g", maxDiff)
       << " (tolerance " << llvm::format("%g", tolerance.getValue()) << ")";
    return fail(message);
  }
  return success();
}

int runMain() {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  ToolDiagnostics diagnostics("compress-run", context);
  RunCommand command(diagnostics);

  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      diagnostics.parseModel(modelPath, sourceMgr, context);
  if (!module)
    return 1;
  FailureOr<Dataset> data = command.readDataset();
  if (failed(data))
    return 1;
  FailureOr<std::unique_ptr<ModelRunner>> model = command.createRunner(*module);
  if (failed(model))
    return 1;
  FailureOr<int64_t> samples = command.countSamples(*data);
  if (failed(samples))
    return 1;
  FailureOr<RunResults> results = command.runSamples(**model, *data, *samples);
  if (failed(results))
    return 1;

  printSummary(*results, *samples, data->labels.has_value());
  if (!outputPath.empty() && failed(command.writeOutputs(results->outputs)))
    return 1;
  if (!comparePath.empty() && failed(command.compareOutputs(results->outputs)))
    return 1;
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  tuneAllocatorForTool();
  setUpBlasForTool();
  cl::HideUnrelatedOptions(category);
  if (!parseToolOptions(argc, argv, "compress-run",
                        "compress-run: run a model on .npy samples\n"))
    return 1;
  enableStderrProgress(noProgress ? std::optional<bool>(false)
                       : progress ? std::optional<bool>(true)
                                  : std::nullopt);
  return runMain();
}
