//===- ExportBlockers.cpp - What TOSA cannot express ----------------------===//
//
// The reasons `convert-qint-to-tosa` refuses an op, which it reports for
// every op before it rewrites any, and which the patterns check again.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToTosa/QIntToTosa.h"

#include "Windows.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace compress;
using namespace compress::qint;
using namespace compress::qint_to_tosa;

/// Why an accumulating op with these element types has no TOSA equivalent.
static std::string accumulatorBlocker(ArrayRef<Type> operandTypes,
                                      Type accumulatorType) {
  for (Type type : operandTypes)
    if (!type.isInteger(8))
      return llvm::formatv("{0} operands accumulate in i48 in TOSA; only i8 "
                           "operands with accumulators of at most 32 bits "
                           "are exported",
                           type)
          .str();
  if (accumulatorType.getIntOrFloatBitWidth() > 32)
    return llvm::formatv("the {0} accumulator has no TOSA equivalent: TOSA "
                         "accumulates i8 products in i32",
                         accumulatorType)
        .str();
  return {};
}

/// Why an accumulator narrower than i32 cannot be exported where it is
/// read: TOSA computes it in i32, so only ops whose export reads the i32
/// value (requantize and dequantize) can take it.
static std::string narrowUsersBlocker(Value result) {
  Type accumulatorType = getElementTypeOrSelf(result.getType());
  if (accumulatorType.getIntOrFloatBitWidth() >= 32)
    return {};
  for (Operation *user : result.getUsers())
    if (!isa<RequantizeOp, DequantizeOp>(user))
      return llvm::formatv("the {0} accumulator is read by '{1}'; TOSA has "
                           "no {0}, so it is computed in i32, which only "
                           "qint.requantize and qint.dequantize can read",
                           accumulatorType, user->getName().getStringRef())
          .str();
  return {};
}

/// Why the bias of an accumulator narrower than i32 cannot be widened to
/// the i32 bias TOSA takes: it must be a constant.
static std::string narrowBiasBlocker(Value bias, Type accumulatorType) {
  DenseIntElementsAttr values;
  if (!bias || accumulatorType.getIntOrFloatBitWidth() >= 32 ||
      matchPattern(bias, m_Constant(&values)))
    return {};
  return llvm::formatv("the bias of the {0} accumulator is not a constant, "
                       "so it cannot be widened to TOSA's i32",
                       accumulatorType)
      .str();
}

/// Why an accumulating op reading `input` and `weights` with `bias` into
/// `output` cannot be exported: its accumulator type, a narrow accumulator's
/// bias or its readers.
static std::string accumulatingBlocker(Value input, Value weights, Value bias,
                                       Value output) {
  Type accType = getElementTypeOrSelf(output.getType());
  std::string reason = accumulatorBlocker(
      {getElementTypeOrSelf(input.getType()),
       getElementTypeOrSelf(weights.getType())},
      accType);
  if (reason.empty())
    reason = narrowBiasBlocker(bias, accType);
  if (reason.empty())
    reason = narrowUsersBlocker(output);
  return reason;
}

std::string compress::getQIntToTosaExportBlocker(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::string>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp>([&](auto conv) {
        std::string reason =
            accumulatingBlocker(conv.getInput(), conv.getWeights(),
                                conv.getBias(), conv.getOutput());
        if (reason.empty())
          (void)fitWindows(conv.getInput().getType(),
                           dilatedExtent(kernelSize(op), conv.getDilation()),
                           conv.getStride(), conv.getPad(), &reason);
        return reason;
      })
      .Case([](MatmulOp matmul) {
        return accumulatingBlocker(matmul.getLhs(), matmul.getRhs(),
                                   matmul.getBias(), matmul.getOutput());
      })
      .Case([](MaxPool2DOp pool) {
        std::string reason;
        (void)fitWindows(pool.getInput().getType(), pool.getKernel(),
                         pool.getStride(), pool.getPad(), &reason);
        return reason;
      })
      .Case([](AvgPool2DOp pool) {
        int64_t inputZp = pool.getInputZpAttr().getInt();
        int64_t outputZp = pool.getOutputZpAttr().getInt();
        Type elementType = pool.getInput().getType().getElementType();
        if (!elementType.isInteger(8) && (inputZp != 0 || outputZp != 0))
          return llvm::formatv("tosa.avg_pool2d takes zero points only on "
                               "i8, got input_zp {0} and output_zp {1} on {2}",
                               inputZp, outputZp, elementType)
              .str();
        std::string reason;
        (void)fitWindows(pool.getInput().getType(), pool.getKernel(),
                         pool.getStride(), pool.getPad(), &reason);
        return reason;
      })
      .Case([](DequantizeOp dequantize) {
        Type elementType = dequantize.getInput().getType().getElementType();
        unsigned width = elementType.getIntOrFloatBitWidth();
        if (width > 32)
          return llvm::formatv("the {0} input has no TOSA equivalent: TOSA "
                               "converts integers of at most 32 bits to float",
                               elementType)
              .str();
        int64_t zp = dequantize.getZeroPointAttr().getInt();
        if (width == 32 && zp != 0)
          return llvm::formatv("q - zero_point ({0}) can overflow i32, the "
                               "widest integer TOSA subtracts in",
                               zp)
              .str();
        return std::string();
      })
      .Default([](Operation *) { return std::string(); });
}

