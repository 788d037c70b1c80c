//===- OptionEnums.cpp - Spellings of enum-valued options -----------------===//
//
// One list of names per option enum; Passes.td and Pipelines.h both use
// these, so a pass and compress-pipeline cannot drift apart.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/OptionEnums.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

using namespace compress;
using llvm::cl::ValuesClass;

llvm::StringRef SensitivityMethod::kindName() const {
  switch (kind) {
  case Kind::Fisher:
    return "fisher";
  case Kind::Hutchinson:
    return "hutchinson";
  case Kind::Import:
    return "import";
  }
  llvm_unreachable("unknown sensitivity method");
}

std::optional<SensitivityMethod>
compress::parseSensitivityMethod(llvm::StringRef text) {
  SensitivityMethod method;
  if (text == "fisher")
    return method;
  if (text == "hutchinson") {
    method.kind = SensitivityMethod::Kind::Hutchinson;
    return method;
  }
  if (text.consume_front("import:") && !text.empty()) {
    method.kind = SensitivityMethod::Kind::Import;
    method.importPath = text.str();
    return method;
  }
  return std::nullopt;
}

llvm::raw_ostream &compress::operator<<(llvm::raw_ostream &os,
                                        const SensitivityMethod &method) {
  os << method.kindName();
  if (method.kind == SensitivityMethod::Kind::Import)
    os << ':' << method.importPath;
  return os;
}

bool llvm::cl::parser<SensitivityMethod>::parse(Option &option, StringRef,
                                                StringRef arg,
                                                SensitivityMethod &value) {
  std::optional<SensitivityMethod> parsed = parseSensitivityMethod(arg);
  if (!parsed)
    return option.error("'" + arg +
                        "' is not fisher, hutchinson or import:FILE.json");
  value = std::move(*parsed);
  return false;
}

void llvm::cl::parser<SensitivityMethod>::printOptionDiff(
    const Option &option, const SensitivityMethod &value,
    const OptionValue<SensitivityMethod> &, size_t globalWidth) const {
  printOptionName(option, globalWidth);
  llvm::outs() << "= " << value << '\n';
}

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
  return llvm::cl::values(clEnumValN(RescaleRounding::Double, "double",
                                     "tosa.rescale's DOUBLE_ROUND"),
                          clEnumValN(RescaleRounding::Single, "single",
                                     "tosa.rescale's SINGLE_ROUND"));
}

ValuesClass compress::prunePatternValues() {
  return llvm::cl::values(
      clEnumValN(PrunePattern::Unstructured, "unstructured", "any weights"),
      clEnumValN(PrunePattern::Block4, "block4",
                 "whole 1x4 blocks along the reduction dimension"),
      clEnumValN(PrunePattern::TwoFour, "2:4",
                 "two of every four along the reduction dimension"));
}

ValuesClass compress::pruneMethodValues() {
  return llvm::cl::values(
      clEnumValN(PruneMethod::Magnitude, "magnitude",
                 "the smallest magnitudes of each layer"),
      clEnumValN(PruneMethod::Hessian, "hessian",
                 "SparseGPT over the Hessian of each layer's inputs"));
}

ValuesClass compress::bufferArenaValues() {
  return llvm::cl::values(
      clEnumValN(BufferArena::Heap, "heap", "one arena allocated per call"),
      clEnumValN(BufferArena::Global, "global",
                 "a static arena; calls must not overlap"),
      clEnumValN(BufferArena::None, "none", "an allocation per buffer"));
}
