//===- QIntToX86.cpp - qint kernels as AVX-512 VNNI code ------------------===//
//
// Lowers `qint.conv2d` and `qint.matmul` (i8 activations, constant weights,
// i32 accumulators), fused with the `qint.requantize` and residual
// `qint.add` that follow them, to loops of vector code around `vpdpbusd`.
//
// Why this shape: the CPU's int8 dot product (`vpdpbusd`, 64 u8 x s8
// products summed in groups of four into 16 i32 lanes) only pays off when
// the four reduction bytes of 16 output channels sit in one 64-byte vector
// and each activation quadruple is broadcast to all lanes. So weights are
// repacked at compile time to `[O/16][KH][KW][C/4][16][4]`, activations stay
// NHWC (four consecutive channels are one 32-bit broadcast), and a tile of
// XB output pixels x OB blocks of 16 channels is accumulated in registers
// (XB * OB <= 24 of the 32 zmm registers). `vpdpbusd` wraps in i32 exactly
// as qint's i32 accumulator does, so the result equals the reference
// evaluator's bit for bit; the unsigned operand is the activation shifted
// by 128, whose correction, like the input zero point's, is a per-channel
// constant folded into the bias.
//
// The code is emitted on buffers inside the tensor program
// (`bufferization.to_buffer` of the input, `bufferization.to_tensor` of the
// result) so that one-shot bufferization and the rest of
// compress-lower-to-llvm treat it like any other op.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToX86/QIntToX86.h"

#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Evaluator/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/TargetParser/Host.h"

#include <optional>
#include <type_traits>

namespace compress {
#define GEN_PASS_DEF_CONVERTQINTTOX86PASS
#include "compress/Conversion/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::qint;

static constexpr llvm::StringLiteral kRequiredFeatures[] = {
    "avx512f", "avx512bw", "avx512vnni"};

ArrayRef<StringRef> compress::getQIntToX86RequiredFeatures() {
  static const SmallVector<StringRef> features(std::begin(kRequiredFeatures),
                                               std::end(kRequiredFeatures));
  return features;
}

bool compress::hostSupportsQIntToX86() {
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  return llvm::all_of(kRequiredFeatures, [&](StringRef feature) {
    return host.lookup(feature);
  });
}

//===----------------------------------------------------------------------===//
// What one kernel computes
//===----------------------------------------------------------------------===//

namespace {

/// Lanes of i32 accumulators in one vector, and bytes of reduction summed
/// into each lane by one `vpdpbusd`.
constexpr int64_t kLanes = 16;
constexpr int64_t kGroup = 4;

/// A convolution over an NHWC input; a matmul is the 1x1 case with the
/// rows of its left operand as pixels.
struct Geometry {
  int64_t n, h, w, c;       // input
  int64_t oh, ow, oc;       // output (batch n)
  int64_t kh, kw;           // window
  int64_t sy, sx, dy, dx;   // stride, dilation
  int64_t padTop, padLeft;  // leading padding
  int64_t inputZp;

  int64_t paddedChannels() const { return llvm::alignTo(c, kGroup); }
  int64_t channelBlocks() const { return llvm::divideCeil(oc, kLanes); }
  /// Rows and columns of the input the windows read, padding included.
  int64_t haloRows() const { return (oh - 1) * sy + (kh - 1) * dy + 1; }
  int64_t haloCols() const { return (ow - 1) * sx + (kw - 1) * dx + 1; }
  /// The kernel rows of output row `oy` that read input rather than
  /// padding: [first, last).
  std::pair<int64_t, int64_t> kernelRows(int64_t oy) const {
    int64_t top = padTop - oy * sy;
    int64_t first = std::max<int64_t>(0, llvm::divideCeilSigned(top, dy));
    int64_t last = std::min<int64_t>(
        kh, llvm::divideFloorSigned(top + h - 1, dy) + 1);
    return {first, std::max(first, last)};
  }
  /// Whether some output row has kernel rows in the padding.
  bool hasPaddedRows() const {
    for (int64_t oy = 0; oy < oh; ++oy)
      if (kernelRows(oy) != std::pair<int64_t, int64_t>(0, kh))
        return true;
    return false;
  }
};

/// One fixed-point rescale `clamp(apply_scale(in - inZp) + outZp, lo, hi)`,
/// per channel or per tensor.
struct Rescale {
  SmallVector<int32_t> multipliers;
  SmallVector<int8_t> shifts;
  RescaleRounding rounding;
  int64_t inputZp, outputZp;
  int64_t lo, hi;
};

/// A residual `qint.add` whose one operand is the kernel's requantized
/// result: `clamp(apply_scale(kernel' + skip') + zp)`, each operand
/// rescaled first.
struct ResidualAdd {
  Value skip;
  Rescale kernelSide, skipSide, output;
};

struct KernelSpec {
  Geometry g;
  /// Weights `[oc][kh][kw][c]` and the bias per output channel.
  std::vector<int8_t> weights;
  std::vector<int64_t> bias;
  Value input;
  std::optional<Rescale> requantize;
  std::optional<ResidualAdd> add;
  /// A matrix-vector product whose weights fit 4 signed bits: they stay
  /// packed two to a byte in memory and are unpacked in registers.
  bool nibbleGemv = false;
  /// A depthwise convolution (channel multiplier 1); `weights` are then
  /// `[kh][kw][c]`.
  bool depthwise = false;
  /// The op whose result the kernel replaces, and every op it replaces.
  Operation *root;
  SmallVector<Operation *> replaced;
};

} // namespace

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

static RescaleRounding toRounding(RoundingMode mode) {
  return mode == RoundingMode::double_round ? RescaleRounding::Double
                                            : RescaleRounding::Single;
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
              toRounding(requantize.getRounding()),
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
  RescaleRounding rounding = toRounding(add.getRounding());
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
  if (!isStaticOf(conv.getInput().getType(), 8) ||
      !isStaticOf(conv.getType(), 32))
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
  return spec;
}

static std::optional<KernelSpec> matchMatmul(MatmulOp matmul) {
  if (!isStaticOf(matmul.getLhs().getType(), 8) ||
      !isStaticOf(matmul.getType(), 32) || matmul.getRhsZpAttr().getInt() != 0)
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
  return spec;
}

//===----------------------------------------------------------------------===//
// Compile-time tables
//===----------------------------------------------------------------------===//

/// Weights in the microkernel's order `[O/16][KH][KW][C/4][16][4]`, zero
/// where channels are padded.
static std::vector<int8_t> packWeights(const KernelSpec &spec) {
  const Geometry &g = spec.g;
  int64_t cp = g.paddedChannels(), blocks = g.channelBlocks();
  std::vector<int8_t> packed(blocks * g.kh * g.kw * cp * kLanes, 0);
  for (int64_t o = 0; o < g.oc; ++o)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j)
        for (int64_t c = 0; c < g.c; ++c) {
          int64_t block = o / kLanes, lane = o % kLanes;
          int64_t quad = c / kGroup, byte = c % kGroup;
          int64_t at =
              ((((block * g.kh + i) * g.kw + j) * (cp / kGroup) + quad) *
                   kLanes +
               lane) *
                  kGroup +
              byte;
          packed[at] = spec.weights[((o * g.kh + i) * g.kw + j) * g.c + c];
        }
  return packed;
}

/// `bias - (128 + input_zp) * sum(w)` per output channel, wrapped to i32:
/// `vpdpbusd` sees `x + 128`, and `sum (x - zp) w = sum (x + 128) w -
/// (128 + zp) sum w`. Padding holds `zp`, so it contributes zero either way.
///
/// Kernel rows that read only padding are skipped (see buildTile), so the
/// sum covers the rows an output row uses; where the padding value is
/// nonzero (`zp != -128`) and rows differ in that, there is one bias per
/// output row, `[OH][O]`.
static std::vector<int32_t> correctedBias(const KernelSpec &spec) {
  const Geometry &g = spec.g;
  int64_t channels = g.channelBlocks() * kLanes;
  bool perRow = g.inputZp != -128 && g.hasPaddedRows();
  std::vector<int32_t> bias((perRow ? g.oh : 1) * channels, 0);
  for (int64_t oy = 0; oy < (perRow ? g.oh : 1); ++oy) {
    auto [first, last] = perRow ? g.kernelRows(oy)
                                : std::pair<int64_t, int64_t>(0, g.kh);
    for (int64_t o = 0; o < g.oc; ++o) {
      int64_t sum = 0;
      for (int64_t i = first; i < last; ++i)
        for (int64_t t = 0; t < g.kw * g.c; ++t)
          sum += spec.weights[(o * g.kh + i) * g.kw * g.c + t];
      uint64_t value =
          uint64_t(spec.bias[o]) - uint64_t(128 + g.inputZp) * uint64_t(sum);
      bias[oy * channels + o] = int32_t(uint32_t(value));
    }
  }
  return bias;
}

namespace {
/// A rescale's constants per lane, as i64: multiplier, shift, and the
/// rounding term for non-negative and for negative inputs (they differ by
/// the double-round correction when the shift exceeds 31).
struct RescaleTables {
  std::vector<int64_t> multiplier, shift, roundNonNegative, roundNegative;
};
} // namespace

static RescaleTables rescaleTables(const Rescale &r, int64_t channels) {
  RescaleTables t;
  for (int64_t c = 0; c < channels; ++c) {
    size_t k = r.multipliers.size() > 1
                   ? std::min<size_t>(c, r.multipliers.size() - 1)
                   : 0;
    int64_t multiplier = r.multipliers[k];
    int64_t shift = r.shifts[k];
    // As rescaleElement: shifts outside [0, 63] rescale by (0, 0).
    if (shift < 0 || shift > 63) {
      multiplier = 0;
      shift = 0;
    }
    int64_t round = int64_t((uint64_t(1) << shift) >> 1);
    int64_t extra =
        r.rounding == RescaleRounding::Double && shift > 31 ? 1 << 30 : 0;
    t.multiplier.push_back(multiplier);
    t.shift.push_back(shift);
    t.roundNonNegative.push_back(round + extra);
    t.roundNegative.push_back(round - extra);
  }
  return t;
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

namespace {

/// Emits one kernel at the builder's insertion point.
class KernelEmitter {
public:
  KernelEmitter(ImplicitLocOpBuilder &b, const KernelSpec &spec,
                func::FuncOp dotProduct)
      : b(b), spec(spec), g(spec.g), dotProduct(dotProduct) {}

  /// The kernel's result tensor.
  Value emit();

private:
  using Accumulators = SmallVector<Value>;

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  /// Emits `for (i = lb; i < ub; i += step) body(i)`, or nothing when the
  /// range is empty.
  void forEach(int64_t lb, int64_t ub, int64_t step,
               function_ref<void(Value)> body) {
    if (lb >= ub)
      return;
    auto loop = scf::ForOp::create(b, index(lb), index(ub), index(step));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
  }
  Value mul(Value x, int64_t c) {
    return c == 1 ? x : arith::MulIOp::create(b, x, index(c)).getResult();
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value add(Value x, int64_t c) { return c == 0 ? x : add(x, index(c)); }

  /// A read-only 1-D buffer of constant `values` of `elementType`.
  template <typename T>
  Value constantBuffer(ArrayRef<T> values, Type elementType);
  /// A splat vector<16 x elementType> of `value`.
  Value splat(int64_t value, Type elementType);
  /// Buffers for the tables of `t` whose channels differ; the others are
  /// splat vectors.
  void prepareTables(const RescaleTables &t, Value (&buffers)[4]);
  /// A vector of per-channel constants, loaded from `buffer` at `channel`,
  /// or a splat when every channel has the same value.
  Value channelVector(ArrayRef<int64_t> values, Value buffer, Value channel);

  void buildByteRun(Value src, Value srcOffset, Value dst, Value dstOffset,
                    int64_t length, int8_t fill);
  Value buildHalo();
  /// The kernel of a GEMV with 4-bit weights (`spec.nibbleGemv`), writing
  /// the flat `output`.
  void emitNibbleGemv(Value output);
  void buildTiles(Value halo, Value output);
  /// The depthwise kernel's weights and bias, and its loops.
  void prepareDepthwise();
  void buildDepthwiseTiles(Value halo, Value output);
  /// With `knownOx`, the tile's first column is that constant, and dot
  /// products of window columns in the padding are left out where they add
  /// zero (`zp = -128`).
  void buildTile(Value halo, Value output, Value n, Value oy, Value ox,
                 Value block, int64_t xb, int64_t ob,
                 std::optional<int64_t> knownOx = std::nullopt);
  /// Applies the epilogue to the accumulators of output channels
  /// [channel, channel + 16) of `pixel` and stores them.
  void storeBlock(Value acc, Value output, Value pixel, Value channel);
  Value buildEpilogue(Value acc, Value channel, Value outOffset, Value mask);
  Value rescale(Value value, const Rescale &r, const RescaleTables &t,
                Value (&buffers)[4], Value channel);

  ImplicitLocOpBuilder &b;
  const KernelSpec &spec;
  const Geometry &g;
  func::FuncOp dotProduct;
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  VectorType acc16 = VectorType::get({kLanes}, i32);
  Value weightsBuffer, biasBuffer, skipBuffer;
  RescaleTables requantizeTables, kernelSideTables, skipSideTables,
      outputTables;
  Value requantizeBuffers[4], kernelSideBuffers[4], skipSideBuffers[4],
      outputBuffers[4];
};

} // namespace

template <typename T>
Value KernelEmitter::constantBuffer(ArrayRef<T> values, Type elementType) {
  auto tensorType =
      RankedTensorType::get({int64_t(values.size())}, elementType);
  auto attr = DenseElementsAttr::get(tensorType, values);
  Value tensor = arith::ConstantOp::create(b, cast<TypedAttr>(attr));
  return bufferization::ToBufferOp::create(
      b, MemRefType::get(tensorType.getShape(), elementType), tensor,
      /*read_only=*/true);
}

Value KernelEmitter::splat(int64_t value, Type elementType) {
  auto type = VectorType::get({kLanes}, elementType);
  Attribute element = b.getIntegerAttr(elementType, value);
  return arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(type, element)));
}

void KernelEmitter::prepareTables(const RescaleTables &t,
                                  Value (&buffers)[4]) {
  const std::vector<int64_t> *tables[4] = {&t.multiplier, &t.shift,
                                           &t.roundNonNegative,
                                           &t.roundNegative};
  for (auto [table, buffer] : llvm::zip(tables, buffers)) {
    if (llvm::all_equal(*table))
      continue;
    if (table == &t.multiplier) {
      // Multipliers are i32: kept as such, the product of two sign-extended
      // values is one `vpmuldq` instead of a 64-bit `vpmullq`.
      SmallVector<int32_t> narrow(table->begin(), table->end());
      buffer = constantBuffer(ArrayRef<int32_t>(narrow), i32);
    } else {
      buffer = constantBuffer(ArrayRef<int64_t>(*table), i64);
    }
  }
}

Value KernelEmitter::channelVector(ArrayRef<int64_t> values, Value buffer,
                                   Value channel) {
  if (!buffer)
    return splat(values.front(), i64);
  return vector::LoadOp::create(b, VectorType::get({kLanes}, i64), buffer,
                                ValueRange{channel});
}

/// `tosa.apply_scale` (upstream's 64-bit lowering, FixedPoint.h) on 16
/// lanes: `trunc32((sext64(v) * m + round(v)) >>s shift)`.
Value KernelEmitter::rescale(Value value, const Rescale &r,
                             const RescaleTables &t, Value (&buffers)[4],
                             Value channel) {
  if (r.inputZp != 0)
    value = arith::SubIOp::create(b, value, splat(int32_t(r.inputZp), i32));
  VectorType wide = VectorType::get({kLanes}, i64);
  Value multiplier =
      buffers[0] ? vector::LoadOp::create(b, acc16, buffers[0],
                                          ValueRange{channel})
                       .getResult()
                 : splat(t.multiplier.front(), i32);
  multiplier = arith::ExtSIOp::create(b, wide, multiplier);
  Value shift = channelVector(t.shift, buffers[1], channel);
  Value round = channelVector(t.roundNonNegative, buffers[2], channel);
  if (t.roundNonNegative != t.roundNegative) {
    Value roundNeg = channelVector(t.roundNegative, buffers[3], channel);
    Value nonNeg = arith::CmpIOp::create(b, arith::CmpIPredicate::sge, value,
                                         splat(0, i32));
    round = arith::SelectOp::create(b, nonNeg, round, roundNeg);
  }
  Value product = arith::MulIOp::create(
      b, arith::ExtSIOp::create(b, wide, value), multiplier);
  Value shifted = arith::ShRSIOp::create(
      b, arith::AddIOp::create(b, product, round), shift);
  Value result = arith::TruncIOp::create(b, acc16, shifted);
  if (r.outputZp != 0)
    result = arith::AddIOp::create(b, result, splat(int32_t(r.outputZp), i32));
  if (r.lo > INT32_MIN)
    result = arith::MaxSIOp::create(b, result, splat(r.lo, i32));
  if (r.hi < INT32_MAX)
    result = arith::MinSIOp::create(b, result, splat(r.hi, i32));
  return result;
}

Value KernelEmitter::buildEpilogue(Value acc, Value channel, Value outOffset,
                                   Value mask) {
  if (!spec.requantize)
    return acc;
  Value value =
      rescale(acc, *spec.requantize, requantizeTables, requantizeBuffers,
              channel);
  if (!spec.add)
    return value;
  const ResidualAdd &r = *spec.add;
  Value kernelSide =
      rescale(value, r.kernelSide, kernelSideTables, kernelSideBuffers,
              channel);
  VectorType bytes = VectorType::get({kLanes}, i8);
  Value skip =
      mask ? vector::MaskedLoadOp::create(b, bytes, skipBuffer,
                                          ValueRange{outOffset}, mask,
                                          splat(0, i8))
                 .getResult()
           : vector::LoadOp::create(b, bytes, skipBuffer, ValueRange{outOffset})
                 .getResult();
  Value skipSide = rescale(arith::ExtSIOp::create(b, acc16, skip), r.skipSide,
                           skipSideTables, skipSideBuffers, channel);
  Value sum = arith::AddIOp::create(b, kernelSide, skipSide);
  return rescale(sum, r.output, outputTables, outputBuffers, channel);
}

/// Emits `dst[dstOffset + i] = src[srcOffset + i] ^ 0x80` for i in
/// [0, length), or with no `src`, `dst[dstOffset + i] = fill`, in 64-byte
/// vectors, or 16-byte ones for runs shorter than 64 (the last one masked).
void KernelEmitter::buildByteRun(Value src, Value srcOffset, Value dst,
                                 Value dstOffset, int64_t length,
                                 int8_t fill) {
  if (length <= 0)
    return;
  // Short runs (a pixel of a few channels) take 16-byte vectors.
  int64_t kChunk = length >= 64 ? 64 : 16;
  VectorType bytes = VectorType::get({kChunk}, i8);
  VectorType maskType = VectorType::get({kChunk}, b.getI1Type());
  auto chunk = [&](Value at, Value count) {
    Value mask = vector::CreateMaskOp::create(b, maskType, ValueRange{count});
    Value zero = arith::ConstantOp::create(
        b, cast<TypedAttr>(DenseElementsAttr::get(bytes, b.getI8IntegerAttr(0))));
    Value v;
    if (src) {
      v = vector::MaskedLoadOp::create(b, bytes, src,
                                       ValueRange{add(srcOffset, at)}, mask,
                                       zero);
      v = arith::XOrIOp::create(
          b, v,
          arith::ConstantOp::create(
              b, cast<TypedAttr>(DenseElementsAttr::get(
                     bytes, b.getI8IntegerAttr(-128)))));
    } else {
      v = arith::ConstantOp::create(
          b, cast<TypedAttr>(
                 DenseElementsAttr::get(bytes, b.getI8IntegerAttr(fill))));
    }
    vector::MaskedStoreOp::create(b, dst, ValueRange{add(dstOffset, at)},
                                  mask, v);
  };
  int64_t full = length / kChunk * kChunk;
  if (full == kChunk) {
    chunk(index(0), index(kChunk));
  } else if (full > 0) {
    auto loop = scf::ForOp::create(b, index(0), index(full), index(kChunk));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    chunk(loop.getInductionVar(), index(kChunk));
  }
  if (full < length)
    chunk(index(full), index(length - full));
}

/// Copies the input, shifted to u8 (xor 0x80), into a buffer of the rows
/// and columns the windows read, whose halo holds the shifted zero point.
/// Only the halo is filled: the interior is overwritten, and the padding
/// channels up to a multiple of 4 meet zero weights, whatever they hold.
Value KernelEmitter::buildHalo() {
  int64_t cp = g.paddedChannels(), rows = g.haloRows(), cols = g.haloCols();
  auto inputType = cast<RankedTensorType>(spec.input.getType());
  Value input = bufferization::ToBufferOp::create(
      b, MemRefType::get(inputType.getShape(), i8), spec.input,
      /*read_only=*/true);
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank()))};
  Value flatInput = memref::CollapseShapeOp::create(b, input, all);

  // The depthwise kernel reads 16 channels wherever a pixel starts; the
  // slack keeps the last pixel's read inside the buffer.
  int64_t slack = spec.depthwise ? kLanes : 0;
  auto haloType = MemRefType::get({g.n * rows * cols * cp + slack}, i8);
  Value halo = memref::AllocOp::create(b, haloType, b.getI64IntegerAttr(64));
  int8_t fill = int8_t(uint8_t(g.inputZp + 128));
  int64_t copyRows = std::max<int64_t>(0, std::min(g.h, rows - g.padTop));
  int64_t copyCols = std::max<int64_t>(0, std::min(g.w, cols - g.padLeft));
  if (copyCols == 0)
    copyRows = 0;
  int64_t rowBytes = cols * cp;

  auto forEachOf = [&](int64_t count, function_ref<void(Value)> body) {
    forEach(0, count, 1, body);
  };
  forEachOf(g.n, [&](Value n) {
    Value image = mul(n, rows * rowBytes);
    // Whole rows of padding above and below the input.
    int64_t below = rows - g.padTop - copyRows;
    buildByteRun(nullptr, nullptr, halo, image, g.padTop * rowBytes, fill);
    buildByteRun(nullptr, nullptr, halo,
                 add(image, (g.padTop + copyRows) * rowBytes),
                 below * rowBytes, fill);
    forEachOf(copyRows, [&](Value r) {
      Value dstRow = add(image, mul(add(r, g.padTop), rowBytes));
      Value srcRow = mul(add(mul(n, g.h), r), g.w * g.c);
      // Padding columns left and right of the input row.
      buildByteRun(nullptr, nullptr, halo, dstRow, g.padLeft * cp, fill);
      buildByteRun(nullptr, nullptr, halo,
                   add(dstRow, (g.padLeft + copyCols) * cp),
                   (cols - g.padLeft - copyCols) * cp, fill);
      Value dstPixels = add(dstRow, g.padLeft * cp);
      if (cp == g.c) {
        // The row is contiguous on both sides.
        buildByteRun(flatInput, srcRow, halo, dstPixels, copyCols * cp, 0);
        return;
      }
      forEachOf(copyCols, [&](Value col) {
        buildByteRun(flatInput, add(srcRow, mul(col, g.c)), halo,
                     add(dstPixels, mul(col, cp)), g.c, 0);
      });
    });
  });
  return halo;
}

/// One tile: `xb` output pixels starting at column `ox` of row `oy`, by `ob`
/// blocks of 16 output channels starting at block `block`.
void KernelEmitter::buildTile(Value halo, Value output, Value n, Value oy,
                              Value ox, Value block, int64_t xb, int64_t ob,
                              std::optional<int64_t> knownOx) {
  int64_t cp = g.paddedChannels(), quads = cp / kGroup;
  int64_t rows = g.haloRows(), cols = g.haloCols();
  VectorType bytes64 = VectorType::get({kLanes * kGroup}, i8);
  VectorType quadType = VectorType::get({kGroup}, i8);
  VectorType oneWord = VectorType::get({1}, i32);

  // Kernel rows in the padding add nothing (or a constant the per-row bias
  // accounts for), so only [firstTap, lastTap) is visited.
  Value firstTap = index(0), lastTap = index(g.kh * g.kw), biasRow = index(0);
  if (g.hasPaddedRows()) {
    Value top = arith::SubIOp::create(b, index(g.padTop), mul(oy, g.sy));
    Value first = arith::MaxSIOp::create(
        b, index(0), arith::CeilDivSIOp::create(b, top, index(g.dy)));
    Value last = arith::MinSIOp::create(
        b, index(g.kh),
        add(arith::FloorDivSIOp::create(b, add(top, g.h - 1), index(g.dy)),
            1));
    last = arith::MaxSIOp::create(b, first, last);
    firstTap = mul(first, g.kw);
    lastTap = mul(last, g.kw);
    if (g.inputZp != -128)
      biasRow = mul(oy, g.channelBlocks() * kLanes);
  }
  Accumulators init;
  for (int64_t i = 0; i < xb; ++i)
    for (int64_t j = 0; j < ob; ++j)
      init.push_back(vector::LoadOp::create(
          b, acc16, biasBuffer,
          ValueRange{add(biasRow, mul(add(block, j), kLanes))}));

  // Start of halo row oy*sy of image n, and of the pixel columns.
  Value rowBase = mul(add(mul(n, rows), mul(oy, g.sy)), cols);
  Value colBase = mul(ox, g.sx);
  int64_t weightsPerBlock = g.kh * g.kw * cp * kLanes;

  // Whether pixel `x` of a tile at known column `ox` reads padding through
  // kernel column `j`, where that contributes nothing.
  auto readsOnlyPadding = [&](std::optional<int64_t> ox, int64_t x,
                              int64_t j) {
    if (!ox || g.inputZp != -128)
      return false;
    int64_t column = (*ox + x) * g.sx + j * g.dx - g.padLeft;
    return column < 0 || column >= g.w;
  };

  // Taps in a loop, reduction quads in an inner loop. With stride 1 the
  // kernel columns are unrolled (no division per tap), and neighbouring
  // pixels' broadcasts are shared between columns; with larger strides
  // nothing is shared, and unrolling only gives LLVM's scheduler room to
  // hoist loads until the accumulators spill, so taps stay one at a time.
  int64_t unrolled = g.sx == 1 ? g.kw : 1;
  auto taps = scf::ForOp::create(b, firstTap, lastTap, index(unrolled), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(taps.getBody());
    Value firstOfTaps = taps.getInductionVar();
    Value i = arith::DivUIOp::create(b, firstOfTaps, index(g.kw));
    Value rowPixel = add(rowBase, mul(mul(i, g.dy), cols));
    Value firstColumn =
        unrolled == 1 ? arith::RemUIOp::create(b, firstOfTaps, index(g.kw))
                            .getResult()
                      : index(0);
    SmallVector<Value> accs(taps.getRegionIterArgs());
    for (int64_t jj = 0; jj < unrolled; ++jj) {
      // The column within the window: static when unrolled.
      std::optional<int64_t> j;
      if (unrolled > 1)
        j = jj;
      Value pixel0 =
          add(rowPixel, add(colBase, mul(add(firstColumn, jj), g.dx)));
      SmallVector<Value> pixelBytes;
      for (int64_t x = 0; x < xb; ++x)
        pixelBytes.push_back(mul(add(pixel0, x * g.sx), cp));
      SmallVector<Value> weightBase;
      for (int64_t k = 0; k < ob; ++k)
        weightBase.push_back(add(mul(add(block, k), weightsPerBlock),
                                 mul(add(firstOfTaps, jj), cp * kLanes)));
      auto quadLoop =
          scf::ForOp::create(b, index(0), index(quads), index(1), accs);
      OpBuilder::InsertionGuard quadGuard(b);
      b.setInsertionPointToStart(quadLoop.getBody());
      Value q = quadLoop.getInductionVar();
      SmallVector<Value> w;
      for (int64_t k = 0; k < ob; ++k)
        w.push_back(vector::LoadOp::create(
            b, bytes64, weightsBuffer,
            ValueRange{add(weightBase[k], mul(q, kLanes * kGroup))}));
      Value qOffset = mul(q, kGroup);
      SmallVector<Value> next(quadLoop.getRegionIterArgs());
      for (int64_t x = 0; x < xb; ++x) {
        if (j && readsOnlyPadding(knownOx, x, *j))
          continue;
        // Four activation bytes, broadcast to every lane.
        Value quad = vector::LoadOp::create(
            b, quadType, halo, ValueRange{add(pixelBytes[x], qOffset)});
        Value word = vector::ExtractOp::create(
            b, vector::BitCastOp::create(b, oneWord, quad), int64_t(0));
        Value a = vector::BitCastOp::create(
            b, bytes64, vector::BroadcastOp::create(b, acc16, word));
        for (int64_t k = 0; k < ob; ++k) {
          Value &acc = next[x * ob + k];
          acc = func::CallOp::create(b, dotProduct, ValueRange{acc, a, w[k]})
                    .getResult(0);
        }
      }
      scf::YieldOp::create(b, next);
      accs.assign(quadLoop.getResults().begin(), quadLoop.getResults().end());
    }
    scf::YieldOp::create(b, accs);
  }

  // Epilogue: rescale in registers, store i8 (or the i32 accumulators).
  for (int64_t x = 0; x < xb; ++x) {
    Value pixel = add(mul(add(mul(n, g.oh), oy), g.ow), add(ox, x));
    for (int64_t k = 0; k < ob; ++k)
      storeBlock(taps.getResult(x * ob + k), output, pixel,
                 mul(add(block, k), kLanes));
  }
}

void KernelEmitter::storeBlock(Value acc, Value output, Value pixel,
                               Value channel) {
  Value offset = add(mul(pixel, g.oc), channel);
  Value mask;
  Value count;
  if (g.oc % kLanes != 0) {
    count = arith::MinSIOp::create(
        b, arith::SubIOp::create(b, index(g.oc), channel), index(kLanes));
    mask = vector::CreateMaskOp::create(
        b, VectorType::get({kLanes}, b.getI1Type()), ValueRange{count});
  }
  Value value = buildEpilogue(acc, channel, offset, mask);
  if (spec.requantize)
    value = arith::TruncIOp::create(b, VectorType::get({kLanes}, i8), value);
  if (!mask) {
    vector::StoreOp::create(b, value, output, ValueRange{offset});
  } else if (!spec.requantize) {
    vector::MaskedStoreOp::create(b, output, ValueRange{offset}, mask, value);
  } else {
    // LLVM 22's x86 backend turns a truncating masked store with one
    // active lane into a store of the whole untruncated lane (4 bytes), so
    // the i8 lanes of a partial block are stored one by one.
    auto lanes = scf::ForOp::create(b, index(0), count, index(1));
    OpBuilder::InsertionGuard laneGuard(b);
    b.setInsertionPointToStart(lanes.getBody());
    Value lane = lanes.getInductionVar();
    Value element = vector::ExtractOp::create(b, value, OpFoldResult(lane));
    memref::StoreOp::create(b, element, output, ValueRange{add(offset, lane)});
  }
}

/// The register tile: as many blocks of 16 channels as fit (up to 4), and
/// as many pixels as keep the accumulators within 24 registers, preferring
/// a count that divides the row.
static std::pair<int64_t, int64_t> chooseTile(const Geometry &g) {
  int64_t ob = std::min<int64_t>(g.channelBlocks(), 4);
  // The weights of one group of blocks should leave room in the 32 KiB L1
  // cache for the activations.
  int64_t blockBytes = g.kh * g.kw * g.paddedChannels() * kLanes;
  while (ob > 1 && ob * blockBytes > 24 * 1024)
    ob /= 2;
  int64_t limit = std::min<int64_t>(24 / ob, g.ow);
  for (int64_t xb = limit; xb > limit / 2; --xb)
    if (g.ow % xb == 0)
      return {xb, ob};
  return {limit, ob};
}

/// Channel blocks outermost, so that one group's packed weights stay in
/// the L1 cache while every output row reuses them; then rows, then tiles
/// of pixels along the row.
void KernelEmitter::buildTiles(Value halo, Value output) {
  auto [xb, ob] = chooseTile(g);
  int64_t blocks = g.channelBlocks();
  int64_t fullBlocks = blocks / ob * ob, fullCols = g.ow / xb * xb;
  auto rows = [&](Value block, int64_t blocksInTile) {
    forEach(0, g.n * g.oh, 1, [&](Value row) {
      Value n = arith::DivUIOp::create(b, row, index(g.oh));
      Value oy = arith::RemUIOp::create(b, row, index(g.oh));
      // The first and last tiles of a row are emitted on their own, with
      // their columns known, so that windows over the padding skip it.
      auto knownTile = [&](int64_t ox, int64_t pixels) {
        buildTile(halo, output, n, oy, index(ox), block, pixels, blocksInTile,
                  ox);
      };
      if (fullCols > 0)
        knownTile(0, xb);
      forEach(xb, fullCols - xb, xb, [&](Value ox) {
        buildTile(halo, output, n, oy, ox, block, xb, blocksInTile);
      });
      if (fullCols > xb)
        knownTile(fullCols - xb, xb);
      for (int64_t ox = fullCols; ox < g.ow; ++ox)
        knownTile(ox, 1);
    });
  };
  forEach(0, fullBlocks, ob, [&](Value block) { rows(block, ob); });
  if (fullBlocks < blocks)
    rows(index(fullBlocks), blocks - fullBlocks);
}

Value KernelEmitter::emit() {
  if (spec.depthwise) {
    prepareDepthwise();
  } else if (!spec.nibbleGemv) {
    weightsBuffer = constantBuffer(ArrayRef<int8_t>(packWeights(spec)), i8);
    biasBuffer = constantBuffer(ArrayRef<int32_t>(correctedBias(spec)), i32);
  }
  int64_t channels = g.channelBlocks() * kLanes;
  if (spec.requantize) {
    requantizeTables = rescaleTables(*spec.requantize, channels);
    prepareTables(requantizeTables, requantizeBuffers);
  }
  if (spec.add) {
    kernelSideTables = rescaleTables(spec.add->kernelSide, channels);
    skipSideTables = rescaleTables(spec.add->skipSide, channels);
    outputTables = rescaleTables(spec.add->output, channels);
  }

  auto resultType = cast<RankedTensorType>(spec.root->getResult(0).getType());
  Type elementType = resultType.getElementType();
  if (spec.add) {
    Value skip = bufferization::ToBufferOp::create(
        b, MemRefType::get(resultType.getShape(), i8), spec.add->skip,
        /*read_only=*/true);
    SmallVector<ReassociationIndices> all = {
        llvm::to_vector(llvm::seq<int64_t>(0, resultType.getRank()))};
    skipBuffer = memref::CollapseShapeOp::create(b, skip, all);
  }

  auto shapedType = MemRefType::get(resultType.getShape(), elementType);
  if (spec.nibbleGemv) {
    Value output =
        memref::AllocOp::create(b, shapedType, b.getI64IntegerAttr(64));
    SmallVector<ReassociationIndices> all = {
        llvm::to_vector(llvm::seq<int64_t>(0, resultType.getRank()))};
    emitNibbleGemv(memref::CollapseShapeOp::create(b, output, all));
    return bufferization::ToTensorOp::create(b, resultType, output,
                                             /*restrict=*/true,
                                             /*writable=*/true);
  }
  Value halo = buildHalo();
  // The result is the allocation itself, not a view of it, so that the
  // deallocation pipeline knows who owns it and need not copy it.
  Value output = memref::AllocOp::create(b, shapedType, b.getI64IntegerAttr(64));
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, resultType.getRank()))};
  // compress-lower-to-llvm's deallocation pipeline frees both buffers.
  Value flatOutput = memref::CollapseShapeOp::create(b, output, all);
  if (spec.depthwise)
    buildDepthwiseTiles(halo, flatOutput);
  else
    buildTiles(halo, flatOutput);
  return bufferization::ToTensorOp::create(b, resultType, output,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

//===----------------------------------------------------------------------===//
// Depthwise convolution
//===----------------------------------------------------------------------===//

/// Depthwise convolution reduces over the window only, so there is no
/// group of four reduction bytes per lane for `vpdpbusd`: each tap is a
/// 16-channel multiply-add of the zero-extended activations (still shifted
/// to u8, so the halo and the bias folding are the convolution's) by the
/// weights widened to i32 at compile time, `[KH][KW][C16]`.
void KernelEmitter::prepareDepthwise() {
  int64_t channels = g.channelBlocks() * kLanes, taps = g.kh * g.kw;
  std::vector<int32_t> weights(taps * channels, 0);
  std::vector<int32_t> bias(channels, 0);
  for (int64_t c = 0; c < g.c; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      int64_t w = spec.weights[t * g.c + c];
      weights[t * channels + c] = int32_t(w);
      sum += w;
    }
    bias[c] = int32_t(uint32_t(uint64_t(spec.bias[c]) -
                               uint64_t(128 + g.inputZp) * uint64_t(sum)));
  }
  weightsBuffer = constantBuffer(ArrayRef<int32_t>(weights), i32);
  biasBuffer = constantBuffer(ArrayRef<int32_t>(bias), i32);
}

void KernelEmitter::buildDepthwiseTiles(Value halo, Value output) {
  int64_t cp = g.paddedChannels(), rows = g.haloRows(), cols = g.haloCols();
  int64_t channels = g.channelBlocks() * kLanes;
  VectorType bytes = VectorType::get({kLanes}, i8);
  // `xb` pixels from column `ox` of row `oy`, channels [channel, +16).
  auto tile = [&](Value n, Value oy, Value ox, Value channel, int64_t xb) {
    Value bias = vector::LoadOp::create(b, acc16, biasBuffer,
                                        ValueRange{channel});
    SmallVector<Value> accs(xb, bias);
    Value rowBase = mul(add(mul(n, rows), mul(oy, g.sy)), cols);
    auto kernelRows = scf::ForOp::create(b, index(0), index(g.kh), index(1),
                                         accs);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(kernelRows.getBody());
      Value i = kernelRows.getInductionVar();
      Value rowPixel = add(rowBase, mul(mul(i, g.dy), cols));
      SmallVector<Value> next(kernelRows.getRegionIterArgs());
      for (int64_t j = 0; j < g.kw; ++j) {
        Value w = vector::LoadOp::create(
            b, acc16, weightsBuffer,
            ValueRange{add(mul(add(mul(i, g.kw), j), channels), channel)});
        for (int64_t x = 0; x < xb; ++x) {
          Value pixel =
              add(rowPixel, add(mul(add(ox, x), g.sx), j * g.dx));
          Value a = vector::LoadOp::create(
              b, bytes, halo, ValueRange{add(mul(pixel, cp), channel)});
          Value product = arith::MulIOp::create(
              b, arith::ExtUIOp::create(b, acc16, a), w);
          next[x] = arith::AddIOp::create(b, next[x], product);
        }
      }
      scf::YieldOp::create(b, next);
    }
    for (int64_t x = 0; x < xb; ++x)
      storeBlock(kernelRows.getResult(x), output,
                 add(mul(add(mul(n, g.oh), oy), g.ow), add(ox, x)), channel);
  };
  constexpr int64_t kPixels = 8;
  int64_t xb = std::min<int64_t>(kPixels, g.ow);
  int64_t fullCols = g.ow / xb * xb;
  forEach(0, channels, kLanes, [&](Value channel) {
    forEach(0, g.n * g.oh, 1, [&](Value row) {
      Value n = arith::DivUIOp::create(b, row, index(g.oh));
      Value oy = arith::RemUIOp::create(b, row, index(g.oh));
      forEach(0, fullCols, xb,
              [&](Value ox) { tile(n, oy, ox, channel, xb); });
      forEach(fullCols, g.ow, 1,
              [&](Value ox) { tile(n, oy, ox, channel, 1); });
    });
  });
}

//===----------------------------------------------------------------------===//
// GEMV with 4-bit weights
//===----------------------------------------------------------------------===//

/// A GEMV is bound by reading its weights, so 4-bit weights stay packed:
/// the 64 bytes of each block of 16 outputs and 8 reduction steps hold
/// `w + 8` (0..15) for reduction steps 0-3 in their low nibbles and 4-7 in
/// their high nibbles, `[O/16][K/8][16][4]`. Unpacking is an `and` (low)
/// or a 16-bit shift and an `and` (high), and the unsigned operand of
/// `vpdpbusd` is then the weights, the signed one the activations as they
/// are. So `sum (w + 8) x = sum w x + 8 sum x`: the last term is taken off
/// at run time, `sum (x - zp) w = sum w x - zp sum w` at compile time.
void KernelEmitter::emitNibbleGemv(Value output) {
  int64_t k = g.c, blocks = g.channelBlocks();
  int64_t pairs = llvm::divideCeil(k, 2 * kGroup);
  int64_t rowBytes = llvm::alignTo(k, 64);
  std::vector<int8_t> packed(blocks * pairs * kLanes * kGroup, 0);
  std::vector<int32_t> bias(blocks * kLanes, 0);
  for (int64_t o = 0; o < g.oc; ++o) {
    int64_t sum = 0;
    for (int64_t r = 0; r < pairs * 2 * kGroup; ++r) {
      int64_t w = r < k ? spec.weights[o * k + r] : 0;
      sum += w;
      int64_t pair = r / (2 * kGroup), half = (r / kGroup) % 2;
      int64_t at = (((o / kLanes) * pairs + pair) * kLanes + o % kLanes) *
                       kGroup +
                   r % kGroup;
      packed[at] = int8_t(uint8_t(packed[at]) | uint8_t((w + 8) << (4 * half)));
    }
    bias[o] = int32_t(uint32_t(uint64_t(spec.bias[o]) -
                               uint64_t(g.inputZp) * uint64_t(sum)));
  }
  weightsBuffer = constantBuffer(ArrayRef<int8_t>(packed), i8);
  biasBuffer = constantBuffer(ArrayRef<int32_t>(bias), i32);

  // The input row, zero-padded to whole 64-byte vectors, and 8 * sum(x).
  auto inputType = cast<RankedTensorType>(spec.input.getType());
  Value input = bufferization::ToBufferOp::create(
      b, MemRefType::get(inputType.getShape(), i8), spec.input,
      /*read_only=*/true);
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank()))};
  Value flatInput = memref::CollapseShapeOp::create(b, input, all);
  Value row = memref::AllocOp::create(b, MemRefType::get({rowBytes}, i8),
                                      b.getI64IntegerAttr(64));
  VectorType bytes64 = VectorType::get({kLanes * kGroup}, i8);
  VectorType maskType = VectorType::get({kLanes * kGroup}, b.getI1Type());
  Value zeroBytes = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(bytes64, b.getI8IntegerAttr(0))));
  Value ones = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(bytes64, b.getI8IntegerAttr(1))));
  auto chunks = scf::ForOp::create(b, index(0), index(rowBytes), index(64),
                                   ValueRange{splat(0, i32)});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(chunks.getBody());
    Value at = chunks.getInductionVar();
    Value count = arith::MinSIOp::create(
        b, arith::SubIOp::create(b, index(k), at), index(64));
    Value mask = vector::CreateMaskOp::create(b, maskType, ValueRange{count});
    Value x = vector::MaskedLoadOp::create(b, bytes64, flatInput,
                                           ValueRange{at}, mask, zeroBytes);
    vector::StoreOp::create(b, x, row, ValueRange{at});
    Value sum = func::CallOp::create(
                    b, dotProduct,
                    ValueRange{chunks.getRegionIterArgs()[0], ones, x})
                    .getResult(0);
    scf::YieldOp::create(b, sum);
  }
  Value sumX = vector::ReductionOp::create(b, vector::CombiningKind::ADD,
                                           chunks.getResult(0));
  Value offset8 = vector::BroadcastOp::create(
      b, acc16, arith::MulIOp::create(b, sumX,
                                      arith::ConstantIntOp::create(b, i32, 8)));

  VectorType quadType = VectorType::get({kGroup}, i8);
  VectorType oneWord = VectorType::get({1}, i32);
  VectorType words = VectorType::get({kLanes * 2}, b.getI16Type());
  Value lowNibbles = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(bytes64, b.getI8IntegerAttr(15))));
  Value four = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(words, b.getI16IntegerAttr(4))));
  auto broadcastQuad = [&](Value at) {
    Value quad = vector::LoadOp::create(b, quadType, row, ValueRange{at});
    Value word = vector::ExtractOp::create(
        b, vector::BitCastOp::create(b, oneWord, quad), int64_t(0));
    return vector::BitCastOp::create(
        b, bytes64, vector::BroadcastOp::create(b, acc16, word));
  };

  // `ob` blocks of 16 outputs at `block`, two accumulators each (low and
  // high nibbles) so that eight dot-product chains run at once.
  auto group = [&](Value block, int64_t ob) {
    SmallVector<Value> init(2 * ob, splat(0, i32));
    auto loop = scf::ForOp::create(b, index(0), index(pairs), index(1), init);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value pair = loop.getInductionVar();
      Value xLow = broadcastQuad(mul(pair, 2 * kGroup));
      Value xHigh = broadcastQuad(add(mul(pair, 2 * kGroup), kGroup));
      SmallVector<Value> next(loop.getRegionIterArgs());
      for (int64_t j = 0; j < ob; ++j) {
        Value at = mul(add(mul(add(block, j), pairs), pair), kLanes * kGroup);
        Value v = vector::LoadOp::create(b, bytes64, weightsBuffer,
                                         ValueRange{at});
        Value low = arith::AndIOp::create(b, v, lowNibbles);
        Value shifted = vector::BitCastOp::create(
            b, bytes64,
            arith::ShRUIOp::create(b, vector::BitCastOp::create(b, words, v),
                                   four));
        Value high = arith::AndIOp::create(b, shifted, lowNibbles);
        next[2 * j] = func::CallOp::create(b, dotProduct,
                                           ValueRange{next[2 * j], low, xLow})
                          .getResult(0);
        next[2 * j + 1] =
            func::CallOp::create(b, dotProduct,
                                 ValueRange{next[2 * j + 1], high, xHigh})
                .getResult(0);
      }
      scf::YieldOp::create(b, next);
    }
    for (int64_t j = 0; j < ob; ++j) {
      Value channel = mul(add(block, j), kLanes);
      Value acc = arith::AddIOp::create(b, loop.getResult(2 * j),
                                        loop.getResult(2 * j + 1));
      acc = arith::SubIOp::create(b, acc, offset8);
      acc = arith::AddIOp::create(
          b, acc,
          vector::LoadOp::create(b, acc16, biasBuffer, ValueRange{channel}));
      storeBlock(acc, output, index(0), channel);
    }
  };
  constexpr int64_t kGroupBlocks = 4;
  int64_t full = blocks / kGroupBlocks * kGroupBlocks;
  if (full > 0) {
    auto loop =
        scf::ForOp::create(b, index(0), index(full), index(kGroupBlocks));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    group(loop.getInductionVar(), kGroupBlocks);
  }
  if (full < blocks)
    group(index(full), blocks - full);
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {

/// The name of `vpdpbusd`'s LLVM intrinsic. The kernels call it as a
/// function declared under that name, which is how LLVM IR declares
/// intrinsics: the translation to LLVM IR yields the intrinsic itself, with
/// its attributes (`memory(none)`). `llvm.call_intrinsic` would say the same
/// but has unknown memory effects, which compress-lower-to-llvm's
/// ownership-based buffer deallocation rejects.
constexpr llvm::StringLiteral kDotProduct = "llvm.x86.avx512.vpdpbusd.512";

struct ConvertQIntToX86Pass
    : public compress::impl::ConvertQIntToX86PassBase<ConvertQIntToX86Pass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Matched one at a time, as the kernels before them have replaced their
    // inputs.
    SmallVector<Operation *> candidates;
    module.walk([&](Operation *op) {
      if (isa<Conv2DOp, DepthwiseConv2DOp, MatmulOp>(op))
        candidates.push_back(op);
    });
    func::FuncOp dotProduct;
    SmallVector<Operation *> weights;
    for (Operation *op : candidates) {
      std::optional<KernelSpec> spec =
          TypeSwitch<Operation *, std::optional<KernelSpec>>(op)
              .Case([](Conv2DOp conv) { return matchConvolution(conv); })
              .Case([](DepthwiseConv2DOp conv) {
                return matchConvolution(conv);
              })
              .Case([](MatmulOp matmul) { return matchMatmul(matmul); });
      if (!spec)
        continue;
      if (!dotProduct)
        dotProduct = getDotProductDeclaration(module);
      if (auto w = op->getOperand(1).getDefiningOp<WeightsOp>())
        weights.push_back(w);
      ImplicitLocOpBuilder b(spec->root->getLoc(), spec->root);
      Value result = KernelEmitter(b, *spec, dotProduct).emit();
      spec->root->getResult(0).replaceAllUsesWith(result);
      for (Operation *replaced : llvm::reverse(spec->replaced))
        replaced->erase();
      ++numKernels;
      numFusedRequantize += spec->requantize.has_value();
      numFusedAdd += spec->add.has_value();
    }
    // The packed copies replace the weights that only the kernels read.
    for (Operation *w : weights)
      if (w->use_empty())
        w->erase();
  }

  static func::FuncOp getDotProductDeclaration(ModuleOp module) {
    if (auto existing = module.lookupSymbol<func::FuncOp>(kDotProduct))
      return existing;
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto acc = VectorType::get({kLanes}, b.getI32Type());
    auto bytes = VectorType::get({kLanes * kGroup}, b.getI8Type());
    auto decl = func::FuncOp::create(
        b, module.getLoc(), kDotProduct,
        b.getFunctionType({acc, bytes, bytes}, {acc}));
    decl.setPrivate();
    return decl;
  }
};

} // namespace
