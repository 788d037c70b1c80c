//===- WeightPacking.h - Sub-byte weight bitstreams -------------*- C++ -*-===//
//
// The byte encodings of `qint.weights`: with `layout = packed` every weight
// is a `bits`-bit field of one little-endian, LSB-first bitstream; with
// `layout = sparse` a bitmask names the blocks that hold a nonzero weight
// and only their weights are stored, as such a bitstream.
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

/// The number of blocks of `block` (one positive extent per dimension) a
/// tensor of `shape` is cut into; blocks at the upper edges hold what is
/// left.
inline int64_t getNumBlocks(llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<int64_t> block) {
  int64_t numBlocks = 1;
  for (size_t d = 0; d < shape.size(); ++d)
    numBlocks *= (shape[d] + block[d] - 1) / block[d];
  return numBlocks;
}

/// Calls `fn(element, block)` for every element of a tensor of `shape`, in
/// row-major order, with the index of its block of `block` (blocks are
/// numbered in row-major order of the block grid).
template <typename Fn>
void forEachElementBlock(llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<int64_t> block, Fn fn) {
  int64_t rank = shape.size(), count = 1;
  std::vector<int64_t> grid(rank), index(rank, 0);
  for (int64_t d = 0; d < rank; ++d) {
    grid[d] = (shape[d] + block[d] - 1) / block[d];
    count *= shape[d];
  }
  for (int64_t e = 0; e < count; ++e) {
    int64_t b = 0;
    for (int64_t d = 0; d < rank; ++d)
      b = b * grid[d] + index[d] / block[d];
    fn(e, b);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

/// The weights of a tensor of `shape` cut into blocks of `block` (one extent
/// per dimension, each at least 1; blocks at the upper edges hold what is
/// left). Blocks are numbered in row-major order of the block grid; the
/// elements of a block in row-major order within it.
class WeightBlocks {
public:
  WeightBlocks(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> block);

  int64_t getNumBlocks() const { return int64_t(starts.size()) - 1; }
  int64_t getNumElements() const { return int64_t(order.size()); }
  /// The row-major indices of the elements of block `b`.
  llvm::ArrayRef<int64_t> getElements(int64_t b) const {
    return llvm::ArrayRef<int64_t>(order).slice(starts[b],
                                                starts[b + 1] - starts[b]);
  }

private:
  /// Element indices grouped by block; block b is [starts[b], starts[b+1]).
  std::vector<int64_t> order;
  std::vector<int64_t> starts;
};

/// The storage of the sparse layout: bit b of the LSB-first bitmask `mask`
/// says whether block b is kept; `values` is the bitstream (as packWeights
/// makes it) of the kept blocks' weights, block after block.
struct SparseWeights {
  std::vector<uint8_t> mask;
  std::vector<uint8_t> values;
};

/// Keeps exactly the blocks that hold a nonzero weight.
SparseWeights encodeSparseWeights(llvm::ArrayRef<int8_t> values,
                                  const WeightBlocks &blocks, int64_t bits,
                                  bool isSigned);

/// The number of weights in the blocks `mask` keeps.
int64_t countKeptWeights(llvm::ArrayRef<uint8_t> mask,
                         const WeightBlocks &blocks);

/// The dense weights (zero outside kept blocks) of a sparse encoding; the
/// inverse of encodeSparseWeights. `values` must hold the kept weights.
std::vector<int8_t> decodeSparseWeights(llvm::ArrayRef<uint8_t> mask,
                                        llvm::ArrayRef<uint8_t> values,
                                        const WeightBlocks &blocks,
                                        int64_t bits, bool isSigned);

} // namespace compress::qint

#endif // COMPRESS_DIALECT_QINT_UTILS_WEIGHTPACKING_H
