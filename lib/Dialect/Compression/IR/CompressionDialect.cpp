//===- CompressionDialect.cpp - Compression dialect -----------------------===//
//
// Registration and verifiers of the `compress` dialect's attributes, and
// the lookup of the calibrated range of a value.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compression/IR/Compression.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace compress;

#include "compress/Dialect/Compression/IR/CompressionOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/Compression/IR/CompressionAttrs.cpp.inc"

void CompressionDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "compress/Dialect/Compression/IR/CompressionAttrs.cpp.inc"
      >();
}

LogicalResult
ValueRangeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       APFloat minValue, APFloat maxValue, StringRef method,
                       int64_t samples) {
  double min = minValue.convertToDouble(), max = maxValue.convertToDouble();
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    return emitError() << "range needs finite min <= max, got [" << min
                       << ", " << max << "]";
  if (method != "minmax" && method != "percentile" && method != "mse")
    return emitError() << "range method must be minmax, percentile or mse, "
                          "got '"
                       << method << "'";
  if (samples < 0)
    return emitError() << "sample count must be non-negative";
  return success();
}

LogicalResult
SensitivityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        APFloat traceValue, APFloat activationTraceValue,
                        StringRef method, int64_t samples) {
  double trace = traceValue.convertToDouble();
  double activationTrace = activationTraceValue.convertToDouble();
  if (method != "fisher" && method != "hutchinson" && method != "import")
    return emitError() << "sensitivity method must be fisher, hutchinson or "
                          "import, got '"
                       << method << "'";
  if (!std::isfinite(trace) || trace < 0)
    return emitError() << "sensitivity trace must be finite and "
                          "non-negative, got "
                       << trace;
  if (!std::isfinite(activationTrace) || activationTrace < 0)
    return emitError() << "sensitivity activation trace must be finite and "
                          "non-negative, got "
                       << activationTrace;
  if (samples < 0)
    return emitError() << "sample count must be non-negative";
  return success();
}

LogicalResult
LayerPlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      int64_t weightBits, int64_t activationBits,
                      APFloat sparsityValue) {
  double sparsity = sparsityValue.convertToDouble();
  if (weightBits < 1 || weightBits > 8)
    return emitError() << "weight_bits must be in [1, 8], got " << weightBits;
  if (activationBits < 4 || activationBits > 16)
    return emitError() << "activation_bits must be in [4, 16], got "
                       << activationBits;
  if (!(sparsity >= 0.0 && sparsity < 1.0))
    return emitError() << "sparsity must be in [0, 1), got " << sparsity;
  return success();
}

ValueRangeAttr compress::getCalibratedRange(Value value) {
  // Without the dialect no range can have been recorded.
  auto *dialect = value.getContext()->getLoadedDialect<CompressionDialect>();
  if (!dialect)
    return nullptr;
  auto rangeAttr = dialect->getRangeAttrHelper();
  if (Operation *op = value.getDefiningOp())
    return op->getNumResults() == 1 ? rangeAttr.getAttr(op) : nullptr;
  // Only function arguments carry ranges, not those of nested blocks.
  auto arg = cast<BlockArgument>(value);
  Block *block = arg.getOwner();
  auto func = dyn_cast_or_null<FunctionOpInterface>(block->getParentOp());
  if (!func || block != &func.getFunctionBody().front())
    return nullptr;
  return func.getArgAttrOfType<ValueRangeAttr>(arg.getArgNumber(),
                                               rangeAttr.getName());
}
