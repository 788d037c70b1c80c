//===- OptionEnums.h - Enums of pass and pipeline options -------*- C++ -*-===//
//
// The enums that pass options (Passes.td) and pipeline options
// (Pipelines.h) take, and the one list of spellings per enum that both
// hand to `llvm::cl::values`, so a pass and the pipeline that runs it
// accept the same names and reject anything else while the options are
// parsed, before any pass runs.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TRANSFORMS_OPTIONENUMS_H
#define COMPRESS_TRANSFORMS_OPTIONENUMS_H

#include "compress/Analysis/Calibration.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Evaluator/FixedPoint.h"

#include "llvm/Support/CommandLine.h"

namespace compress {

/// How compress-quantize rounds weights to integers.
enum class WeightRounding {
  /// Each weight to the nearest step of its channel's scale.
  Nearest,
  /// GPTQ: error feedback through the Hessian of the layer's inputs.
  Gptq,
};

/// Where compress-plan-buffers puts a function's temporary buffers.
enum class BufferArena {
  /// One arena allocated per call: the function stays reentrant.
  Heap,
  /// A private memref.global: calls must not overlap.
  Global,
  /// No arena: every buffer keeps its own allocation.
  None,
};

/// `minmax`, `percentile`, `mse` (compress-calibrate's `method`,
/// compress-pipeline's `calibration-method`).
llvm::cl::ValuesClass rangeMethodValues();
/// `max`, `mse` (`weight-clip`).
llvm::cl::ValuesClass weightClipValues();
/// `nearest`, `gptq` (`rounding`).
llvm::cl::ValuesClass weightRoundingValues();
/// `double`, `single` (`rescale-rounding`).
llvm::cl::ValuesClass rescaleRoundingValues();
/// `heap`, `global`, `none` (`arena`).
llvm::cl::ValuesClass bufferArenaValues();

} // namespace compress

#endif // COMPRESS_TRANSFORMS_OPTIONENUMS_H
