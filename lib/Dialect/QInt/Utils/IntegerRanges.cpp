//===- IntegerRanges.cpp - Integer range analysis of a function -----------===//

#include "compress/Dialect/QInt/Utils/IntegerRanges.h"

#include "mlir/Analysis/DataFlow/ConstantPropagationAnalysis.h"
#include "mlir/Analysis/DataFlow/DeadCodeAnalysis.h"
#include "mlir/Analysis/DataFlow/IntegerRangeAnalysis.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace compress::qint;

LogicalResult IntegerRanges::run(func::FuncOp func) {
  // The function is analysed on its own, possibly in parallel with others,
  // so the solver must not enter callees.
  solver = std::make_unique<DataFlowSolver>(
      DataFlowConfig().setInterprocedural(false));
  // Dead code analysis marks the blocks the range analysis visits. It
  // decides branches from the constant lattice, which sparse constant
  // propagation fills in (and the range analysis refines when a range
  // narrows to one value): without it, a branch on a value that has no
  // integer range is never decided and the blocks behind it stay dead.
  solver->load<dataflow::DeadCodeAnalysis>();
  solver->load<dataflow::SparseConstantPropagation>();
  solver->load<dataflow::IntegerRangeAnalysis>();
  return solver->initializeAndRun(func);
}

std::optional<ConstantIntRanges>
IntegerRanges::proven(Value value) const {
  const auto *lattice =
      solver ? solver->lookupState<dataflow::IntegerValueRangeLattice>(value)
             : nullptr;
  if (!lattice || lattice->getValue().isUninitialized())
    return std::nullopt;
  return lattice->getValue().getValue();
}

ConstantIntRanges IntegerRanges::rangeOf(Value value) const {
  if (std::optional<ConstantIntRanges> range = proven(value))
    return *range;
  return ConstantIntRanges::maxRange(
      getElementTypeOrSelf(value.getType()).getIntOrFloatBitWidth());
}
