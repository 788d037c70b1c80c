//===- Pipelines.h - Named compress pipelines --------------------*- C++ -*-===//
//
// Pipelines that string passes together. The driver (as named pipelines),
// the runner and embedders build exactly the same pass lists from these.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_PIPELINES_PIPELINES_H
#define COMPRESS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <optional>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace compress {

/// Kernels compress-lower-to-llvm gives qint convolutions and matmuls.
enum class LoweringKernels { Tosa, X86Vnni };
/// Where compress-lower-to-llvm puts temporary buffers
/// (compress-plan-buffers).
enum class BufferArena { Heap, Global, None };

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
      llvm::cl::init(LoweringKernels::Tosa),
      llvm::cl::values(
          clEnumValN(LoweringKernels::Tosa, "tosa",
                     "upstream's TOSA lowering, any CPU"),
          clEnumValN(LoweringKernels::X86Vnni, "x86-vnni",
                     "convert-qint-to-x86, needs AVX-512 VNNI"))};
  Option<BufferArena> arena{
      *this, "arena", llvm::cl::desc("Where temporary buffers live"),
      llvm::cl::init(BufferArena::Heap),
      llvm::cl::values(
          clEnumValN(BufferArena::Heap, "heap", "one arena allocated per call"),
          clEnumValN(BufferArena::Global, "global",
                     "a static arena; calls must not overlap"),
          clEnumValN(BufferArena::None, "none", "an allocation per buffer"))};
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

/// Options of `compress-pipeline`.
struct CompressPipelineOptions
    : public mlir::PassPipelineOptions<CompressPipelineOptions> {
  Option<std::string> calibration{
      *this, "calibration",
      llvm::cl::desc("Calibration samples (.npy), one per entry of the first "
                     "axis (required)")};
  Option<int64_t> samples{*this, "samples",
                          llvm::cl::desc("Calibrate on the first N samples "
                                         "(0: all)"),
                          llvm::cl::init(0)};
  Option<std::string> calibrationMethod{
      *this, "calibration-method",
      llvm::cl::desc("Activation ranges: minmax, percentile or mse"),
      llvm::cl::init("mse")};
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
  Option<std::string> sensitivity{
      *this, "sensitivity",
      llvm::cl::desc("Layer sensitivity for planning: fisher, hutchinson or "
                     "import:FILE.json"),
      llvm::cl::init("fisher")};
  Option<int64_t> sensitivitySamples{
      *this, "sensitivity-samples",
      llvm::cl::desc("Calibration samples the sensitivity uses (0: all)"),
      llvm::cl::init(256)};
  Option<std::string> weightClip{
      *this, "weight-clip",
      llvm::cl::desc("Per-channel weight scales: max or mse"),
      llvm::cl::init("max")};
  Option<std::string> rounding{
      *this, "rounding",
      llvm::cl::desc("Weight rounding: nearest or gptq (default: gptq when "
                     "planning, nearest otherwise)")};
  Option<int64_t> gptqSamples{
      *this, "gptq-samples",
      llvm::cl::desc("Calibration samples GPTQ collects layer inputs on"),
      llvm::cl::init(256)};
  Option<std::string> rescaleRounding{
      *this, "rescale-rounding",
      llvm::cl::desc("Requantization rounding: double or single"),
      llvm::cl::init("double")};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Write the JSON report (sizes, per-layer bits and "
                     "SQNR) here")};
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
};

/// Float TOSA to a qint program: compress-cleanup, compress-calibrate,
/// with a budget compress-sensitivity and compress-plan, compress-quantize,
/// compress-pack-weights, then canonicalization and CSE of the result.
void buildCompressPipeline(mlir::OpPassManager &pm,
                           const CompressPipelineOptions &options);

/// Registers the named pipelines with the global pass registry.
void registerCompressPipelines();

} // namespace compress

#endif // COMPRESS_PIPELINES_PIPELINES_H
