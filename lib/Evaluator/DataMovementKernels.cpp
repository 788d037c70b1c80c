//===- DataMovementKernels.cpp - Shape, layout and reduction kernels ------===//
//
// reshape, transpose, pad, slice, concat, tile, reverse, reductions and
// argmax: ops that move or combine elements without arithmetic on the
// element type (reductions excepted), written once for every storage type.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"
#include "Kernels.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace compress;
using namespace compress::detail;

namespace {

/// Calls `f(out, in)` with the storage vectors of two tensors of one dtype.
template <typename F>
void withStorage(Tensor &out, const Tensor &in, F f) {
  if (in.dtype() == DType::F32)
    f(out.f32(), in.f32());
  else if (in.dtype() == DType::F64)
    f(out.f64(), in.f64());
  else
    f(out.ints(), in.ints());
}

LogicalResult reshapeKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  if (in.size() != ctx.results[0].size())
    return ctx.fail("reshape changes the number of elements");
  ctx.results[0] = in.reshaped(ctx.results[0].shape());
  return success();
}

LogicalResult transposeKernel(KernelContext &ctx) {
  auto op = cast<tosa::TransposeOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  ArrayRef<int32_t> perms = op.getPerms();
  if (int64_t(perms.size()) != in.rank())
    return ctx.fail("perms must have one entry per dimension");
  Shape inStrides = rowMajorStrides(in.shape());
  // Stride in the input of each output dimension.
  Shape strides(in.rank());
  for (int64_t d = 0; d < in.rank(); ++d)
    strides[d] = inStrides[perms[d]];
  withStorage(out, in, [&](auto &dst, const auto &src) {
    int64_t rank = out.rank();
    int64_t inner = rank ? out.dim(rank - 1) : 1;
    int64_t innerStride = rank ? strides[rank - 1] : 0;
    Shape index(rank, 0);
    for (int64_t o = 0, e = out.size(); o < e; o += inner) {
      int64_t base = 0;
      for (int64_t d = 0; d + 1 < rank; ++d)
        base += index[d] * strides[d];
      for (int64_t j = 0; j < inner; ++j)
        dst[o + j] = src[base + j * innerStride];
      for (int64_t d = rank - 2; d >= 0; --d) {
        if (++index[d] < out.dim(d))
          break;
        index[d] = 0;
      }
    }
  });
  return success();
}

LogicalResult padKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  SmallVector<int64_t> padding = shapeValues(ctx.operand(1));
  if (int64_t(padding.size()) != 2 * in.rank())
    return ctx.fail("padding needs two entries per dimension");
  for (int64_t d = 0; d < in.rank(); ++d)
    if (padding[2 * d] < 0 || padding[2 * d + 1] < 0 ||
        in.dim(d) + padding[2 * d] + padding[2 * d + 1] != out.dim(d))
      return ctx.fail("padding does not match the result shape");
  const Tensor &padConst = ctx.operand(2);
  withStorage(out, in, [&](auto &dst, const auto &src) {
    using T = typename std::decay_t<decltype(dst)>::value_type;
    T fill = 0;
    if (padConst.size())
      fill = T(padConst.getAsDouble(0));
    std::fill(dst.begin(), dst.end(), fill);
    Shape outStrides = rowMajorStrides(out.shape());
    forEachIndex(in.shape(), [&](int64_t flat, ArrayRef<int64_t> index) {
      int64_t o = 0;
      for (int64_t d = 0; d < in.rank(); ++d)
        o += (index[d] + padding[2 * d]) * outStrides[d];
      dst[o] = src[flat];
    });
  });
  return success();
}

LogicalResult sliceKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  SmallVector<int64_t> start = shapeValues(ctx.operand(1));
  if (int64_t(start.size()) != in.rank())
    return ctx.fail("slice start needs one entry per dimension");
  for (int64_t d = 0; d < in.rank(); ++d)
    if (start[d] < 0 || start[d] + out.dim(d) > in.dim(d))
      return ctx.fail("slice is out of bounds");
  if (in.rank() == 0 || out.size() == 0) {
    withStorage(out, in, [&](auto &dst, const auto &src) {
      std::copy(src.begin(), src.begin() + out.size(), dst.begin());
    });
    return success();
  }
  // One contiguous run of the innermost dimension per outer index.
  Shape inStrides = rowMajorStrides(in.shape());
  int64_t inner = out.shape().back();
  withStorage(out, in, [&](auto &dst, const auto &src) {
    forEachIndex(out.shape().drop_back(),
                 [&](int64_t flat, ArrayRef<int64_t> index) {
                   int64_t i = start.back();
                   for (int64_t d = 0; d + 1 < in.rank(); ++d)
                     i += (index[d] + start[d]) * inStrides[d];
                   std::copy_n(src.begin() + i, inner,
                               dst.begin() + flat * inner);
                 });
  });
  return success();
}

LogicalResult concatKernel(KernelContext &ctx) {
  auto op = cast<tosa::ConcatOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  Tensor &out = ctx.results[0];
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= out.rank())
    return ctx.fail("concat axis is out of range");
  int64_t outer = numElements(out.shape().take_front(axis));
  int64_t innerOut = numElements(out.shape().drop_front(axis));
  int64_t offset = 0;
  for (const Tensor *in : ctx.operands) {
    int64_t innerIn = numElements(in->shape().drop_front(axis));
    withStorage(out, *in, [&](auto &dst, const auto &src) {
      for (int64_t o = 0; o < outer; ++o)
        std::copy_n(src.begin() + o * innerIn, innerIn,
                    dst.begin() + o * innerOut + offset);
    });
    offset += innerIn;
  }
  return success();
}

LogicalResult tileKernel(KernelContext &ctx) {
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  Shape inStrides = rowMajorStrides(in.shape());
  withStorage(out, in, [&](auto &dst, const auto &src) {
    forEachIndex(out.shape(), [&](int64_t flat, ArrayRef<int64_t> index) {
      int64_t i = 0;
      for (int64_t d = 0; d < in.rank(); ++d)
        i += (index[d] % in.dim(d)) * inStrides[d];
      dst[flat] = src[i];
    });
  });
  return success();
}

LogicalResult reverseKernel(KernelContext &ctx) {
  auto op = cast<tosa::ReverseOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  int64_t axis = op.getAxis();
  Shape strides = rowMajorStrides(in.shape());
  withStorage(out, in, [&](auto &dst, const auto &src) {
    forEachIndex(in.shape(), [&](int64_t flat, ArrayRef<int64_t> index) {
      int64_t mirrored = flat + (in.dim(axis) - 1 - 2 * index[axis]) *
                                    strides[axis];
      dst[mirrored] = src[flat];
    });
  });
  return success();
}

enum class ReduceKind { Sum, Max, Min, Product, All, Any };

/// Reductions keep the reduced axis with size 1, as TOSA does.
template <ReduceKind Kind>
LogicalResult reduceKernel(KernelContext &ctx) {
  int64_t axis = cast<IntegerAttr>(ctx.op->getAttr("axis")).getInt();
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  if (axis < 0 || axis >= in.rank())
    return ctx.fail("reduction axis is out of range");
  int64_t outer = numElements(in.shape().take_front(axis));
  int64_t n = in.dim(axis);
  int64_t inner = numElements(in.shape().drop_front(axis + 1));
  auto reduce = [&](auto &dst, const auto &src, auto init) {
    using T = decltype(init);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        T acc = init;
        for (int64_t k = 0; k < n; ++k) {
          T v = src[(o * n + k) * inner + i];
          switch (Kind) {
          case ReduceKind::Sum: acc = acc + v; break;
          case ReduceKind::Max: acc = std::max(acc, v); break;
          case ReduceKind::Min: acc = std::min(acc, v); break;
          case ReduceKind::Product: acc = acc * v; break;
          case ReduceKind::All: acc = acc && v; break;
          case ReduceKind::Any: acc = acc || v; break;
          }
        }
        dst[o * inner + i] = acc;
      }
  };
  if (in.dtype() == DType::F32) {
    float init = Kind == ReduceKind::Max
                     ? -std::numeric_limits<float>::infinity()
                 : Kind == ReduceKind::Min
                     ? std::numeric_limits<float>::infinity()
                 : Kind == ReduceKind::Product ? 1.0f
                                               : 0.0f;
    reduce(out.f32(), in.f32(), init);
    return success();
  }
  if (isFloat(in.dtype()))
    return ctx.fail("unsupported float element type");
  int64_t init = Kind == ReduceKind::Max   ? INT64_MIN
                 : Kind == ReduceKind::Min ? INT64_MAX
                 : Kind == ReduceKind::Product || Kind == ReduceKind::All
                     ? 1
                     : 0;
  reduce(out.ints(), in.ints(), init);
  for (int64_t &v : out.ints())
    v = wrapInt(v, out.dtype());
  return success();
}

/// Index of the first maximum along `axis`; the axis is removed.
LogicalResult argmaxKernel(KernelContext &ctx) {
  auto op = cast<tosa::ArgMaxOp>(ctx.op);
  if (failed(ctx.allocResult(0)))
    return failure();
  const Tensor &in = ctx.operand(0);
  Tensor &out = ctx.results[0];
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= in.rank())
    return ctx.fail("argmax axis is out of range");
  int64_t outer = numElements(in.shape().take_front(axis));
  int64_t n = in.dim(axis);
  int64_t inner = numElements(in.shape().drop_front(axis + 1));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t best = 0;
      double bestValue = in.getAsDouble(o * n * inner + i);
      for (int64_t k = 1; k < n; ++k) {
        double v = in.getAsDouble((o * n + k) * inner + i);
        // NaN wins, as in TOSA's default propagate mode.
        if (v > bestValue || (std::isnan(v) && !std::isnan(bestValue))) {
          best = k;
          bestValue = v;
        }
      }
      out.ints()[o * inner + i] = best;
    }
  return success();
}

} // namespace

void compress::detail::registerDataMovementKernels(KernelTable &table) {
  table["tosa.reshape"] = reshapeKernel;
  table["tosa.transpose"] = transposeKernel;
  table["tosa.pad"] = padKernel;
  table["tosa.slice"] = sliceKernel;
  table["tosa.concat"] = concatKernel;
  table["tosa.tile"] = tileKernel;
  table["tosa.reverse"] = reverseKernel;
  table["tosa.reduce_sum"] = reduceKernel<ReduceKind::Sum>;
  table["tosa.reduce_max"] = reduceKernel<ReduceKind::Max>;
  table["tosa.reduce_min"] = reduceKernel<ReduceKind::Min>;
  table["tosa.reduce_product"] = reduceKernel<ReduceKind::Product>;
  table["tosa.reduce_all"] = reduceKernel<ReduceKind::All>;
  table["tosa.reduce_any"] = reduceKernel<ReduceKind::Any>;
  table["tosa.argmax"] = argmaxKernel;
}
