//===- GemvKernel.cpp - GEMV with 4-bit weights kept packed ---------------===//
//
// A matrix-vector product (qint.matmul with one row) whose weights fit 4
// signed bits: it reads each weight once, so its time is the weights'
// bytes, and the weights stay packed two to a byte, unpacked in registers.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace compress;
using namespace compress::x86;

/// A GEMV is bound by reading its weights, so 4-bit weights stay packed:
/// the 64 bytes of each block of 16 outputs and 8 reduction steps hold
/// `w + 8` (0..15) for reduction steps 0-3 in their low nibbles and 4-7 in
/// their high nibbles, ordered `[O/128][K/8][8][16][4]` (groups of eight
/// blocks). Unpacking is an `and` (low) or a 16-bit shift and an `and`
/// (high), and the unsigned operand of `vpdpbusd` is then the weights, the
/// signed one the activations as they are. So `sum (w + 8) x = sum w x +
/// 8 sum x`: the last term is taken off at run time, `sum (x - zp) w =
/// sum w x - zp sum w` at compile time.
/// Blocks of 16 outputs computed together: eight loads in flight.
constexpr int64_t kGroupBlocks = 8;

void KernelEmitter::prepareNibbleGemv() {
  int64_t k = g.c, blocks = g.channelBlocks();
  int64_t pairs = llvm::divideCeil(k, 2 * kGroup);
  std::vector<int8_t> packed(blocks * pairs * kLanes * kGroup, 0);
  std::vector<int32_t> bias(blocks * kLanes, 0);
  for (int64_t o = 0; o < g.oc; ++o) {
    int64_t sum = 0;
    for (int64_t r = 0; r < pairs * 2 * kGroup; ++r) {
      int64_t w = r < k ? spec.weights[o * k + r] : 0;
      sum += w;
      int64_t pair = r / (2 * kGroup), half = (r / kGroup) % 2;
      // Within a group of blocks the blocks' vectors of one pair are
      // adjacent, so a group reads one stream.
      int64_t block = o / kLanes, first = block / kGroupBlocks * kGroupBlocks;
      int64_t inGroup = std::min(kGroupBlocks, blocks - first);
      int64_t at = ((first * pairs + pair * inGroup + (block - first)) *
                        kLanes +
                    o % kLanes) *
                       kGroup +
                   r % kGroup;
      packed[at] = int8_t(uint8_t(packed[at]) | uint8_t((w + 8) << (4 * half)));
    }
    bias[o] = int32_t(uint32_t(uint64_t(spec.bias[o]) -
                               uint64_t(g.inputZp) * uint64_t(sum)));
  }
  weightsBuffer = constantBuffer(ArrayRef<int8_t>(packed), i8);
  biasBuffer = constantBuffer(ArrayRef<int32_t>(bias), i32);
}

Value KernelEmitter::buildNibbleRow(Value row) {
  int64_t k = g.c, rowBytes = cast<MemRefType>(row.getType()).getShape()[0];
  Value input = flatInput(spec.input);
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
    Value x = vector::MaskedLoadOp::create(b, bytes64, input,
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
  return vector::BroadcastOp::create(
      b, acc16, arith::MulIOp::create(b, sumX,
                                      arith::ConstantIntOp::create(b, i32, 8)));
}

void KernelEmitter::buildNibbleGroup(Value row, Value offset8, Value output,
                                     Value block, int64_t ob) {
  int64_t pairs = llvm::divideCeil(g.c, 2 * kGroup);
  VectorType bytes64 = VectorType::get({kLanes * kGroup}, i8);
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
      Value at = mul(add(add(mul(block, pairs), mul(pair, ob)), j),
                     kLanes * kGroup);
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
}

void KernelEmitter::emitNibbleGemv(Value output) {
  // The input row, zero-padded to whole 64-byte vectors, and 8 * sum(x).
  Value row = memref::AllocOp::create(
      b, MemRefType::get({int64_t(llvm::alignTo(g.c, 64))}, i8),
      b.getI64IntegerAttr(64));
  Value offset8 = buildNibbleRow(row);
  // `ob` blocks of 16 outputs at `block`, two accumulators each (low and
  // high nibbles) so that eight dot-product chains run at once.
  int64_t blocks = g.channelBlocks();
  int64_t full = blocks / kGroupBlocks * kGroupBlocks;
  if (full > 0) {
    auto loop =
        scf::ForOp::create(b, index(0), index(full), index(kGroupBlocks));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    buildNibbleGroup(row, offset8, output, loop.getInductionVar(),
                     kGroupBlocks);
  }
  if (full < blocks)
    buildNibbleGroup(row, offset8, output, index(full), blocks - full);
}
