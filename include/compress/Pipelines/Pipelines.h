//===- Pipelines.h - Named compress pipelines --------------------*- C++ -*-===//
//
// Pipelines that string passes together. The driver (as named pipelines),
// the runner and embedders build exactly the same pass lists from these.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_PIPELINES_PIPELINES_H
#define COMPRESS_PIPELINES_PIPELINES_H

#include "compress/Conversion/QIntToX86/QIntToX86.h"
#include "compress/Transforms/OptionEnums.h"

#include "mlir/Pass/PassOptions.h"
#include "mlir/Support/LLVM.h"

#include <optional>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace compress {

/// Kernels compress-lower-to-llvm gives qint convolutions and matmuls.
enum class LoweringKernels { Tosa, X86Vnni };

/// `tosa`, `x86-vnni` (`kernels`).
llvm::cl::ValuesClass loweringKernelsValues();

/// `tosa` or `x86-vnni`, as the `kernels` option spells them.
std::optional<LoweringKernels> parseLoweringKernels(llvm::StringRef name);
/// `heap`, `global` or `none`, as the `arena` option spells them.
std::optional<BufferArena> parseBufferArena(llvm::StringRef name);

/// Options of `compress-lower-to-llvm`.
struct LowerToLLVMPipelineOptions
    : public mlir::PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<bool> cleanup{*this, "cleanup",
                       llvm::cl::desc("Run compress-cleanup on the float "
                                      "graph first"),
                       llvm::cl::init(false)};
  Option<LoweringKernels> kernels{
      *this, "kernels",
      llvm::cl::desc("Kernels for qint convolutions and matmuls"),
      llvm::cl::init(LoweringKernels::Tosa), loweringKernelsValues()};
  Option<BufferArena> arena{
      *this, "arena",
      llvm::cl::desc("Where temporary buffers live (compress-plan-buffers; "
                     "none skips that pass)"),
      llvm::cl::init(BufferArena::Heap), bufferArenaValues()};
  Option<int64_t> sparseKernels{
      *this, "sparse-kernels",
      llvm::cl::desc("With kernels=x86-vnni, the percent of zero 1x4 weight "
                     "blocks from which a convolution or matmul takes the "
                     "sparse kernel (above 100: never)"),
      llvm::cl::init(kDefaultSparseKernelPercent)};
};

/// Lowers a module of float TOSA or qint functions to the LLVM dialect:
/// with `kernels=x86-vnni`, qint convolutions and matmuls first become
/// AVX-512 VNNI kernels (convert-qint-to-x86); the remaining qint ops are
/// exported to TOSA (convert-qint-to-tosa) and go upstream's tosa-to-linalg
/// path; then one-shot bufferization (function boundaries included, with
/// identity layouts), the memory plan (compress-plan-buffers) and the
/// standard conversions to LLVM. The result can be run with
/// mlir::ExecutionEngine or translated to LLVM IR.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// Options of `compress-pipeline`. Each one sets the pass option of the
/// same meaning (Passes.td documents them; docs/Quantization.md lists which
/// pass each one reaches) and has that pass option's default, which
/// unittests/Pipelines/PipelineOptionsTest.cpp checks. The one exception is
/// `rounding`: when it is not given, the pipeline derives it (gptq when
/// planning, nearest otherwise).
struct CompressPipelineOptions
    : public mlir::PassPipelineOptions<CompressPipelineOptions> {
  Option<std::string> calibration{
      *this, "calibration",
      llvm::cl::desc("Calibration samples (.npy), one per entry of the first "
                     "axis (required)")};
  Option<int64_t> maxFoldElements{
      *this, "max-fold-elements",
      llvm::cl::desc("Largest result (in elements) that constant folding "
                     "creates"),
      llvm::cl::init(1048576)};
  Option<int64_t> samples{*this, "samples",
                          llvm::cl::desc("Calibrate on the first N samples "
                                         "(0: all)"),
                          llvm::cl::init(0)};
  Option<RangeMethod> calibrationMethod{
      *this, "calibration-method",
      llvm::cl::desc("Activation ranges: minmax, percentile or mse"),
      llvm::cl::init(RangeMethod::Mse), rangeMethodValues()};
  Option<double> percentile{*this, "percentile",
                            llvm::cl::desc("Percentile kept by "
                                           "calibration-method=percentile"),
                            llvm::cl::init(99.99)};
  ListOption<int64_t> weightBits{
      *this, "weight-bits",
      llvm::cl::desc("Weight bits (1..8; 2 is ternary, 1 binary); with a "
                     "budget, the candidates the plan chooses from (default "
                     "2,3,4,5,6,8), else one width for all layers (default "
                     "8)")};
  ListOption<int64_t> activationBits{
      *this, "activation-bits",
      llvm::cl::desc("Activation bits (4..8, or 16 without a budget); with a "
                     "budget, the candidates (default 8)")};
  Option<std::string> targetSize{
      *this, "target-size",
      llvm::cl::desc("Plan bit widths so that weights take at most this many "
                     "bytes (K/KB/KiB and M/MB/MiB are powers of 1024)")};
  Option<double> compressionRatio{
      *this, "compression-ratio",
      llvm::cl::desc("Plan bit widths so that weights take at most their "
                     "float32 bytes divided by this"),
      llvm::cl::init(0.0)};
  Option<int64_t> bopsBudget{
      *this, "bops-budget",
      llvm::cl::desc("Plan bit widths within this many bit operations"),
      llvm::cl::init(0)};
  Option<bool> keepFirstLast8Bit{
      *this, "keep-first-last-8bit",
      llvm::cl::desc("Keep the first and last layers at 8 bits when "
                     "planning"),
      llvm::cl::init(false)};
  Option<SensitivityMethod> sensitivity{
      *this, "sensitivity",
      llvm::cl::desc("Layer sensitivity for planning: fisher, hutchinson or "
                     "import:FILE.json"),
      llvm::cl::init(SensitivityMethod{})};
  Option<int64_t> sensitivitySamples{
      *this, "sensitivity-samples",
      llvm::cl::desc("Calibration samples the sensitivity uses (0: all)"),
      llvm::cl::init(256)};
  Option<int64_t> seed{
      *this, "seed",
      llvm::cl::desc("Seed of the fisher sensitivity's labels and the "
                     "hutchinson sensitivity's probes"),
      llvm::cl::init(0)};
  Option<int64_t> probes{
      *this, "probes",
      llvm::cl::desc("Most rounds of probes of the hutchinson sensitivity"),
      llvm::cl::init(8)};
  Option<double> tolerance{
      *this, "tolerance",
      llvm::cl::desc("The hutchinson sensitivity stops when no running mean "
                     "moved by more than this (relative) in a round"),
      llvm::cl::init(0.01)};
  Option<qint::WeightClip> weightClip{
      *this, "weight-clip",
      llvm::cl::desc("Per-channel weight scales: max or mse"),
      llvm::cl::init(qint::WeightClip::Max), weightClipValues()};
  Option<WeightRounding> rounding{
      *this, "rounding",
      llvm::cl::desc("Weight rounding: nearest or gptq (default: gptq when "
                     "planning, nearest otherwise)"),
      weightRoundingValues()};
  Option<int64_t> gptqSamples{
      *this, "gptq-samples",
      llvm::cl::desc("Calibration samples GPTQ collects layer inputs on"),
      llvm::cl::init(256)};
  Option<double> gptqDamp{
      *this, "gptq-damp",
      llvm::cl::desc("GPTQ dampening: added to the Hessian's diagonal, "
                     "relative to its mean"),
      llvm::cl::init(0.01)};
  Option<RescaleRounding> rescaleRounding{
      *this, "rescale-rounding",
      llvm::cl::desc("Requantization rounding: double or single"),
      llvm::cl::init(RescaleRounding::Double), rescaleRoundingValues()};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Write the JSON report (sizes, per-layer bits and "
                     "SQNR) here")};
  Option<int64_t> reportSamples{
      *this, "report-samples",
      llvm::cl::desc("Calibration samples the report's SQNR is measured on"),
      llvm::cl::init(32)};
  Option<int64_t> accumulatorBits{
      *this, "accumulator-bits",
      llvm::cl::desc("Make every accumulator fit this many signed bits "
                     "(2..32) on any input (accumulator-aware "
                     "quantization), prove it and type the accumulators "
                     "iP; 0: no constraint"),
      llvm::cl::init(0)};
  ListOption<int64_t> sparsity{
      *this, "sparsity",
      llvm::cl::desc("Candidate sparsities in percent (0..99) the plan "
                     "combines with every weight width, e.g. 0,50,75,90; "
                     "default 0 (no pruning)")};
  Option<PrunePattern> sparsityPattern{
      *this, "sparsity-pattern",
      llvm::cl::desc("What pruning zeroes: unstructured, block4 (1x4 "
                     "blocks along the reduction) or 2:4"),
      llvm::cl::init(PrunePattern::Unstructured), prunePatternValues()};
  Option<PruneMethod> prune{
      *this, "prune",
      llvm::cl::desc("How planned sparsity is pruned: magnitude, or hessian "
                     "(SparseGPT, in GPTQ's sweep with rounding=gptq)"),
      llvm::cl::init(PruneMethod::Hessian), pruneMethodValues()};
  Option<int64_t> pruneSamples{
      *this, "prune-samples",
      llvm::cl::desc("Calibration samples prune=hessian collects layer "
                     "inputs on when rounding=nearest (with GPTQ it prunes "
                     "on gptq-samples)"),
      llvm::cl::init(128)};
  Option<std::string> planReport{
      *this, "plan-report",
      llvm::cl::desc("Write the plan, uniform widths and Pareto frontier as "
                     "JSON here")};
  Option<std::string> paretoSvg{
      *this, "pareto-svg",
      llvm::cl::desc("Draw the Pareto frontier of the plan as SVG here")};

  /// True when bit widths are planned rather than given.
  bool plans() const {
    return !targetSize.empty() || compressionRatio != 0.0 ||
           bopsBudget != 0 || weightBits.size() > 1 ||
           activationBits.size() > 1;
  }

  /// True when the plan may prune: a nonzero candidate sparsity.
  bool prunes() const {
    return llvm::any_of(sparsity, [](int64_t s) { return s != 0; });
  }

  /// The weight rounding: as given, else derived from `plans()`.
  WeightRounding effectiveRounding() const;
};

/// Checks the options that reach a pass under another name or only when
/// planning (`weight-bits`, `activation-bits`, `sensitivity-samples`,
/// `probes`, `tolerance`), reporting the first bad
/// one through `emitError`. The passes check the rest of their options
/// when the pass manager initializes them, before any pass runs.
mlir::LogicalResult verifyCompressPipelineOptions(
    const CompressPipelineOptions &options,
    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> emitError);

/// Float TOSA to a qint program: compress-cleanup, compress-calibrate,
/// with a budget compress-sensitivity and compress-plan, compress-quantize,
/// compress-pack-weights, then canonicalization and CSE of the result.
void buildCompressPipeline(mlir::OpPassManager &pm,
                           const CompressPipelineOptions &options);

/// Registers the named pipelines with the global pass registry.
void registerCompressPipelines();

} // namespace compress

#endif // COMPRESS_PIPELINES_PIPELINES_H
