//===- ConvolutionKernel.cpp - The VNNI convolution kernel ----------------===//
//
// Convolutions and matmuls (1x1 convolutions over the rows) as register
// tiles of XB pixels x OB blocks of 16 output channels, accumulated by
// `vpdpbusd` from weights packed `[O/16][KH][KW][C/4][16][4]` and
// broadcasts of four input channels.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace compress;
using namespace compress::x86;

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
/// output row, `[OH][O]`. Without `skipPaddedRows`, every row counts.
std::vector<int32_t> compress::x86::correctedBias(const KernelSpec &spec,
                                                  bool skipPaddedRows) {
  const Geometry &g = spec.g;
  int64_t channels = g.channelBlocks() * kLanes;
  bool perRow = skipPaddedRows && g.inputZp != -128 && g.hasPaddedRows();
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


void KernelEmitter::prepareConvolution() {
  weightsBuffer = constantBuffer(ArrayRef<int8_t>(packWeights(spec)), i8);
  biasBuffer = constantBuffer(
      ArrayRef<int32_t>(correctedBias(spec, /*skipPaddedRows=*/true)), i32);
}

std::tuple<Value, Value, Value> KernelEmitter::tapRange(Value oy) {
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
  return {firstTap, lastTap, biasRow};
}

KernelEmitter::Accumulators KernelEmitter::loadBias(Value biasRow, Value block,
                                                    int64_t xb, int64_t ob) {
  Accumulators init;
  for (int64_t i = 0; i < xb; ++i)
    for (int64_t j = 0; j < ob; ++j)
      init.push_back(vector::LoadOp::create(
          b, acc16, biasBuffer,
          ValueRange{add(biasRow, mul(add(block, j), kLanes))}));
  return init;
}

/// Whether pixel `x` of a tile at known column `ox` reads padding through
/// kernel column `j`, where that contributes nothing.
static bool readsOnlyPadding(const Geometry &g, std::optional<int64_t> ox,
                             int64_t x, int64_t j) {
  if (!ox || g.inputZp != -128)
    return false;
  int64_t column = (*ox + x) * g.sx + j * g.dx - g.padLeft;
  return column < 0 || column >= g.w;
}

void KernelEmitter::buildTile(Value halo, Value output, Value n, Value oy,
                              Value ox, Value block, int64_t xb, int64_t ob,
                              std::optional<int64_t> knownOx) {
  int64_t cp = g.paddedChannels(), quads = cp / kGroup;
  int64_t rows = g.haloRows(), cols = g.haloCols();
  VectorType bytes64 = VectorType::get({kLanes * kGroup}, i8);
  VectorType quadType = VectorType::get({kGroup}, i8);
  VectorType oneWord = VectorType::get({1}, i32);

  auto [firstTap, lastTap, biasRow] = tapRange(oy);
  Accumulators init = loadBias(biasRow, block, xb, ob);

  // Start of halo row oy*sy of image n, and of the pixel columns.
  Value rowBase = mul(add(mul(n, rows), mul(oy, g.sy)), cols);
  Value colBase = mul(ox, g.sx);
  int64_t weightsPerBlock = g.kh * g.kw * cp * kLanes;

  // Kernel rows in a loop, kernel columns unrolled (no division per tap,
  // and with stride 1 neighbouring pixels' broadcasts are shared between
  // columns), reduction quads in an inner loop.
  auto taps = scf::ForOp::create(b, firstTap, lastTap, index(g.kw), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(taps.getBody());
    Value rowTap = taps.getInductionVar();
    Value i = arith::DivUIOp::create(b, rowTap, index(g.kw));
    Value rowPixel = add(rowBase, mul(mul(i, g.dy), cols));
    SmallVector<Value> accs(taps.getRegionIterArgs());
    for (int64_t j = 0; j < g.kw; ++j) {
      Value pixel0 = add(rowPixel, add(colBase, j * g.dx));
      SmallVector<Value> pixelBytes;
      for (int64_t x = 0; x < xb; ++x)
        pixelBytes.push_back(mul(add(pixel0, x * g.sx), cp));
      SmallVector<Value> weightBase;
      for (int64_t k = 0; k < ob; ++k)
        weightBase.push_back(add(mul(add(block, k), weightsPerBlock),
                                 mul(add(rowTap, j), cp * kLanes)));
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
        if (readsOnlyPadding(g, knownOx, x, j))
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

/// The register tile: blocks of 16 channels (up to 4) and as many pixels
/// as keep the accumulators within 24 registers, preferring a count that
/// divides the row.
static std::pair<int64_t, int64_t> chooseTile(const Geometry &g) {
  // The weights of one group of blocks should leave room in the 32 KiB L1
  // cache for the activations.
  constexpr int64_t kL1WeightBytes = 24 * 1024;
  int64_t blockBytes = g.kh * g.kw * g.paddedChannels() * kLanes;
  int64_t ob = std::min<int64_t>(g.channelBlocks(), 4);
  if (2 * blockBytes > kL1WeightBytes) {
    // Wide layers (a 3x3 kernel over 88 channels or more, a matmul over
    // more than 768): a group of two or more blocks does not fit, and its
    // weights stream from L2 whatever the tile. Three blocks then let each
    // broadcast of activations feed three `vpdpbusd`: 11 loads per 24
    // against 25 with one block, the L1 fit. On an Emerald Rapids Xeon
    // this took GEMM 256x1024x1024 from 0.89x to 0.98x oneDNN and a
    // 8x8x256 -> 256 convolution from 0.65x to 1.02x.
    ob = std::min<int64_t>(g.channelBlocks(), 3);
  } else {
    while (ob > 1 && ob * blockBytes > kL1WeightBytes)
      ob /= 2;
  }
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

