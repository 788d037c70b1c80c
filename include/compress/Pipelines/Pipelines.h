//===- Pipelines.h - Named compress pipelines --------------------*- C++ -*-===//
//
// Pipelines that string passes together. The driver (as named pipelines),
// the runner and embedders build exactly the same pass lists from these.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_PIPELINES_PIPELINES_H
#define COMPRESS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace compress {

/// Options of `compress-lower-to-llvm`.
struct LowerToLLVMPipelineOptions
    : public mlir::PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<bool> cleanup{*this, "cleanup",
                       llvm::cl::desc("Run compress-cleanup on the float "
                                      "graph first"),
                       llvm::cl::init(false)};
};

/// Lowers a module of float TOSA or qint functions (qint is first exported
/// to TOSA with convert-qint-to-tosa) to the LLVM dialect through
/// upstream's tosa-to-linalg path, one-shot bufferization (function
/// boundaries included) and the standard conversions to LLVM. The result
/// can be run with mlir::ExecutionEngine or translated to LLVM IR.
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
  Option<int64_t> weightBits{*this, "weight-bits",
                             llvm::cl::desc("Weight bits (1..8)"),
                             llvm::cl::init(8)};
  Option<int64_t> activationBits{*this, "activation-bits",
                                 llvm::cl::desc("Activation bits (4..8 or 16)"),
                                 llvm::cl::init(8)};
  Option<std::string> weightClip{
      *this, "weight-clip",
      llvm::cl::desc("Per-channel weight scales: max or mse"),
      llvm::cl::init("max")};
  Option<std::string> rounding{
      *this, "rounding",
      llvm::cl::desc("Requantization rounding: double or single"),
      llvm::cl::init("double")};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Write the JSON report (sizes, per-layer SQNR) here")};
};

/// Float TOSA to an int8 (or narrower) qint program: compress-cleanup,
/// compress-calibrate, compress-quantize, then canonicalization and CSE of
/// the result.
void buildCompressPipeline(mlir::OpPassManager &pm,
                           const CompressPipelineOptions &options);

/// Registers the named pipelines with the global pass registry.
void registerCompressPipelines();

} // namespace compress

#endif // COMPRESS_PIPELINES_PIPELINES_H
