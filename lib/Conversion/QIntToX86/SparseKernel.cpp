//===- SparseKernel.cpp - Convolutions that skip zero weight blocks -------===//
//
// A convolution or matmul whose weights are mostly zero in 1x4 blocks (four
// input channels of one tap of one output channel, the blocks
// `compress-prune pattern=block4` zeroes) is computed with the roles of the
// dense kernel's operands swapped: the 16 lanes of an accumulator are 16
// output pixels of one output channel, the activations are the vector
// operand (four channels of 16 pixels, 64 bytes) and each nonzero weight
// block is one 32-bit broadcast. A zero block is then one `vpdpbusd` fewer
// for every 16 pixels, whatever the other channels hold.
//
// The activations are copied once per image into a "pixel grid" where the
// 16 pixels a vector holds are consecutive: per stride phase (input rows
// and columns split by their remainder modulo the stride) and channel quad,
// the phase's pixels row by row, `[phase][C/4][rows][width][4]`, the padding
// included. Output pixels are counted on the same grid (`y * width + x`),
// so that the pixels a tap reads for 16 consecutive outputs are 16
// consecutive grid words at a constant offset from them; the columns past
// the output's width are computed and thrown away. Each channel's nonzero
// blocks are a list of (grid byte offset, weight word) pairs.
//
// A tile is 16 * PB grid pixels by the 16 channels of one output block; its
// accumulators go through a 16x16 transpose in registers so that the
// epilogue (requantize, residual add) and stores are the dense kernel's,
// one output pixel of 16 channels at a time.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace compress;
using namespace compress::x86;

namespace {

/// Where the sparse kernel keeps its activations, and how it tiles the
/// output pixels.
struct PixelGrid {
  int64_t width;  // grid columns (per stride phase)
  int64_t rows;   // grid rows, with the slack that the last tile reads
  int64_t blocks; // vectors of 16 pixels in a tile (PB)
  int64_t tiles;

  int64_t pixels() const { return rows * width; }
  int64_t tilePixels() const { return blocks * kLanes; }
};

} // namespace

/// The phase of tap (`i`, `j`) (its row and column remainders modulo the
/// stride) and its offset on the grid from the output pixel it serves.
static std::pair<int64_t, int64_t> tapPosition(const Geometry &g, int64_t width,
                                               int64_t i, int64_t j) {
  int64_t ry = i * g.dy, rx = j * g.dx;
  return {(ry % g.sy) * g.sx + rx % g.sx, (ry / g.sy) * width + rx / g.sx};
}

static PixelGrid pixelGrid(const Geometry &g) {
  PixelGrid p;
  p.width = llvm::divideCeil(g.haloCols(), g.sx);
  int64_t blocks = llvm::divideCeil(g.oh * p.width, kLanes);
  // PB from 2 to 6 accumulators per channel (independent dot product
  // chains), the one that leaves fewest grid pixels unused.
  p.blocks = 2;
  for (int64_t pb = 3; pb <= 6; ++pb)
    if (llvm::divideCeil(blocks, pb) * pb <=
        llvm::divideCeil(blocks, p.blocks) * p.blocks)
      p.blocks = pb;
  p.tiles = llvm::divideCeil(blocks, p.blocks);
  int64_t reach = tapPosition(g, p.width, g.kh - 1, g.kw - 1).second;
  p.rows = std::max(llvm::divideCeil(p.tiles * p.tilePixels() + reach, p.width),
                    llvm::divideCeil(g.haloRows(), g.sy));
  return p;
}

/// The four weights of input channels [4q, 4q + 4) at tap (i, j) of output
/// channel `o`, as the little-endian word `vpdpbusd` reads.
static uint32_t weightWord(const KernelSpec &spec, int64_t o, int64_t i,
                           int64_t j, int64_t q) {
  const Geometry &g = spec.g;
  uint32_t word = 0;
  for (int64_t k = 0; k < kGroup; ++k)
    word |=
        uint32_t(uint8_t(
            spec.weights[((o * g.kh + i) * g.kw + j) * g.c + q * kGroup + k]))
        << (8 * k);
  return word;
}

bool compress::x86::useSparseKernel(const KernelSpec &spec,
                                    int64_t minZeroPercent) {
  const Geometry &g = spec.g;
  if (spec.depthwise || spec.nibbleGemv || g.c % kGroup != 0 ||
      minZeroPercent > 100)
    return false;
  // Grid pixels past the output's width, and the last tile's, are computed
  // for nothing; at most half of them may be.
  PixelGrid p = pixelGrid(g);
  if (2 * g.oh * g.ow < p.tiles * p.tilePixels())
    return false;
  // The weight lists hold grid byte offsets as i32.
  if (g.sy * g.sx * g.c * p.pixels() >= (int64_t(1) << 31))
    return false;
  int64_t zero = 0, total = 0;
  for (int64_t o = 0; o < g.oc; ++o)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j)
        for (int64_t q = 0; q < g.c / kGroup; ++q, ++total)
          zero += weightWord(spec, o, i, j, q) == 0;
  return 100 * zero >= minZeroPercent * total;
}

void KernelEmitter::prepareSparseConvolution() {
  PixelGrid p = pixelGrid(g);
  int64_t quads = g.c / kGroup, channels = g.channelBlocks() * kLanes;
  // Channel o's blocks are entries [starts[o], starts[o + 1]) of
  // `entries`, each a grid byte offset and a weight word.
  std::vector<int32_t> starts, entries;
  for (int64_t o = 0; o < channels; ++o) {
    starts.push_back(entries.size() / 2);
    if (o >= g.oc)
      continue;
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) {
        auto [phase, offset] = tapPosition(g, p.width, i, j);
        for (int64_t q = 0; q < quads; ++q)
          if (uint32_t word = weightWord(spec, o, i, j, q)) {
            entries.push_back(
                int32_t(((phase * quads + q) * p.pixels() + offset) * kGroup));
            entries.push_back(int32_t(word));
          }
      }
  }
  starts.push_back(entries.size() / 2);
  // An empty constant buffer would not lower; no entry is ever read then.
  if (entries.empty())
    entries.assign(2, 0);
  sparseStarts = constantBuffer(ArrayRef<int32_t>(starts), i32);
  weightsBuffer = constantBuffer(ArrayRef<int32_t>(entries), i32);
  // The grid holds the padding (as zp + 128), so every tap counts in the
  // folded bias.
  biasBuffer = constantBuffer(
      ArrayRef<int32_t>(correctedBias(spec, /*skipPaddedRows=*/false)), i32);
}

/// The transpose of the 16x16 matrix whose rows are `rows`: four rounds
/// that swap the off-diagonal blocks of 8, 4, 2 and 1 lanes, each a
/// two-source shuffle per row.
static SmallVector<Value> transpose16(ImplicitLocOpBuilder &b,
                                      SmallVector<Value> rows) {
  for (int64_t h = kLanes / 2; h >= 1; h /= 2) {
    SmallVector<int64_t> low, high;
    for (int64_t j = 0; j < kLanes; ++j) {
      bool upper = j & h;
      low.push_back(upper ? kLanes + j - h : j);
      high.push_back(upper ? kLanes + j : j + h);
    }
    for (int64_t i = 0; i < kLanes; ++i) {
      if (i & h)
        continue;
      Value top = rows[i], bottom = rows[i + h];
      rows[i] = vector::ShuffleOp::create(b, top, bottom, low);
      rows[i + h] = vector::ShuffleOp::create(b, top, bottom, high);
    }
  }
  return rows;
}

/// Copies image `n` of the input into the grid, shifted to u8 (xor 0x80),
/// with `zp + 128` wherever a grid pixel lies in the padding (or past the
/// halo). 16 grid pixels by 16 channel quads at a time: one 64-byte load
/// per pixel (its quads, or the padding value), a 16x16 transpose of the
/// words, and one store per quad.
void KernelEmitter::buildPixelGrid(Value n, Value gridWords) {
  PixelGrid p = pixelGrid(g);
  int64_t quads = g.c / kGroup;
  VectorType bytes64 = VectorType::get({kLanes * kGroup}, i8);
  VectorType byteMask = VectorType::get({kLanes * kGroup}, b.getI1Type());
  VectorType wordMask = VectorType::get({kLanes}, b.getI1Type());
  Value input = flatInput(spec.input);
  // The padding value, before the flip that shifts everything to u8.
  Value padding = arith::ConstantOp::create(
      b, cast<TypedAttr>(DenseElementsAttr::get(
             bytes64,
             b.getI8IntegerAttr(int8_t(uint8_t(g.inputZp + 128) ^ 0x80)))));
  Value flip = splat(int32_t(0x80808080u), i32);
  auto cmp = [&](arith::CmpIPredicate predicate, Value x, int64_t c) {
    return arith::CmpIOp::create(b, predicate, x, index(c)).getResult();
  };
  auto select = [&](Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, condition, x, y).getResult();
  };

  // Grid columns [t0, t0 + columns) of grid row `r`, quads [q0, q0 +
  // count).
  auto block = [&](int64_t py, int64_t px, Value r, Value q0, int64_t count,
                   Value t0, int64_t columns) {
    Value y = add(mul(r, g.sy), py - g.padTop);
    Value rowInside =
        arith::AndIOp::create(b, cmp(arith::CmpIPredicate::sge, y, 0),
                              cmp(arith::CmpIPredicate::slt, y, g.h));
    Value rowStart =
        mul(add(mul(n, g.h), select(rowInside, y, index(0))), g.w * g.c);
    SmallVector<Value> rows;
    for (int64_t t = 0; t < kLanes; ++t) {
      if (t >= columns) {
        rows.push_back(splat(0, i32));
        continue;
      }
      Value x = add(mul(add(t0, t), g.sx), px - g.padLeft);
      Value inside = arith::AndIOp::create(
          b, rowInside,
          arith::AndIOp::create(b, cmp(arith::CmpIPredicate::sge, x, 0),
                                cmp(arith::CmpIPredicate::slt, x, g.w)));
      Value mask = vector::CreateMaskOp::create(
          b, byteMask,
          ValueRange{select(inside, index(count * kGroup), index(0))});
      Value at = add(add(rowStart, mul(select(inside, x, index(0)), g.c)),
                     mul(q0, kGroup));
      Value v = vector::MaskedLoadOp::create(b, bytes64, input, ValueRange{at},
                                             mask, padding);
      rows.push_back(arith::XOrIOp::create(
          b, vector::BitCastOp::create(b, acc16, v), flip));
    }
    SmallVector<Value> columnsOfQuads = transpose16(b, std::move(rows));
    int64_t phase = py * g.sx + px;
    for (int64_t k = 0; k < count; ++k) {
      Value at = add(
          add(mul(add(add(q0, k), phase * quads), p.pixels()), mul(r, p.width)),
          t0);
      if (columns == kLanes) {
        vector::StoreOp::create(b, columnsOfQuads[k], gridWords,
                                ValueRange{at});
        continue;
      }
      Value mask =
          vector::CreateMaskOp::create(b, wordMask, ValueRange{index(columns)});
      vector::MaskedStoreOp::create(b, gridWords, ValueRange{at}, mask,
                                    columnsOfQuads[k]);
    }
  };

  int64_t fullQuads = quads / kLanes * kLanes;
  int64_t fullColumns = p.width / kLanes * kLanes;
  for (int64_t py = 0; py < g.sy; ++py)
    for (int64_t px = 0; px < g.sx; ++px)
      forEach(0, p.rows, 1, [&](Value r) {
        auto quadBlocks = [&](Value t0, int64_t columns) {
          forEach(0, fullQuads, kLanes,
                  [&](Value q0) { block(py, px, r, q0, kLanes, t0, columns); });
          if (fullQuads < quads)
            block(py, px, r, index(fullQuads), quads - fullQuads, t0, columns);
        };
        forEach(0, fullColumns, kLanes,
                [&](Value t0) { quadBlocks(t0, kLanes); });
        if (fullColumns < p.width)
          quadBlocks(index(fullColumns), p.width - fullColumns);
      });
}

void KernelEmitter::emitSparseConvolution(Value output) {
  PixelGrid p = pixelGrid(g);
  int64_t quads = g.c / kGroup, phases = g.sy * g.sx;
  int64_t gridWordCount = phases * quads * p.pixels();
  auto words = [&](int64_t count) { return MemRefType::get({count}, i32); };
  Value grid =
      memref::AllocOp::create(b, MemRefType::get({gridWordCount * kGroup}, i8),
                              b.getI64IntegerAttr(64));
  Value gridWords = memref::ViewOp::create(b, words(gridWordCount), grid,
                                           index(0), ValueRange{});
  // The tile's accumulators, `[PB][16 channels][16 pixels]`, and one block
  // transposed, `[16 pixels][16 channels]`.
  Value tileSums = memref::AllocOp::create(b, words(p.blocks * kLanes * kLanes),
                                           b.getI64IntegerAttr(64));
  Value pixelSums = memref::AllocOp::create(b, words(kLanes * kLanes),
                                            b.getI64IntegerAttr(64));
  VectorType bytes64 = VectorType::get({kLanes * kGroup}, i8);
  auto load32 = [&](Value buffer, Value at) {
    Value word = memref::LoadOp::create(b, buffer, ValueRange{at});
    return arith::IndexCastOp::create(b, b.getIndexType(), word).getResult();
  };

  forEach(0, g.n, 1, [&](Value n) {
    buildPixelGrid(n, gridWords);
    forEach(0, p.tiles, 1, [&](Value tile) {
      Value pixel0 = mul(tile, p.tilePixels());
      Value byte0 = mul(pixel0, kGroup);
      forEach(0, g.channelBlocks(), 1, [&](Value block) {
        forEach(0, kLanes, 1, [&](Value lane) {
          Value channel = add(mul(block, kLanes), lane);
          Value first = load32(sparseStarts, channel);
          Value last = load32(sparseStarts, add(channel, 1));
          SmallVector<Value> init(p.blocks, splat(0, i32));
          auto blocks = scf::ForOp::create(b, first, last, index(1), init);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(blocks.getBody());
            Value entry = mul(blocks.getInductionVar(), 2);
            Value offset = add(load32(weightsBuffer, entry), byte0);
            Value word = memref::LoadOp::create(b, weightsBuffer,
                                                ValueRange{add(entry, 1)});
            Value w = vector::BitCastOp::create(
                b, bytes64, vector::BroadcastOp::create(b, acc16, word));
            SmallVector<Value> next;
            for (int64_t k = 0; k < p.blocks; ++k) {
              Value a = vector::LoadOp::create(
                  b, bytes64, grid,
                  ValueRange{add(offset, k * kLanes * kGroup)});
              next.push_back(
                  func::CallOp::create(
                      b, dotProduct,
                      ValueRange{blocks.getRegionIterArgs()[k], a, w})
                      .getResult(0));
            }
            scf::YieldOp::create(b, next);
          }
          for (int64_t k = 0; k < p.blocks; ++k)
            vector::StoreOp::create(
                b, blocks.getResult(k), tileSums,
                ValueRange{mul(add(lane, k * kLanes), kLanes)});
        });
        Value channel = mul(block, kLanes);
        Value bias =
            vector::LoadOp::create(b, acc16, biasBuffer, ValueRange{channel});
        forEach(0, p.blocks, 1, [&](Value k) {
          SmallVector<Value> rows;
          for (int64_t c = 0; c < kLanes; ++c)
            rows.push_back(vector::LoadOp::create(
                b, acc16, tileSums,
                ValueRange{mul(add(mul(k, kLanes), c), kLanes)}));
          SmallVector<Value> columns = transpose16(b, std::move(rows));
          for (int64_t l = 0; l < kLanes; ++l)
            vector::StoreOp::create(b, columns[l], pixelSums,
                                    ValueRange{index(l * kLanes)});
          forEach(0, kLanes, 1, [&](Value l) {
            Value at = add(add(pixel0, mul(k, kLanes)), l);
            Value y = arith::DivUIOp::create(b, at, index(p.width));
            Value x = arith::RemUIOp::create(b, at, index(p.width));
            Value inside = arith::AndIOp::create(
                b,
                arith::CmpIOp::create(b, arith::CmpIPredicate::ult, y,
                                      index(g.oh)),
                arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x,
                                      index(g.ow)));
            auto store = scf::IfOp::create(b, inside, /*withElse=*/false);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(store.thenBlock());
            Value sums = vector::LoadOp::create(b, acc16, pixelSums,
                                                ValueRange{mul(l, kLanes)});
            Value pixel = add(mul(add(mul(n, g.oh), y), g.ow), x);
            storeBlock(arith::AddIOp::create(b, sums, bias), output, pixel,
                       channel);
          });
        });
      });
    });
  });
}
