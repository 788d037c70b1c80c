//===- WeightPackingTest.cpp - Packed weight bitstreams -------------------===//
//
// Round trips of every bit width and signedness through packWeights and
// unpackWeights, on counts that do and do not fill the last byte, and the
// exact bytes of a few streams as the packed layout defines them.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Utils/WeightPacking.h"

#include <gtest/gtest.h>

#include <random>

using namespace compress::qint;

namespace {

/// Random weights of `bits` bits: binary {-1, +1}, the narrow signed range,
/// or [0, 2^bits - 1]; the ends of the range come up often.
std::vector<int8_t> randomWeights(std::mt19937 &rng, int64_t count,
                                  int64_t bits, bool isSigned) {
  int hi = isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  int lo = isSigned ? -hi : 0;
  std::uniform_int_distribution<int> value(lo, hi), edge(0, 3);
  std::vector<int8_t> values(count);
  for (int8_t &v : values) {
    if (isSigned && bits == 1)
      v = edge(rng) % 2 ? 1 : -1;
    else if (edge(rng) == 0)
      v = edge(rng) % 2 ? hi : lo;
    else
      v = int8_t(value(rng));
  }
  return values;
}

TEST(WeightPacking, RoundTripsEveryWidth) {
  std::mt19937 rng(20260514);
  for (bool isSigned : {true, false}) {
    for (int64_t bits = 1; bits <= 8; ++bits) {
      if (!isSigned && bits == 8)
        continue; // Unsigned weights have at most 7 bits in i8.
      for (int64_t count : {0, 1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 31, 63,
                            64, 65, 127, 1001}) {
        SCOPED_TRACE(testing::Message() << bits << "-bit "
                                        << (isSigned ? "signed" : "unsigned")
                                        << ", " << count << " values");
        std::vector<int8_t> values =
            randomWeights(rng, count, bits, isSigned);
        std::vector<uint8_t> bytes = packWeights(values, bits, isSigned);
        ASSERT_EQ(int64_t(bytes.size()), (count * bits + 7) / 8);
        ASSERT_EQ(int64_t(bytes.size()), getPackedByteCount(count, bits));
        int64_t usedBits = (count * bits) % 8;
        if (usedBits) {
          EXPECT_EQ(bytes.back() >> usedBits, 0) << "padding bits are set";
        }
        EXPECT_EQ(unpackWeights(bytes, count, bits, isSigned), values);
      }
    }
  }
}

TEST(WeightPacking, FieldsOfEveryValue) {
  for (bool isSigned : {true, false}) {
    for (int64_t bits = 1; bits <= (isSigned ? 8 : 7); ++bits) {
      int hi = isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
      int lo = isSigned ? -hi : 0;
      for (int v = lo; v <= hi; ++v) {
        if (isSigned && bits == 1 && v == 0)
          continue;
        uint8_t field = encodeWeightField(int8_t(v), bits, isSigned);
        EXPECT_LT(unsigned(field), 1u << bits);
        EXPECT_EQ(decodeWeightField(field, bits, isSigned), v)
            << bits << "-bit field " << unsigned(field);
      }
    }
  }
}

TEST(WeightPacking, BinaryStoresOneForPlusOne) {
  // Bits from the lowest: 1, 0, 0, 1, 1, 1, 1, 0 | 0.
  std::vector<int8_t> values = {1, -1, -1, 1, 1, 1, 1, -1, -1};
  EXPECT_EQ(packWeights(values, 1, true), (std::vector<uint8_t>{0x79, 0x00}));
}

TEST(WeightPacking, TernaryIsTwoBitTwosComplement) {
  // Fields 01, 11, 00, 01 | 11.
  std::vector<int8_t> values = {1, -1, 0, 1, -1};
  EXPECT_EQ(packWeights(values, 2, true), (std::vector<uint8_t>{0x4D, 0x03}));
}

TEST(WeightPacking, ThreeBitFieldsStraddleBytes) {
  // Fields 3, 5, 7, 1 at bits 0, 3, 6, 9: 3 + 5 * 8 + 7 * 64 + 1 * 512 =
  // 0x3EB; the field 7 at bit 6 straddles bytes 0 and 1.
  std::vector<int8_t> values = {3, -3, -1, 1};
  EXPECT_EQ(packWeights(values, 3, true), (std::vector<uint8_t>{0xEB, 0x03}));
  EXPECT_EQ(unpackWeights({0xEB, 0x03}, 4, 3, true), values);
}

TEST(WeightPacking, UnsignedFieldsAreTheValues) {
  std::vector<int8_t> values = {15, 0, 9};
  EXPECT_EQ(packWeights(values, 4, false), (std::vector<uint8_t>{0x0F, 0x09}));
}

TEST(WeightPacking, SparseRoundTripsEveryBlockShape) {
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int64_t> extent(1, 7), blockExtent(1, 5),
      rank(1, 4), tenths(0, 10), bitsOf(2, 8);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<int64_t> shape(rank(rng)), block(shape.size());
    int64_t count = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
      shape[d] = extent(rng);
      block[d] = blockExtent(rng);
      count *= shape[d];
    }
    int64_t bits = bitsOf(rng);
    bool isSigned = bits == 8 || trial % 3 != 0;
    std::vector<int8_t> values = randomWeights(rng, count, bits, isSigned);
    // Prune whole blocks, from none to all of them.
    WeightBlocks blocks(shape, block);
    int64_t pruned = tenths(rng), kept = 0;
    for (int64_t b = 0; b < blocks.getNumBlocks(); ++b) {
      bool prune = int64_t(rng() % 10) < pruned;
      bool nonzero = false;
      for (int64_t i : blocks.getElements(b)) {
        if (prune)
          values[i] = 0;
        nonzero |= values[i] != 0;
      }
      kept += nonzero ? blocks.getElements(b).size() : 0;
    }
    SparseWeights sparse = encodeSparseWeights(values, blocks, bits, isSigned);
    ASSERT_EQ(int64_t(sparse.mask.size()),
              getPackedByteCount(blocks.getNumBlocks(), 1));
    ASSERT_EQ(countKeptWeights(sparse.mask, blocks), kept);
    ASSERT_EQ(int64_t(sparse.values.size()), getPackedByteCount(kept, bits));
    EXPECT_EQ(decodeSparseWeights(sparse.mask, sparse.values, blocks, bits,
                                  isSigned),
              values)
        << "trial " << trial;
  }
}

TEST(WeightPacking, SparseBlocksGroupRowMajorElements) {
  // A 2x5 tensor in 1x4 blocks: [0..3], [4], [5..8], [9].
  WeightBlocks blocks({2, 5}, {1, 4});
  ASSERT_EQ(blocks.getNumBlocks(), 4);
  EXPECT_EQ(blocks.getElements(0).vec(), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(blocks.getElements(1).vec(), (std::vector<int64_t>{4}));
  EXPECT_EQ(blocks.getElements(3).vec(), (std::vector<int64_t>{9}));
  // Blocks 0 and 3 hold nonzeros: mask 0b1001; 4-bit fields 1, 0, 0, -1
  // then 5: bytes 0x01, 0xF0, 0x05.
  std::vector<int8_t> values = {1, 0, 0, -1, 0, 0, 0, 0, 0, 5};
  SparseWeights sparse = encodeSparseWeights(values, blocks, 4, true);
  EXPECT_EQ(sparse.mask, (std::vector<uint8_t>{0x09}));
  EXPECT_EQ(sparse.values, (std::vector<uint8_t>{0x01, 0xF0, 0x05}));
}

} // namespace
