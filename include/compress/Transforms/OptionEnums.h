//===- OptionEnums.h - Enums of pass and pipeline options -------*- C++ -*-===//
//
// The enums that pass options (Passes.td) and pipeline options
// (Pipelines.h) take, and the one list of spellings per enum that both
// hand to `llvm::cl::values`, so a pass and the pipeline that runs it
// accept the same names and reject anything else while the options are
// parsed, before any pass runs. compress-sensitivity's method, which
// carries a file name after `import:`, has a parser of its own to the same
// end.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TRANSFORMS_OPTIONENUMS_H
#define COMPRESS_TRANSFORMS_OPTIONENUMS_H

#include "compress/Analysis/Calibration.h"
#include "compress/Analysis/Pruning.h"
#include "compress/Dialect/QInt/Utils/QuantizationMath.h"
#include "compress/Support/FixedPoint.h"

#include "llvm/Support/CommandLine.h"

namespace compress {

/// How compress-quantize rounds weights to integers.
enum class WeightRounding {
  /// Each weight to the nearest step of its channel's scale.
  Nearest,
  /// GPTQ: error feedback through the Hessian of the layer's inputs.
  Gptq,
};

/// How compress-prune chooses the weights to zero.
enum class PruneMethod {
  /// The smallest magnitudes of the layer.
  Magnitude,
  /// SparseGPT: the smallest OBS saliency over the Hessian of the layer's
  /// inputs, with the kept weights updated to make up for them.
  Hessian,
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

/// compress-sensitivity's method: `fisher`, `hutchinson` or
/// `import:FILE.json`.
struct SensitivityMethod {
  enum class Kind { Fisher, Hutchinson, Import };
  Kind kind = Kind::Fisher;
  /// The JSON file of `import:`.
  std::string importPath;

  /// `fisher`, `hutchinson` or `import`, as `#compress.sensitivity` records
  /// it.
  llvm::StringRef kindName() const;

  bool operator==(const SensitivityMethod &other) const {
    return kind == other.kind && importPath == other.importPath;
  }
};

/// Parses `fisher`, `hutchinson` or `import:FILE.json` (a file required).
std::optional<SensitivityMethod> parseSensitivityMethod(llvm::StringRef text);

/// Prints the method as parseSensitivityMethod reads it.
llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                              const SensitivityMethod &method);

/// `minmax`, `percentile`, `mse` (compress-calibrate's `method`,
/// compress-pipeline's `calibration-method`).
llvm::cl::ValuesClass rangeMethodValues();
/// `max`, `mse` (`weight-clip`).
llvm::cl::ValuesClass weightClipValues();
/// `nearest`, `gptq` (`rounding`).
llvm::cl::ValuesClass weightRoundingValues();
/// `double`, `single` (`rescale-rounding`).
llvm::cl::ValuesClass rescaleRoundingValues();
/// `unstructured`, `block4`, `2:4` (compress-prune's `pattern`).
llvm::cl::ValuesClass prunePatternValues();
/// `magnitude`, `hessian` (compress-prune's `method`).
llvm::cl::ValuesClass pruneMethodValues();
/// `heap`, `global`, `none` (`arena`).
llvm::cl::ValuesClass bufferArenaValues();

/// The value `values` (one of the lists above) gives the spelling `name`,
/// for options read as strings first (a tool's flag, an embedder's
/// setting); nothing if `values` has no such spelling.
template <typename Enum>
std::optional<Enum> parseOptionValue(const llvm::cl::ValuesClass &values,
                                     llvm::StringRef name) {
  // ValuesClass hands its literals only to an option's parser.
  struct Literals {
    llvm::StringRef name;
    std::optional<Enum> found;
    Literals &getParser() { return *this; }
    void addLiteralOption(llvm::StringRef literal, int value,
                          llvm::StringRef) {
      if (literal == name)
        found = Enum(value);
    }
  } literals{name, std::nullopt};
  values.apply(literals);
  return literals.found;
}

} // namespace compress

namespace llvm::cl {
/// Reads compress-sensitivity's `method` and compress-pipeline's
/// `sensitivity`, rejecting anything else with the option named.
template <>
class parser<compress::SensitivityMethod>
    : public basic_parser<compress::SensitivityMethod> {
public:
  parser(Option &option) : basic_parser(option) {}

  /// Returns true on error, as cl parsers do.
  bool parse(Option &option, StringRef argName, StringRef arg,
             compress::SensitivityMethod &value);
  StringRef getValueName() const override {
    return "fisher|hutchinson|import:FILE.json";
  }
  void printOptionDiff(const Option &option,
                       const compress::SensitivityMethod &value,
                       const OptionValue<compress::SensitivityMethod> &,
                       size_t globalWidth) const;
};
} // namespace llvm::cl

#endif // COMPRESS_TRANSFORMS_OPTIONENUMS_H
