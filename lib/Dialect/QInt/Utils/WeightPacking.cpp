//===- WeightPacking.cpp - Sub-byte weight bitstreams ---------------------===//
//
// Packing and unpacking of the `packed` weight layout. Fields are read and
// written one bit-aligned window at a time through a 16-bit word, since a
// field of at most 8 bits spans at most two bytes. The sparse layout stores
// the weights of its kept blocks in the same bitstream.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Utils/WeightPacking.h"

#include "llvm/ADT/STLExtras.h"

#include <cassert>

using namespace compress::qint;

int64_t compress::qint::getPackedByteCount(int64_t count, int64_t bits) {
  return (count * bits + 7) / 8;
}

uint8_t compress::qint::encodeWeightField(int8_t value, int64_t bits,
                                          bool isSigned) {
  assert(bits >= 1 && bits <= 8 && "weights have 1 to 8 bits");
  if (isSigned && bits == 1) {
    assert((value == -1 || value == 1) && "binary weights are -1 or +1");
    return value > 0 ? 1 : 0;
  }
  unsigned mask = (1u << bits) - 1;
  return uint8_t(unsigned(uint8_t(value)) & mask);
}

int8_t compress::qint::decodeWeightField(uint8_t field, int64_t bits,
                                         bool isSigned) {
  assert(bits >= 1 && bits <= 8 && "weights have 1 to 8 bits");
  if (!isSigned)
    return int8_t(field);
  if (bits == 1)
    return field ? 1 : -1;
  // Sign-extend the top bit of the field.
  int shift = 8 - int(bits);
  return int8_t(int8_t(uint8_t(field << shift)) >> shift);
}

std::vector<uint8_t> compress::qint::packWeights(llvm::ArrayRef<int8_t> values,
                                                 int64_t bits, bool isSigned) {
  std::vector<uint8_t> bytes(getPackedByteCount(values.size(), bits), 0);
  for (size_t k = 0, e = values.size(); k < e; ++k) {
    unsigned field = encodeWeightField(values[k], bits, isSigned);
    int64_t bit = int64_t(k) * bits;
    unsigned word = field << (bit % 8);
    bytes[bit / 8] |= uint8_t(word);
    if (word >> 8)
      bytes[bit / 8 + 1] |= uint8_t(word >> 8);
  }
  return bytes;
}

std::vector<int8_t> compress::qint::unpackWeights(llvm::ArrayRef<uint8_t> bytes,
                                                  int64_t count, int64_t bits,
                                                  bool isSigned) {
  assert(int64_t(bytes.size()) >= getPackedByteCount(count, bits) &&
         "too few bytes for the weights");
  std::vector<int8_t> values(count);
  unsigned mask = (1u << bits) - 1;
  for (int64_t k = 0; k < count; ++k) {
    int64_t bit = k * bits, byte = bit / 8;
    unsigned word = bytes[byte];
    if (byte + 1 < int64_t(bytes.size()))
      word |= unsigned(bytes[byte + 1]) << 8;
    values[k] = decodeWeightField(uint8_t((word >> (bit % 8)) & mask), bits,
                                  isSigned);
  }
  return values;
}

WeightBlocks::WeightBlocks(llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<int64_t> block) {
  assert(shape.size() == block.size() && "one block extent per dimension");
  assert(llvm::all_of(block, [](int64_t b) { return b >= 1; }) &&
         "block extents are positive");
  // The block of every element, then a counting sort by block that keeps
  // row-major order within each block.
  std::vector<int64_t> blockOf;
  forEachElementBlock(shape, block,
                      [&](int64_t, int64_t b) { blockOf.push_back(b); });
  int64_t numBlocks = compress::qint::getNumBlocks(shape, block);
  starts.assign(numBlocks + 1, 0);
  for (int64_t b : blockOf)
    ++starts[b + 1];
  for (int64_t b = 0; b < numBlocks; ++b)
    starts[b + 1] += starts[b];
  order.resize(blockOf.size());
  std::vector<int64_t> next(starts.begin(), starts.end() - 1);
  for (int64_t e = 0, count = blockOf.size(); e < count; ++e)
    order[next[blockOf[e]]++] = e;
}

SparseWeights compress::qint::encodeSparseWeights(llvm::ArrayRef<int8_t> values,
                                                  const WeightBlocks &blocks,
                                                  int64_t bits, bool isSigned) {
  assert(int64_t(values.size()) == blocks.getNumElements() &&
         "one value per element");
  SparseWeights result;
  result.mask.assign(getPackedByteCount(blocks.getNumBlocks(), 1), 0);
  std::vector<int8_t> kept;
  for (int64_t b = 0, e = blocks.getNumBlocks(); b < e; ++b) {
    llvm::ArrayRef<int64_t> elements = blocks.getElements(b);
    if (llvm::all_of(elements, [&](int64_t i) { return values[i] == 0; }))
      continue;
    result.mask[b / 8] |= uint8_t(1u << (b % 8));
    for (int64_t i : elements)
      kept.push_back(values[i]);
  }
  result.values = packWeights(kept, bits, isSigned);
  return result;
}

/// Whether bit `b` of an LSB-first bitmask is set.
static bool isKept(llvm::ArrayRef<uint8_t> mask, int64_t b) {
  return (mask[b / 8] >> (b % 8)) & 1;
}

int64_t compress::qint::countKeptWeights(llvm::ArrayRef<uint8_t> mask,
                                         const WeightBlocks &blocks) {
  int64_t kept = 0;
  for (int64_t b = 0, e = blocks.getNumBlocks(); b < e; ++b)
    if (isKept(mask, b))
      kept += blocks.getElements(b).size();
  return kept;
}

std::vector<int8_t> compress::qint::decodeSparseWeights(
    llvm::ArrayRef<uint8_t> mask, llvm::ArrayRef<uint8_t> values,
    const WeightBlocks &blocks, int64_t bits, bool isSigned) {
  assert(int64_t(mask.size()) >= getPackedByteCount(blocks.getNumBlocks(), 1) &&
         "one mask bit per block");
  std::vector<int8_t> kept =
      unpackWeights(values, countKeptWeights(mask, blocks), bits, isSigned);
  std::vector<int8_t> result(blocks.getNumElements(), 0);
  size_t next = 0;
  for (int64_t b = 0, e = blocks.getNumBlocks(); b < e; ++b)
    if (isKept(mask, b))
      for (int64_t i : blocks.getElements(b))
        result[i] = kept[next++];
  return result;
}
