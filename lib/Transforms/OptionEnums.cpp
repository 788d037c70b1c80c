//===- OptionEnums.cpp - Spellings of enum-valued options -----------------===//
//
// One list of names per option enum; Passes.td and Pipelines.h both use
// these, so a pass and compress-pipeline cannot drift apart.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/OptionEnums.h"

using namespace compress;
using llvm::cl::ValuesClass;

ValuesClass compress::rangeMethodValues() {
  return llvm::cl::values(
      clEnumValN(RangeMethod::MinMax, "minmax", "the observed extremes"),
      clEnumValN(RangeMethod::Percentile, "percentile",
                 "the central `percentile` of the values"),
      clEnumValN(RangeMethod::Mse, "mse",
                 "the range with the least clipping plus rounding error"));
}

ValuesClass compress::weightClipValues() {
  return llvm::cl::values(
      clEnumValN(qint::WeightClip::Max, "max",
                 "cover each channel's largest magnitude"),
      clEnumValN(qint::WeightClip::Mse, "mse",
                 "the clipping with the least squared error"));
}

ValuesClass compress::weightRoundingValues() {
  return llvm::cl::values(
      clEnumValN(WeightRounding::Nearest, "nearest", "round to nearest"),
      clEnumValN(WeightRounding::Gptq, "gptq",
                 "GPTQ error feedback on calibration samples"));
}

ValuesClass compress::rescaleRoundingValues() {
  return llvm::cl::values(
      clEnumValN(RescaleRounding::Double, "double",
                 "tosa.rescale's DOUBLE_ROUND"),
      clEnumValN(RescaleRounding::Single, "single",
                 "tosa.rescale's SINGLE_ROUND"));
}

ValuesClass compress::bufferArenaValues() {
  return llvm::cl::values(
      clEnumValN(BufferArena::Heap, "heap", "one arena allocated per call"),
      clEnumValN(BufferArena::Global, "global",
                 "a static arena; calls must not overlap"),
      clEnumValN(BufferArena::None, "none", "an allocation per buffer"));
}

