//===- WeightPacking.cpp - Sub-byte weight bitstreams ---------------------===//
//
// Packing and unpacking of the `packed` weight layout. Fields are read and
// written one bit-aligned window at a time through a 16-bit word, since a
// field of at most 8 bits spans at most two bytes.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/Utils/WeightPacking.h"

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
