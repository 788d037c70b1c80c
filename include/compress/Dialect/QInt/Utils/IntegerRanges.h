//===- IntegerRanges.h - Integer range analysis of a function ---*- C++ -*-===//
//
// MLIR's dataflow integer range analysis as compress runs it over one
// function: with dead code analysis and sparse constant propagation (as
// `-int-range-optimizations` loads them, so that branches on constants are
// decided), and not across calls, whose results get their type's whole
// range. The qint ops' InferIntRangeInterface implementations give the
// ranges; compress-annotate-int-ranges, compress-narrow-accumulators and
// compress-quantize's accumulator budget all read them through this, so
// they see the same ranges.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_UTILS_INTEGERRANGES_H
#define COMPRESS_DIALECT_QINT_UTILS_INTEGERRANGES_H

#include "mlir/Analysis/DataFlowFramework.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"

#include <memory>
#include <optional>

namespace compress::qint {

class IntegerRanges {
public:
  /// Runs the analysis over `func`; fails if the solver does.
  mlir::LogicalResult run(mlir::func::FuncOp func);
  /// The range proven for `value`, or nothing when the analysis has none
  /// (a value that is not an integer, or in unreachable code).
  std::optional<mlir::ConstantIntRanges> proven(mlir::Value value) const;
  /// The range proven for integer `value`, or its type's whole range.
  mlir::ConstantIntRanges rangeOf(mlir::Value value) const;

private:
  std::unique_ptr<mlir::DataFlowSolver> solver;
};

} // namespace compress::qint

#endif // COMPRESS_DIALECT_QINT_UTILS_INTEGERRANGES_H
