//===- WeightPacking.h - Sub-byte weight bitstreams -------------*- C++ -*-===//
//
// The byte encoding of `qint.weights` with `layout = packed`: every weight is
// a `bits`-bit field of one little-endian, LSB-first bitstream.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_QINT_UTILS_WEIGHTPACKING_H
#define COMPRESS_DIALECT_QINT_UTILS_WEIGHTPACKING_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace compress::qint {

/// Bytes that hold `count` fields of `bits` bits: ceil(count * bits / 8).
int64_t getPackedByteCount(int64_t count, int64_t bits);

/// The `bits`-bit field that stores `value`: two's complement for signed
/// weights, except binary weights (1 bit, signed), which store 0 for -1 and
/// 1 for +1; the value itself for unsigned weights. `value` must be
/// representable (see qint.weights).
uint8_t encodeWeightField(int8_t value, int64_t bits, bool isSigned);

/// The weight a `bits`-bit `field` stores; the inverse of
/// `encodeWeightField`.
int8_t decodeWeightField(uint8_t field, int64_t bits, bool isSigned);

/// Packs `values` (1 <= bits <= 8) into one bitstream: element k occupies
/// bits [k * bits, (k + 1) * bits), and bit j of the stream is bit j % 8 of
/// byte j / 8. Unused high bits of the last byte are 0.
std::vector<uint8_t> packWeights(llvm::ArrayRef<int8_t> values, int64_t bits,
                                 bool isSigned);

/// The `count` weights that `bytes` (at least getPackedByteCount(count,
/// bits) of them) hold; the inverse of `packWeights`.
std::vector<int8_t> unpackWeights(llvm::ArrayRef<uint8_t> bytes, int64_t count,
                                  int64_t bits, bool isSigned);

} // namespace compress::qint

#endif // COMPRESS_DIALECT_QINT_UTILS_WEIGHTPACKING_H
