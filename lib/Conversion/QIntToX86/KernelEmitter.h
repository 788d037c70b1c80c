//===- KernelEmitter.h - Code generation of one kernel ----------*- C++ -*-===//
//
// Emits a KernelSpec as loops of vector code on buffers inside the tensor
// program. The parts every kernel shares (constants, halo, epilogue,
// stores) are in KernelEmitter.cpp; the loops of each kind of kernel in a
// file of its own.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CONVERSION_QINTTOX86_KERNELEMITTER_H
#define COMPRESS_LIB_CONVERSION_QINTTOX86_KERNELEMITTER_H

#include "KernelSpec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace compress::x86 {

using namespace mlir;

/// A rescale's constants per lane, as i64: multiplier, shift, and the
/// rounding term for non-negative and for negative inputs (they differ by
/// the double-round correction when the shift exceeds 31).
struct RescaleTables {
  std::vector<int64_t> multiplier, shift, roundNonNegative, roundNegative;
  /// The rounding terms include `outputZp << shift`.
  bool zeroPointInRound = false;
};

/// `bias - (128 + input_zp) * sum(w)` per output channel (padded to blocks
/// of 16), wrapped to i32, with the kernel rows of each output row that
/// read only padding left out of the sum when `skipPaddedRows`
/// (ConvolutionKernel.cpp).
std::vector<int32_t> correctedBias(const KernelSpec &spec,
                                   bool skipPaddedRows);

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

  /// `buffer` as one dimension.
  Value flatten(Value buffer);
  /// The buffer of the static tensor `tensor`, read only, as one dimension.
  Value flatInput(Value tensor);
  /// A read-only 1-D buffer of constant `values` of `elementType`.
  template <typename T>
  Value constantBuffer(ArrayRef<T> values, Type elementType);
  /// A splat vector<16 x elementType> of `value`.
  Value splat(int64_t value, Type elementType);
  /// Buffers for the tables of `t` whose channels differ; the others are
  /// splat vectors.
  void prepareTables(const RescaleTables &t, Value (&buffers)[4]);
  /// The per-channel constants of the even and of the odd channels of the
  /// block at `channel`, as two vector<8xi64>: loaded from `buffer`, or
  /// splats when every channel has the same value.
  std::pair<Value, Value> channelPair(ArrayRef<int64_t> values, Value buffer,
                                      Value channel);
  /// The even and the odd i32 lanes of `v`, sign-extended to i64.
  std::pair<Value, Value> splitLanes(Value v);

  /// Per kernel kind: constants, and the loops (ConvolutionKernel.cpp,
  /// DepthwiseKernel.cpp, GemvKernel.cpp).
  void prepareConvolution();

  void buildByteRun(Value src, Value srcOffset, Value dst, Value dstOffset,
                    int64_t length, int8_t fill);
  Value buildHalo();
  /// The kernel of a GEMV with 4-bit weights (`spec.nibbleGemv`), writing
  /// the flat `output`: its packed weights and bias, the copy of the input
  /// into the zero-padded `row` (returning `8 * sum(x)` on every lane), and
  /// the dot products of `ob` blocks of 16 outputs at `block`.
  void prepareNibbleGemv();
  Value buildNibbleRow(Value row);
  void buildNibbleGroup(Value row, Value offset8, Value output, Value block,
                        int64_t ob);
  void emitNibbleGemv(Value output);
  void buildTiles(Value halo, Value output);
  /// The sparse kernel's weight lists and bias, the copy of image `n` into
  /// its pixel grid, and its loops (SparseKernel.cpp).
  void prepareSparseConvolution();
  void buildPixelGrid(Value n, Value gridWords);
  void emitSparseConvolution(Value output);
  /// The depthwise kernel's weights and bias, and its loops.
  void prepareDepthwise();
  void buildDepthwiseTiles(Value halo, Value output);
  /// The kernel taps [first, last) that a tile of output row `oy` visits
  /// (rows in the padding are skipped) and the offset of the bias row it
  /// starts from.
  std::tuple<Value, Value, Value> tapRange(Value oy);
  /// The accumulators of an `xb` x `ob` tile at `block`, set to the bias.
  Accumulators loadBias(Value biasRow, Value block, int64_t xb, int64_t ob);
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
  Value weightsBuffer, biasBuffer, skipBuffer, sparseStarts;
  RescaleTables requantizeTables, kernelSideTables, skipSideTables,
      outputTables;
  Value requantizeBuffers[4], kernelSideBuffers[4], skipSideBuffers[4],
      outputBuffers[4];
};


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


} // namespace compress::x86

#endif // COMPRESS_LIB_CONVERSION_QINTTOX86_KERNELEMITTER_H
