//===- KernelMatching.cpp - qint ops to kernel descriptions ---------------===//
//
// Reads a qint.conv2d, depthwise_conv2d or matmul with constant weights and
// an accumulator of at most 32 bits (narrower ones only with a requantize
// to read them), and the requantize and residual add that consume it, into
// a KernelSpec. Anything else is left for the TOSA path.
//
//===----------------------------------------------------------------------===//

#include "KernelSpec.h"

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <type_traits>

using namespace mlir;
using namespace compress;
using namespace compress::qint;
using namespace compress::x86;

/// The values of a constant i8 tensor: `qint.weights` (any layout) or a
/// constant-like op.
static std::optional<std::vector<int8_t>> getConstantWeights(Value value) {
  if (auto weights = value.getDefiningOp<WeightsOp>())
    return weights.getUnpackedValues();
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isInteger(8))
    return std::nullopt;
  std::vector<int8_t> values;
  values.reserve(attr.getNumElements());
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(int8_t(v.getSExtValue()));
  return values;
}

static bool isStaticOf(Type type, unsigned width) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         tensor.getElementType().isInteger(width);
}

/// The width of a static accumulator of at most 32 bits, or 0.
static unsigned accumulatorBits(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() ||
      !tensor.getElementType().isSignlessInteger())
    return 0;
  unsigned width = tensor.getElementType().getIntOrFloatBitWidth();
  return width <= 32 ? width : 0;
}

/// Records the accumulator width; one narrower than i32 needs the fused
/// requantize, which reads it in registers (the kernels store only i32 or
/// i8 results).
static std::optional<KernelSpec> withAccumulator(KernelSpec spec,
                                                 unsigned bits) {
  spec.accBits = bits;
  if (bits < 32 && !spec.requantize)
    return std::nullopt;
  return spec;
}

/// The requantize (and residual add after it) that the kernel producing
/// `acc` can apply in its epilogue, recorded in `spec`.
static void matchEpilogue(Value acc, KernelSpec &spec) {
  spec.root = acc.getDefiningOp();
  if (!acc.hasOneUse())
    return;
  auto requantize = dyn_cast<RequantizeOp>(*acc.getUsers().begin());
  if (!requantize || !isStaticOf(requantize.getType(), 8))
    return;
  spec.requantize =
      Rescale{SmallVector<int32_t>(requantize.getMultiplier()),
              SmallVector<int8_t>(requantize.getShift()),
              requantize.getRounding(),
              requantize.getInputZpAttr().getInt(),
              requantize.getOutputZpAttr().getInt(),
              requantize.getClampMinAttr().getInt(),
              requantize.getClampMaxAttr().getInt()};
  spec.root = requantize;
  spec.replaced.push_back(requantize);

  Value result = requantize.getResult();
  if (!result.hasOneUse())
    return;
  auto add = dyn_cast<AddOp>(*result.getUsers().begin());
  if (!add || add.getLhs() == add.getRhs() || !isStaticOf(add.getType(), 8) ||
      !isStaticOf(add.getLhs().getType(), 8) ||
      !isStaticOf(add.getRhs().getType(), 8))
    return;
  RescaleRounding rounding = add.getRounding();
  auto side = [&](IntegerAttr multiplier, IntegerAttr shift, int64_t zp) {
    return Rescale{{int32_t(multiplier.getInt())},
                   {int8_t(shift.getInt())},
                   rounding,
                   zp,
                   0,
                   INT32_MIN,
                   INT32_MAX};
  };
  Rescale lhs = side(add.getLhsMultiplierAttr(), add.getLhsShiftAttr(),
                     add.getLhsZpAttr().getInt());
  Rescale rhs = side(add.getRhsMultiplierAttr(), add.getRhsShiftAttr(),
                     add.getRhsZpAttr().getInt());
  Rescale output = side(add.getOutputMultiplierAttr(),
                        add.getOutputShiftAttr(), 0);
  output.outputZp = add.getOutputZpAttr().getInt();
  output.lo = add.getClampMinAttr().getInt();
  output.hi = add.getClampMaxAttr().getInt();
  bool kernelIsLhs = add.getLhs() == result;
  spec.add = ResidualAdd{kernelIsLhs ? add.getRhs() : add.getLhs(),
                         kernelIsLhs ? lhs : rhs, kernelIsLhs ? rhs : lhs,
                         output};
  spec.root = add;
  spec.replaced.push_back(add);
}

/// Fills in `spec.bias` from an optional i32 constant bias.
static bool readBias(Value bias, int64_t channels, KernelSpec &spec) {
  spec.bias.assign(channels, 0);
  if (!bias)
    return true;
  DenseIntElementsAttr attr;
  if (!matchPattern(bias, m_Constant(&attr)) ||
      attr.getNumElements() != channels)
    return false;
  for (auto [i, v] : llvm::enumerate(attr.getValues<APInt>()))
    spec.bias[i] = v.getSExtValue();
  return true;
}

/// A convolution (OHWI weights) or a depthwise convolution with one output
/// channel per input channel (`[KH, KW, C, 1]` weights, which 16 channels
/// of a vector fill), with constant weights and bias.
template <typename ConvOp>
static std::optional<KernelSpec> matchConvolution(ConvOp conv) {
  constexpr bool depthwise = std::is_same_v<ConvOp, DepthwiseConv2DOp>;
  unsigned accBits = accumulatorBits(conv.getType());
  if (!isStaticOf(conv.getInput().getType(), 8) || !accBits)
    return std::nullopt;
  auto wType = cast<RankedTensorType>(conv.getWeights().getType());
  if (!wType.hasStaticShape() || (depthwise && wType.getDimSize(3) != 1))
    return std::nullopt;
  auto weights = getConstantWeights(conv.getWeights());
  if (!weights)
    return std::nullopt;
  auto in = cast<RankedTensorType>(conv.getInput().getType()).getShape();
  auto out = cast<RankedTensorType>(conv.getType()).getShape();
  ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride(),
                    dilation = conv.getDilation();
  if (llvm::any_of(pad, [](int64_t p) { return p < 0; }))
    return std::nullopt;
  int64_t kernelDim = depthwise ? 0 : 1;
  KernelSpec spec;
  spec.g = {in[0],
            in[1],
            in[2],
            in[3],
            out[1],
            out[2],
            out[3],
            wType.getDimSize(kernelDim),
            wType.getDimSize(kernelDim + 1),
            stride[0],
            stride[1],
            dilation[0],
            dilation[1],
            pad[0],
            pad[2],
            conv.getInputZpAttr().getInt()};
  spec.weights = std::move(*weights);
  spec.depthwise = depthwise;
  spec.input = conv.getInput();
  spec.replaced.push_back(conv);
  if (!readBias(conv.getBias(), spec.g.oc, spec))
    return std::nullopt;
  matchEpilogue(conv.getResult(), spec);
  return withAccumulator(std::move(spec), accBits);
}

static std::optional<KernelSpec> matchMatmul(MatmulOp matmul) {
  unsigned accBits = accumulatorBits(matmul.getType());
  if (!isStaticOf(matmul.getLhs().getType(), 8) || !accBits ||
      matmul.getRhsZpAttr().getInt() != 0)
    return std::nullopt;
  auto lhs = cast<RankedTensorType>(matmul.getLhs().getType()).getShape();
  auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
  // One weight matrix shared by every batch.
  if (!rhsType.hasStaticShape() || rhsType.getDimSize(0) != 1)
    return std::nullopt;
  auto rhs = getConstantWeights(matmul.getRhs());
  if (!rhs)
    return std::nullopt;
  int64_t k = lhs[2], n = rhsType.getDimSize(2);
  KernelSpec spec;
  spec.g = {lhs[0], 1, lhs[1], k, 1, lhs[1], n, 1, 1, 1, 1, 1, 1, 0, 0,
            matmul.getLhsZpAttr().getInt()};
  // [K, N] to the convolution's [O][1][1][C].
  spec.weights.resize(n * k);
  for (int64_t o = 0; o < n; ++o)
    for (int64_t c = 0; c < k; ++c)
      spec.weights[o * k + c] = (*rhs)[c * n + o];
  spec.input = matmul.getLhs();
  spec.replaced.push_back(matmul);
  if (!readBias(matmul.getBias(), n, spec))
    return std::nullopt;
  // A GEMV reads every weight once, so its time is the weights' bytes.
  if (auto weights = matmul.getRhs().getDefiningOp<WeightsOp>())
    spec.nibbleGemv = lhs[1] == 1 && weights.getBits() <= 4 &&
                      llvm::all_of(spec.weights, [](int8_t w) {
                        return w >= -8 && w <= 7;
                      });
  matchEpilogue(matmul.getResult(), spec);
  return withAccumulator(std::move(spec), accBits);
}


std::optional<KernelSpec> compress::x86::matchKernel(Operation *op) {
  return TypeSwitch<Operation *, std::optional<KernelSpec>>(op)
      .Case([](Conv2DOp conv) { return matchConvolution(conv); })
      .Case([](DepthwiseConv2DOp conv) { return matchConvolution(conv); })
      .Case([](MatmulOp matmul) { return matchMatmul(matmul); })
      .Default([](Operation *) { return std::nullopt; });
}
