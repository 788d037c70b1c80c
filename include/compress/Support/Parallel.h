//===- Parallel.h - Loops on the context's thread pool ----------*- C++ -*-===//
//
// Analyses take an optional MLIRContext for their parallel loops: its
// thread pool when the context allows threading (compress-opt's
// --mlir-disable-threading turns it off), a plain loop otherwise or when
// there is no context (unit tests, embedders without one).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_PARALLEL_H
#define COMPRESS_SUPPORT_PARALLEL_H

#include "mlir/IR/Threading.h"

#include <cstddef>

namespace compress {

/// Calls fn(i) for every i in [begin, end), in parallel on `context`'s
/// thread pool when there is one. The calls must be independent.
template <typename Fn>
void parallelForIndices(mlir::MLIRContext *context, size_t begin, size_t end,
                        Fn &&fn) {
  if (context) {
    mlir::parallelFor(context, begin, end, std::forward<Fn>(fn));
    return;
  }
  for (size_t i = begin; i < end; ++i)
    fn(i);
}

} // namespace compress

#endif // COMPRESS_SUPPORT_PARALLEL_H
