//===- Indexing.h - Row-major index iteration for kernels --------*- C++ -*-===//
//
// The multi-index loops the evaluator's forward and backward kernels share:
// plain row-major iteration and TOSA's size-1 broadcasting of two operands.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_EVALUATOR_INDEXING_H
#define COMPRESS_LIB_EVALUATOR_INDEXING_H

#include "compress/Support/Tensor.h"

namespace compress::detail {

/// Calls `f(outIndex, aIndex, bIndex)` for every element of `out`, with
/// TOSA's broadcasting of size-1 dimensions (operands have the same rank).
template <typename F>
void forEachBroadcast(llvm::ArrayRef<int64_t> outShape,
                      llvm::ArrayRef<int64_t> aShape,
                      llvm::ArrayRef<int64_t> bShape, F f) {
  int64_t total = numElements(outShape);
  if (aShape == outShape && bShape == outShape) {
    for (int64_t i = 0; i < total; ++i)
      f(i, i, i);
    return;
  }
  int64_t rank = outShape.size();
  Shape aStrides = rowMajorStrides(aShape), bStrides = rowMajorStrides(bShape);
  for (int64_t d = 0; d < rank; ++d) {
    if (aShape[d] == 1)
      aStrides[d] = 0;
    if (bShape[d] == 1)
      bStrides[d] = 0;
  }
  if (total == 0)
    return;
  Shape index(rank, 0);
  int64_t inner = rank ? outShape[rank - 1] : 1;
  int64_t aInner = rank ? aStrides[rank - 1] : 0;
  int64_t bInner = rank ? bStrides[rank - 1] : 0;
  for (int64_t o = 0; o < total; o += inner) {
    int64_t ai = 0, bi = 0;
    for (int64_t d = 0; d + 1 < rank; ++d) {
      ai += index[d] * aStrides[d];
      bi += index[d] * bStrides[d];
    }
    for (int64_t j = 0; j < inner; ++j)
      f(o + j, ai + j * aInner, bi + j * bInner);
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
}

/// Iterates the multi-index of `shape` in row-major order.
template <typename F>
void forEachIndex(llvm::ArrayRef<int64_t> shape, F f) {
  int64_t total = numElements(shape);
  Shape index(shape.size(), 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    f(flat, llvm::ArrayRef<int64_t>(index));
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

} // namespace compress::detail

#endif // COMPRESS_LIB_EVALUATOR_INDEXING_H
