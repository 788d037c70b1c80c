//===- QIntToTosa.cpp - Export the qint dialect to TOSA -------------------===//
//
// Rewrites every `qint` op into standard integer TOSA that computes the same
// integers.
//
// `qint` was designed to map 1:1 onto TOSA wherever TOSA can express the
// program, and this file is that mapping: one pattern per op, and the
// pass. TosaBuilders.h has the op sequences the patterns share (constants,
// clamps, exact rescales, narrow accumulators in i32), Windows.h the exact
// tiling of window ops, ExportBlockers.cpp the reasons an op cannot be
// exported, PackedWeights.h the run-time decoding of packed weights.
//
// Exactness is the contract: what the VNNI kernels do not take (and
// everything, with kernels=tosa) reaches LLVM through this export and
// upstream's TOSA lowering, and its results must equal the reference
// evaluator's bit for bit. So where TOSA is stricter than `qint` (non-zero
// zero points only on i8 rescales, windows that tile the padded input
// exactly) the export adds exact steps around the TOSA op, and where TOSA
// cannot express an op at all (an accumulator wider than i32) it refuses
// with an error on that op instead of approximating.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToTosa/QIntToTosa.h"

#include "PackedWeights.h"
#include "TosaBuilders.h"
#include "Windows.h"

#include "compress/Dialect/Compression/IR/Compression.h"
#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstdint>

namespace compress {
#define GEN_PASS_DEF_CONVERTQINTTOTOSAPASS
#include "compress/Conversion/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::qint;
using namespace compress::qint_to_tosa;

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// Bails out of a pattern when TOSA cannot express `op`.
LogicalResult checkExportable(Operation *op, PatternRewriter &rewriter) {
  std::string reason = getQIntToTosaExportBlocker(op);
  if (!reason.empty())
    return rewriter.notifyMatchFailure(op, reason);
  return success();
}

struct WeightsOpConversion : OpConversionPattern<WeightsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(WeightsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Packed weights stay packed in the exported program and are decoded
    // when it runs; dense values are what tosa.const means. TOSA has no
    // sparse tensors, so sparse weights are exported dense.
    switch (op.getLayout()) {
    case WeightLayout::packed:
      rewriter.replaceOp(op, createPackedWeightsDecoding(rewriter, op));
      return success();
    case WeightLayout::sparse: {
      std::vector<int8_t> values = op.getUnpackedValues();
      rewriter.replaceOpWithNewOp<tosa::ConstOp>(
          op, op.getType(),
          DenseElementsAttr::get(op.getType(), ArrayRef<int8_t>(values)));
      return success();
    }
    case WeightLayout::dense:
      break;
    }
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(op, op.getType(),
                                               op.getValues());
    return success();
  }
};

/// conv2d and depthwise_conv2d: the same operands, attributes and
/// restrictions in qint and in TOSA.
template <typename QIntOp, typename TosaOp>
struct ConvolutionConversion : OpConversionPattern<QIntOp> {
  using OpConversionPattern<QIntOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<QIntOp>::OpAdaptor;

  LogicalResult
  matchAndRewrite(QIntOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    FailureOr<ExactWindows> fit =
        fitWindows(op.getInput().getType(),
                   dilatedExtent(kernelSize(op), op.getDilation()),
                   op.getStride(), op.getPad());
    assert(succeeded(fit) && "checked by checkExportable");
    Value input = dropUnread(rewriter, loc, adaptor.getInput(), *fit);
    unsigned accWidth =
        op.getOutput().getType().getElementType().getIntOrFloatBitWidth();
    RankedTensorType resultType = tosaAccumulatorType(op.getOutput().getType());
    Value bias = adaptor.getBias();
    if (bias)
      bias = widenBias(rewriter, loc, op.getBias(), bias);
    if (!bias) {
      // TOSA's bias is [OC], or [1] broadcast to every channel.
      int64_t channels = resultType.getDimSize(3);
      auto biasType = RankedTensorType::get(
          {ShapedType::isDynamic(channels) ? 1 : channels},
          resultType.getElementType());
      bias = tosa::ConstOp::create(
          rewriter, loc, biasType,
          DenseElementsAttr::get(
              biasType, ArrayRef<Attribute>(rewriter.getI32IntegerAttr(0))));
    }
    Type i8 = rewriter.getI8Type();
    Value inputZp =
        createZeroPoint(rewriter, loc, i8, op.getInputZpAttr().getInt());
    Value weightZp = createZeroPoint(rewriter, loc, i8, 0);
    Value result = TosaOp::create(
        rewriter, loc,
        resultType.clone(growSpatial(resultType.getShape(), fit->extra)), input,
        adaptor.getWeights(), bias, inputZp, weightZp, fit->pad, op.getStride(),
        op.getDilation(), resultType.getElementType());
    result = sliceLeading(rewriter, loc, result, resultType.getShape());
    rewriter.replaceOp(op, wrapToWidth(rewriter, loc, result, accWidth));
    return success();
  }
};

struct MatmulOpConversion : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    unsigned accWidth =
        op.getOutput().getType().getElementType().getIntOrFloatBitWidth();
    RankedTensorType resultType = tosaAccumulatorType(op.getOutput().getType());
    Type i8 = rewriter.getI8Type();
    Value lhsZp =
        createZeroPoint(rewriter, loc, i8, op.getLhsZpAttr().getInt());
    Value rhsZp =
        createZeroPoint(rewriter, loc, i8, op.getRhsZpAttr().getInt());
    Value result =
        tosa::MatMulOp::create(rewriter, loc, resultType, adaptor.getLhs(),
                               adaptor.getRhs(), lhsZp, rhsZp);
    if (Value bias = adaptor.getBias()) {
      bias = widenBias(rewriter, loc, op.getBias(), bias);
      // tosa.matmul has no bias: add it, broadcast over batch and rows.
      int64_t columns = cast<RankedTensorType>(bias.getType()).getDimSize(0);
      Value shape = tosa::getTosaConstShape(
          rewriter, loc, tosa::convertFromMlirShape({1, 1, columns}));
      Value row = tosa::ReshapeOp::create(
          rewriter, loc,
          RankedTensorType::get({1, 1, columns}, resultType.getElementType()),
          bias, shape);
      result = tosa::AddOp::create(rewriter, loc, resultType, result, row);
    }
    rewriter.replaceOp(op, wrapToWidth(rewriter, loc, result, accWidth));
    return success();
  }
};

struct RequantizeOpConversion : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RescaleSpec spec{op.getInputZpAttr().getInt(),
                     op.getMultiplier(),
                     op.getShift(),
                     op.getRounding(),
                     op.getOutputZpAttr().getInt(),
                     op.getClampMinAttr().getInt(),
                     op.getClampMaxAttr().getInt()};
    rewriter.replaceOp(op,
                       createRescale(rewriter, op.getLoc(), adaptor.getInput(),
                                     spec, op.getOutput().getType()));
    return success();
  }
};

struct AddOpConversion : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getOutput().getType();
    RankedTensorType i32Type = resultType.clone(rewriter.getI32Type());
    auto [i32Min, i32Max] = signedRange(rewriter.getI32Type());
    // The I32Attr/I8Attr getters return unsigned values: read the
    // attributes' signed values.
    auto toI32 = [&](Value operand, int64_t zp, IntegerAttr multiplierAttr,
                     IntegerAttr shiftAttr) {
      int32_t multiplier = int32_t(multiplierAttr.getInt());
      int8_t shift = int8_t(shiftAttr.getInt());
      RescaleSpec spec{zp,
                       multiplier,
                       shift,
                       op.getRounding(),
                       /*outputZp=*/0,
                       i32Min,
                       i32Max};
      return createRescale(rewriter, loc, operand, spec, i32Type);
    };
    Value lhs = toI32(adaptor.getLhs(), op.getLhsZpAttr().getInt(),
                      op.getLhsMultiplierAttr(), op.getLhsShiftAttr());
    Value rhs = toI32(adaptor.getRhs(), op.getRhsZpAttr().getInt(),
                      op.getRhsMultiplierAttr(), op.getRhsShiftAttr());
    Value sum = tosa::AddOp::create(rewriter, loc, i32Type, lhs, rhs);
    int32_t multiplier = int32_t(op.getOutputMultiplierAttr().getInt());
    int8_t shift = int8_t(op.getOutputShiftAttr().getInt());
    RescaleSpec spec{0,
                     multiplier,
                     shift,
                     op.getRounding(),
                     op.getOutputZpAttr().getInt(),
                     op.getClampMinAttr().getInt(),
                     op.getClampMaxAttr().getInt()};
    rewriter.replaceOp(op, createRescale(rewriter, loc, sum, spec, resultType));
    return success();
  }
};

struct MaxPool2DOpConversion : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    FailureOr<ExactWindows> fit = fitWindows(
        op.getInput().getType(), op.getKernel(), op.getStride(), op.getPad());
    assert(succeeded(fit) && "checked by checkExportable");
    assert(fit->extra[0] == 0 && fit->extra[1] == 0 &&
           "every pooling window reads the input");
    Value input = dropUnread(rewriter, op.getLoc(), adaptor.getInput(), *fit);
    rewriter.replaceOpWithNewOp<tosa::MaxPool2dOp>(op, op.getOutput().getType(),
                                                   input, op.getKernel(),
                                                   op.getStride(), fit->pad);
    return success();
  }
};

struct AvgPool2DOpConversion : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    FailureOr<ExactWindows> fit = fitWindows(
        op.getInput().getType(), op.getKernel(), op.getStride(), op.getPad());
    assert(succeeded(fit) && "checked by checkExportable");
    assert(fit->extra[0] == 0 && fit->extra[1] == 0 &&
           "every pooling window reads the input");
    Value input = dropUnread(rewriter, loc, adaptor.getInput(), *fit);
    Type elementType = op.getInput().getType().getElementType();
    Value inputZp = createZeroPoint(rewriter, loc, elementType,
                                    op.getInputZpAttr().getInt());
    Value outputZp = createZeroPoint(rewriter, loc, elementType,
                                     op.getOutputZpAttr().getInt());
    rewriter.replaceOpWithNewOp<tosa::AvgPool2dOp>(
        op, op.getOutput().getType(), input, inputZp, outputZp, op.getKernel(),
        op.getStride(), fit->pad, op.getAccType());
    return success();
  }
};

/// The op's definition, step by step: tosa.mul by float(1 / scale),
/// tosa.cast to i32 (round half to even, saturating), tosa.clamp to the
/// bounds shifted by the zero point, tosa.add of the zero point and an exact
/// narrowing tosa.cast.
struct QuantizeOpConversion : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = inputType.getRank();
    Type i32 = rewriter.getI32Type();
    RankedTensorType i32Type = inputType.clone(i32);
    // The reciprocal is computed in f64 and rounded once to f32.
    float inverse = float(1.0 / op.getScale().convertToDouble());
    Value inverseValue =
        createSplat(rewriter, loc, rank, rewriter.getF32FloatAttr(inverse));
    Value noShift = createNoShift(rewriter, loc);
    Value scaled = tosa::MulOp::create(
        rewriter, loc, inputType, adaptor.getInput(), inverseValue, noShift);
    Value rounded = tosa::CastOp::create(rewriter, loc, i32Type, scaled);
    int64_t zp = op.getZeroPointAttr().getInt();
    auto [qmin, qmax] = op.getClampBounds();
    Value clamped = createIntClamp(rewriter, loc, rounded, qmin - zp, qmax - zp);
    Value shifted = tosa::AddOp::create(
        rewriter, loc, i32Type, clamped,
        createSplat(rewriter, loc, rank, rewriter.getI32IntegerAttr(zp)));
    rewriter.replaceOpWithNewOp<tosa::CastOp>(op, op.getOutput().getType(),
                                              shifted);
    return success();
  }
};

/// `float(q - zero_point) * float(scale)`: tosa.cast to i32 (exact for the
/// narrower inputs), tosa.sub of the zero point (exact: it cannot overflow
/// for i8 and i16, and is 0 for i32), tosa.cast to f32 (one rounding) and
/// tosa.mul by the f32 scale.
struct DequantizeOpConversion : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkExportable(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType resultType = op.getOutput().getType();
    int64_t rank = inputType.getRank();
    RankedTensorType i32Type = inputType.clone(rewriter.getI32Type());
    // A narrowed accumulator arrives as i32 already.
    Value value = adaptor.getInput();
    if (value.getType() != i32Type)
      value = tosa::CastOp::create(rewriter, loc, i32Type, value);
    value =
        tosa::SubOp::create(rewriter, loc, i32Type, value,
                            createSplat(rewriter, loc, rank,
                                        rewriter.getI32IntegerAttr(int32_t(
                                            op.getZeroPointAttr().getInt()))));
    value = tosa::CastOp::create(rewriter, loc, resultType, value);
    float scale = float(op.getScale().convertToDouble());
    Value scaleValue =
        createSplat(rewriter, loc, rank, rewriter.getF32FloatAttr(scale));
    Value noShift = createNoShift(rewriter, loc);
    rewriter.replaceOpWithNewOp<tosa::MulOp>(op, resultType, value, scaleValue,
                                             noShift);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQIntToTosaPass
    : public compress::impl::ConvertQIntToTosaPassBase<ConvertQIntToTosaPass> {
  using ConvertQIntToTosaPassBase::ConvertQIntToTosaPassBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    // Report every op TOSA cannot express, with the reason, before touching
    // the IR: the conversion driver would only say it failed to legalize.
    bool exportable = true;
    unsigned numQIntOps = 0;
    root->walk([&](Operation *op) {
      if (!isa_and_nonnull<QIntDialect>(op->getDialect()))
        return;
      ++numQIntOps;
      std::string reason = getQIntToTosaExportBlocker(op);
      if (reason.empty())
        return;
      op->emitOpError("cannot be exported to TOSA: ") << reason;
      exportable = false;
    });
    if (!exportable)
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addIllegalDialect<QIntDialect>();
    target.addLegalDialect<tosa::TosaDialect>();
    RewritePatternSet patterns(&getContext());
    populateQIntToTosaConversionPatterns(patterns);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      return signalPassFailure();
    numOpsExported += numQIntOps;
    stripCompressionAttributes(root);
  }

  /// Removes `compress.*` discardable attributes, including function
  /// argument attributes: consumers of the export do not know the dialect.
  static void stripCompressionAttributes(Operation *root) {
    // By name, not by getNameDialect(): the dialect need not be loaded
    // when the attributes were parsed, e.g. a `compress.layer` string.
    auto isOurs = [](NamedAttribute attr) {
      StringRef name = attr.getName().getValue();
      return name.consume_front(CompressionDialect::getDialectNamespace()) &&
             name.starts_with(".");
    };
    root->walk([&](Operation *op) {
      for (NamedAttribute attr : llvm::to_vector(op->getDiscardableAttrs()))
        if (isOurs(attr))
          op->removeDiscardableAttr(attr.getName());
      if (auto func = dyn_cast<FunctionOpInterface>(op))
        for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
          for (NamedAttribute attr : llvm::to_vector(func.getArgAttrs(i)))
            if (isOurs(attr))
              func.removeArgAttr(i, attr.getName());
    });
  }
};

} // namespace

void compress::populateQIntToTosaConversionPatterns(
    RewritePatternSet &patterns) {
  patterns
      .add<WeightsOpConversion, ConvolutionConversion<Conv2DOp, tosa::Conv2DOp>,
           ConvolutionConversion<DepthwiseConv2DOp, tosa::DepthwiseConv2DOp>,
           MatmulOpConversion, RequantizeOpConversion, AddOpConversion,
           MaxPool2DOpConversion, AvgPool2DOpConversion, QuantizeOpConversion,
           DequantizeOpConversion>(patterns.getContext());
}
