//===- KernelEmitter.cpp - What every kernel shares -----------------------===//
//
// Constant buffers, the requantize and residual-add epilogue (exactly
// tosa.apply_scale's 64-bit formula, FixedPoint.h), stores of 16-channel
// blocks, the halo buffer, and the kernel's result.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace compress;
using namespace compress::x86;

/// The constants of `r` for each of `channels` lanes (padding lanes repeat
/// the last channel's).
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
  // `(x + zp * 2^shift) >> shift` is `(x >> shift) + zp` exactly, and the
  // i32 truncation after it wraps the same way, so the output zero point
  // joins the rounding term when no sum can leave i64: |product| <= 2^62,
  // |round| <= 2^62 / 4 for the shifts where |zp| * 2^shift stays small.
  bool small = r.outputZp != 0 && r.outputZp > -(int64_t(1) << 32) &&
               r.outputZp < (int64_t(1) << 32);
  unsigned zpBits = small ? llvm::Log2_64_Ceil(std::abs(r.outputZp) + 1) : 64;
  t.zeroPointInRound = small && llvm::all_of(t.shift, [&](int64_t shift) {
                         return zpBits + shift <= 60;
                       });
  if (t.zeroPointInRound)
    for (size_t c = 0; c < t.shift.size(); ++c) {
      int64_t term = r.outputZp * (int64_t(1) << t.shift[c]);
      t.roundNonNegative[c] += term;
      t.roundNegative[c] += term;
    }
  return t;
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
      // Multipliers stay i32, in channel order: rescale splits them into
      // even and odd lanes as it does the values.
      SmallVector<int32_t> narrow(table->begin(), table->end());
      buffer = constantBuffer(ArrayRef<int32_t>(narrow), i32);
      continue;
    }
    // The 64-bit tables hold each block of 16 channels as its 8 even
    // channels, then its 8 odd ones: one vector<8xi64> each.
    std::vector<int64_t> split(table->size());
    for (size_t c = 0; c < table->size(); ++c) {
      size_t block = c / kLanes, lane = c % kLanes;
      split[block * kLanes + (lane % 2) * (kLanes / 2) + lane / 2] =
          (*table)[c];
    }
    buffer = constantBuffer(ArrayRef<int64_t>(split), i64);
  }
}

std::pair<Value, Value> KernelEmitter::channelPair(ArrayRef<int64_t> values,
                                                   Value buffer,
                                                   Value channel) {
  VectorType half = VectorType::get({kLanes / 2}, i64);
  if (!buffer) {
    Value v = arith::ConstantOp::create(
        b, cast<TypedAttr>(DenseElementsAttr::get(
               half, b.getI64IntegerAttr(values.front()))));
    return {v, v};
  }
  return {vector::LoadOp::create(b, half, buffer, ValueRange{channel}),
          vector::LoadOp::create(b, half, buffer,
                                 ValueRange{add(channel, kLanes / 2)})};
}

std::pair<Value, Value> KernelEmitter::splitLanes(Value v) {
  VectorType half = VectorType::get({kLanes / 2}, i64);
  Value wide = vector::BitCastOp::create(b, half, v);
  Value thirtyTwo = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(half, b.getI64IntegerAttr(32))));
  Value even = arith::ShRSIOp::create(
      b, arith::ShLIOp::create(b, wide, thirtyTwo), thirtyTwo);
  Value odd = arith::ShRSIOp::create(b, wide, thirtyTwo);
  return {even, odd};
}

/// `tosa.apply_scale` (upstream's 64-bit lowering, FixedPoint.h) on 16
/// lanes: `trunc32((sext64(v) * m + round(v)) >>s shift)`. The 64-bit
/// products are formed on the even and the odd lanes separately, each a
/// `vpmuldq` of the sign-extended halves of the i32 lanes, and the two
/// results are interleaved back: no widening to two vectors and narrowing
/// again.
Value KernelEmitter::rescale(Value value, const Rescale &r,
                             const RescaleTables &t, Value (&buffers)[4],
                             Value channel) {
  if (r.inputZp != 0)
    value = arith::SubIOp::create(b, value, splat(int32_t(r.inputZp), i32));
  auto [valueEven, valueOdd] = splitLanes(value);
  Value multiplier =
      buffers[0] ? vector::LoadOp::create(b, acc16, buffers[0],
                                          ValueRange{channel})
                       .getResult()
                 : splat(t.multiplier.front(), i32);
  auto [multiplierEven, multiplierOdd] = splitLanes(multiplier);
  auto [shiftEven, shiftOdd] = channelPair(t.shift, buffers[1], channel);
  auto [roundEven, roundOdd] =
      channelPair(t.roundNonNegative, buffers[2], channel);
  VectorType half = VectorType::get({kLanes / 2}, i64);
  Value zero = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(half, b.getI64IntegerAttr(0))));
  Value productEven = arith::MulIOp::create(b, valueEven, multiplierEven);
  Value productOdd = arith::MulIOp::create(b, valueOdd, multiplierOdd);
  if (t.roundNonNegative != t.roundNegative) {
    // The double-round term follows the sign of the value; with positive
    // multipliers (as quantization makes them) the product's sign is the
    // same, and testing it needs no sign-extended copy of the value.
    bool positive = llvm::all_of(t.multiplier, [](int64_t m) { return m > 0; });
    auto [negEven, negOdd] = channelPair(t.roundNegative, buffers[3], channel);
    auto pick = [&](Value lanes, Value product, Value nonNeg, Value neg) {
      Value isNonNeg = arith::CmpIOp::create(
          b, arith::CmpIPredicate::sge, positive ? product : lanes, zero);
      return arith::SelectOp::create(b, isNonNeg, nonNeg, neg).getResult();
    };
    roundEven = pick(valueEven, productEven, roundEven, negEven);
    roundOdd = pick(valueOdd, productOdd, roundOdd, negOdd);
  }
  Value even = arith::ShRSIOp::create(
      b, arith::AddIOp::create(b, productEven, roundEven), shiftEven);
  Value odd = arith::ShRSIOp::create(
      b, arith::AddIOp::create(b, productOdd, roundOdd), shiftOdd);
  // Low halves of the even results, and the odd results moved up.
  Value thirtyTwo = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(half, b.getI64IntegerAttr(32))));
  Value low = vector::BitCastOp::create(b, acc16, even);
  Value high = vector::BitCastOp::create(
      b, acc16, arith::ShLIOp::create(b, odd, thirtyTwo));
  SmallVector<bool> evenLanes;
  for (int64_t l = 0; l < kLanes; ++l)
    evenLanes.push_back(l % 2 == 0);
  Value evenMask = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(
             VectorType::get({kLanes}, b.getI1Type()), ArrayRef(evenLanes))));
  Value result = arith::SelectOp::create(b, evenMask, low, high);
  if (r.outputZp != 0 && !t.zeroPointInRound)
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
  if (spec.accBits < 32) {
    // The i32 sum wraps modulo 2^32, so its low accBits bits are the
    // narrow accumulator's: shift them to the top and back.
    Value amount = splat(32 - spec.accBits, i32);
    acc = arith::ShRSIOp::create(b, arith::ShLIOp::create(b, acc, amount),
                                 amount);
  }
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
  Value input = flatInput(spec.input);

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
        buildByteRun(input, srcRow, halo, dstPixels, copyCols * cp, 0);
        return;
      }
      forEachOf(copyCols, [&](Value col) {
        buildByteRun(input, add(srcRow, mul(col, g.c)), halo,
                     add(dstPixels, mul(col, cp)), g.c, 0);
      });
    });
  });
  return halo;
}

/// One tile: `xb` output pixels starting at column `ox` of row `oy`, by `ob`
/// blocks of 16 output channels starting at block `block`.
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

Value KernelEmitter::emit() {
  if (spec.depthwise)
    prepareDepthwise();
  else if (spec.sparse)
    prepareSparseConvolution();
  else if (spec.nibbleGemv)
    prepareNibbleGemv();
  else
    prepareConvolution();
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
  if (spec.add)
    skipBuffer = flatInput(spec.add->skip);
  // The result is the allocation itself, not a view of it, so that the
  // deallocation pipeline knows who owns it and need not copy it (it frees
  // the kernel's other buffers).
  Value output = memref::AllocOp::create(
      b, MemRefType::get(resultType.getShape(), resultType.getElementType()),
      b.getI64IntegerAttr(64));
  Value flatOutput = flatten(output);
  if (spec.nibbleGemv) {
    emitNibbleGemv(flatOutput);
  } else if (spec.sparse) {
    emitSparseConvolution(flatOutput);
  } else {
    Value halo = buildHalo();
    if (spec.depthwise)
      buildDepthwiseTiles(halo, flatOutput);
    else
      buildTiles(halo, flatOutput);
  }
  return bufferization::ToTensorOp::create(b, resultType, output,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

Value KernelEmitter::flatten(Value buffer) {
  int64_t rank = cast<MemRefType>(buffer.getType()).getRank();
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, rank))};
  return memref::CollapseShapeOp::create(b, buffer, all);
}

Value KernelEmitter::flatInput(Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  return flatten(bufferization::ToBufferOp::create(
      b, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true));
}

