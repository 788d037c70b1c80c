//===- Convolution.cpp - Convolution and pooling kernels ------------------===//
//
// im2col is done in blocks of output pixels so that the block of the
// im2col matrix stays in cache while the GEMM streams the weight panels.
//
//===----------------------------------------------------------------------===//

#include "Convolution.h"
#include "compress/Support/Blas.h"
#include "compress/Support/FixedPoint.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>

using namespace compress;
using namespace compress::detail;

ConvShape compress::detail::makeConvShape(const Tensor &input,
                                          const Tensor &result,
                                          llvm::ArrayRef<int64_t> kernel,
                                          llvm::ArrayRef<int64_t> pad,
                                          llvm::ArrayRef<int64_t> stride,
                                          llvm::ArrayRef<int64_t> dilation) {
  ConvShape s;
  s.n = input.dim(0);
  s.ih = input.dim(1);
  s.iw = input.dim(2);
  s.c = input.dim(3);
  s.oh = result.dim(1);
  s.ow = result.dim(2);
  s.o = result.dim(3);
  s.kh = kernel[0];
  s.kw = kernel[1];
  s.sh = stride[0];
  s.sw = stride[1];
  s.dh = dilation.empty() ? 1 : dilation[0];
  s.dw = dilation.empty() ? 1 : dilation[1];
  s.padTop = pad[0];
  s.padBottom = pad[1];
  s.padLeft = pad[2];
  s.padRight = pad[3];
  return s;
}

namespace {
/// Output pixels per im2col block of the integer convolution.
constexpr int64_t kBlockPixels = 96;
/// Floats per im2col block of the float convolution: about 4 MiB, so that
/// the BLAS gets whole images of all but the largest layers at once.
constexpr int64_t kBlockFloats = int64_t(1) << 20;

/// Sets every row of the m x n matrix `c` to `bias` (zeros when null).
void fillRows(float *c, int64_t m, int64_t n, const float *bias) {
  for (int64_t i = 0; i < m; ++i) {
    if (bias)
      std::copy_n(bias, n, c + i * n);
    else
      std::fill_n(c + i * n, n, 0.0f);
  }
}

/// Fills rows [r0, r0+rows) of the im2col matrix of all images (a row per
/// output pixel, image after image), with `fill` at padded positions and
/// `transform` applied to each input element.
template <typename In, typename Out, typename F>
void im2col(const ConvShape &s, const In *input, int64_t r0, int64_t rows,
            Out *a, Out fill, F transform) {
  const int64_t k = s.reduction(), pixels = s.oh * s.ow;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t n = (r0 + r) / pixels, p = (r0 + r) % pixels;
    int64_t oy = p / s.ow, ox = p % s.ow;
    Out *row = a + r * k;
    for (int64_t ky = 0; ky < s.kh; ++ky) {
      int64_t iy = oy * s.sh - s.padTop + ky * s.dh;
      for (int64_t kx = 0; kx < s.kw; ++kx) {
        int64_t ix = ox * s.sw - s.padLeft + kx * s.dw;
        Out *dst = row + (ky * s.kw + kx) * s.c;
        if (iy < 0 || iy >= s.ih || ix < 0 || ix >= s.iw) {
          std::fill_n(dst, s.c, fill);
          continue;
        }
        const In *src = input + ((n * s.ih + iy) * s.iw + ix) * s.c;
        for (int64_t c = 0; c < s.c; ++c)
          dst[c] = transform(src[c]);
      }
    }
  }
}
} // namespace

void compress::detail::convFloat(const ConvShape &s, const float *input,
                                 const float *weights, const float *bias,
                                 float *output) {
  const int64_t k = s.reduction(), pixels = s.oh * s.ow;
  bool pointwise = s.kh == 1 && s.kw == 1 && s.sh == 1 && s.sw == 1 &&
                   s.padTop == 0 && s.padLeft == 0 && s.oh == s.ih &&
                   s.ow == s.iw;
  // Output rows are im2col rows times the OHWI weights, [o x k], transposed.
  if (pointwise) {
    fillRows(output, s.n * pixels, s.o, bias);
    gemmFloat(false, true, s.n * pixels, s.o, k, input, k, weights, k, 1.0f,
              output, s.o);
    return;
  }
  // Blocks run across images, so that samples stacked in the batch share
  // one GEMM (and one packing of the weights) when the images are small.
  const int64_t total = s.n * pixels;
  int64_t blockRows = std::clamp<int64_t>(kBlockFloats / k, 1, total);
  std::vector<float> a(blockRows * k);
  for (int64_t r0 = 0; r0 < total; r0 += blockRows) {
    int64_t rows = std::min(blockRows, total - r0);
    im2col(s, input, r0, rows, a.data(), 0.0f, [](float v) { return v; });
    float *out = output + r0 * s.o;
    fillRows(out, rows, s.o, bias);
    gemmFloat(false, true, rows, s.o, k, a.data(), k, weights, k, 1.0f, out,
              s.o);
  }
}

std::vector<int32_t>
compress::detail::transposeIntWeights(const Tensor &weights, int64_t zp) {
  int64_t o = weights.dim(0), k = weights.size() / o;
  std::vector<int32_t> result(k * o);
  for (int64_t oc = 0; oc < o; ++oc)
    for (int64_t kk = 0; kk < k; ++kk)
      result[kk * o + oc] = int32_t(weights.ints()[oc * k + kk] - zp);
  return result;
}

/// Reductions at least this long go to sgemm in pieces whose sums float
/// holds exactly; shorter pieces would cost more calls than dgemm saves.
constexpr int64_t kMinFloatPiece = 64;

/// The integer convolution's sums (before wrapping) computed with the
/// BLAS, when the operands are small enough for the BLAS to be exact: every
/// product and partial sum is then an integer the floating-point type
/// holds, whatever order the BLAS adds them in. In float (sgemm, twice as
/// fast) the reduction is cut into pieces of at most 2^24 / (max|x| *
/// max|w|) terms, 518 for 8-bit activations and weights, and the pieces'
/// sums are added in int64; otherwise in double when the whole sum is
/// below 2^53 (16-bit layers). Returns false, computing nothing, when
/// neither is exact.
static bool convIntWithBlas(const ConvShape &s, const int64_t *input,
                            int64_t inputZp,
                            const std::vector<int32_t> &weightsKO,
                            const int64_t *bias, int64_t *output) {
  const int64_t k = s.reduction(), pixels = s.oh * s.ow;
  // The int64 path takes inputs minus the zero point as int32; beyond that
  // it is not the same computation, so it keeps such inputs.
  int64_t maxW = 0, maxX = 0;
  for (int32_t w : weightsKO)
    maxW = std::max<int64_t>(maxW, std::abs(int64_t(w)));
  for (int64_t i = 0, e = s.n * s.ih * s.iw * s.c; i < e; ++i) {
    int64_t v = input[i];
    if (v < INT32_MIN + inputZp || v > INT32_MAX + inputZp)
      return false;
    maxX = std::max(maxX, std::abs(v - inputZp));
  }
  const int64_t total = s.n * pixels;
  int64_t blockRows = std::clamp<int64_t>(kBlockFloats / k, 1, total);
  auto finish = [&](int64_t *out, int64_t r, int64_t o, int64_t sum) {
    out[r * s.o + o] =
        int64_t(uint64_t(sum) + uint64_t(bias ? bias[o] : 0));
  };

  int64_t piece = std::min(exactSumLengthInFloat(maxX, maxW), k);
  if (piece >= std::min(k, kMinFloatPiece)) {
    std::vector<float> w(weightsKO.begin(), weightsKO.end());
    std::vector<float> a(blockRows * k), c(blockRows * s.o);
    std::vector<int64_t> sums(blockRows * s.o);
    for (int64_t r0 = 0; r0 < total; r0 += blockRows) {
      int64_t rows = std::min(blockRows, total - r0);
      im2col(s, input, r0, rows, a.data(), 0.0f,
             [&](int64_t v) { return float(v - inputZp); });
      std::fill_n(sums.begin(), rows * s.o, 0);
      for (int64_t k0 = 0; k0 < k; k0 += piece) {
        gemmFloat(false, false, rows, s.o, std::min(piece, k - k0),
                  a.data() + k0, k, w.data() + k0 * s.o, s.o, 0.0f, c.data(),
                  s.o);
        for (int64_t i = 0, e = rows * s.o; i < e; ++i)
          sums[i] += int64_t(c[i]);
      }
      int64_t *out = output + r0 * s.o;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t o = 0; o < s.o; ++o)
          finish(out, r, o, sums[r * s.o + o]);
    }
    return true;
  }

  if (!isExactInDouble(maxX, maxW, k))
    return false;
  std::vector<double> w(weightsKO.begin(), weightsKO.end());
  std::vector<double> a(blockRows * k), c(blockRows * s.o);
  for (int64_t r0 = 0; r0 < total; r0 += blockRows) {
    int64_t rows = std::min(blockRows, total - r0);
    im2col(s, input, r0, rows, a.data(), 0.0,
           [&](int64_t v) { return double(v - inputZp); });
    gemmDouble(false, false, rows, s.o, k, a.data(), k, w.data(), s.o, 0.0,
               c.data(), s.o);
    int64_t *out = output + r0 * s.o;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t o = 0; o < s.o; ++o)
        finish(out, r, o, int64_t(c[r * s.o + o]));
  }
  return true;
}

void compress::detail::convInt(const ConvShape &s, const int64_t *input,
                               int64_t inputZp,
                               const std::vector<int32_t> &weightsKO,
                               const int64_t *bias, int64_t *output,
                               DType accType) {
  const int64_t k = s.reduction(), pixels = s.oh * s.ow;
  if (convIntWithBlas(s, input, inputZp, weightsKO, bias, output)) {
    for (int64_t i = 0, e = s.n * pixels * s.o; i < e; ++i)
      output[i] = wrapInt(output[i], accType);
    return;
  }
  std::vector<int32_t> a(kBlockPixels * k);
  const int64_t total = s.n * pixels;
  for (int64_t r0 = 0; r0 < total; r0 += kBlockPixels) {
    int64_t rows = std::min(kBlockPixels, total - r0);
    im2col(s, input, r0, rows, a.data(), int32_t(0),
           [&](int64_t v) { return int32_t(v - inputZp); });
    gemmInt(rows, s.o, k, a.data(), k, weightsKO.data(), bias,
            output + r0 * s.o, s.o);
  }
  for (int64_t i = 0, e = s.n * pixels * s.o; i < e; ++i)
    output[i] = wrapInt(output[i], accType);
}

void compress::detail::depthwiseFloat(const ConvShape &s, int64_t m,
                                      const float *input, const float *weights,
                                      const float *bias, float *output) {
  // Output channel c reads input channel c / m.
  std::vector<float> acc(s.o);
  forEachWindow(
      s, [&](int64_t) { std::fill(acc.begin(), acc.end(), 0.0f); },
      [&](const WindowTap &t) {
        const float *w = weights + t.tap * s.o;
        for (int64_t c = 0; c < s.o; ++c)
          acc[c] += input[t.in + c / m] * w[c];
      },
      [&](int64_t out, int64_t, int64_t) {
        for (int64_t c = 0; c < s.o; ++c)
          output[out + c] = acc[c] + (bias ? bias[c] : 0.0f);
      });
}

void compress::detail::depthwiseInt(const ConvShape &s, int64_t m,
                                    const int64_t *input, int64_t inputZp,
                                    const int64_t *weights, int64_t weightZp,
                                    const int64_t *bias, int64_t *output,
                                    DType accType) {
  std::vector<uint64_t> acc(s.o);
  forEachWindow(
      s, [&](int64_t) { std::fill(acc.begin(), acc.end(), 0); },
      [&](const WindowTap &t) {
        const int64_t *w = weights + t.tap * s.o;
        for (int64_t c = 0; c < s.o; ++c)
          acc[c] +=
              uint64_t((input[t.in + c / m] - inputZp) * (w[c] - weightZp));
      },
      [&](int64_t out, int64_t, int64_t) {
        for (int64_t c = 0; c < s.o; ++c)
          output[out + c] =
              wrapInt(int64_t(acc[c] + uint64_t(bias ? bias[c] : 0)), accType);
      });
}

void compress::detail::matmulFloat(int64_t batch, int64_t m, int64_t k,
                                   int64_t n, const float *lhs,
                                   const float *rhs, int64_t rhsBatch,
                                   float *output) {
  // A shared right operand multiplies all left batches as one matrix.
  if (rhsBatch == 1 && batch > 1) {
    m *= batch;
    batch = 1;
  }
  for (int64_t b = 0; b < batch; ++b) {
    const float *r = rhs + (rhsBatch == 1 ? 0 : b) * k * n;
    gemmFloat(false, false, m, n, k, lhs + b * m * k, k, r, n, 0.0f,
              output + b * m * n, n);
  }
}

void compress::detail::matmulInt(int64_t batch, int64_t m, int64_t k, int64_t n,
                                 const int64_t *lhs, int64_t lhsZp,
                                 const int64_t *rhs, int64_t rhsZp,
                                 int64_t rhsBatch, const int64_t *bias,
                                 int64_t *output, DType accType) {
  if (rhsBatch == 1 && batch > 1) {
    m *= batch;
    batch = 1;
  }
  std::vector<int32_t> a(m * k), bm(k * n);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < m * k; ++i)
      a[i] = int32_t(lhs[b * m * k + i] - lhsZp);
    const int64_t *r = rhs + (rhsBatch == 1 ? 0 : b) * k * n;
    for (int64_t i = 0; i < k * n; ++i)
      bm[i] = int32_t(r[i] - rhsZp);
    gemmInt(m, n, k, a.data(), k, bm.data(), bias, output + b * m * n, n);
  }
  for (int64_t i = 0, e = batch * m * n; i < e; ++i)
    output[i] = wrapInt(output[i], accType);
}

void compress::detail::maxPool(const ConvShape &s, const Tensor &input,
                               Tensor &output) {
  if (input.dtype() == DType::F32) {
    const float *in = input.f32().data();
    float *out = output.f32().data();
    forEachWindow(
        s,
        [&](int64_t o) {
          std::fill_n(out + o, s.c, -std::numeric_limits<float>::infinity());
        },
        [&](const WindowTap &t) {
          for (int64_t c = 0; c < s.c; ++c)
            out[t.out + c] = std::max(out[t.out + c], in[t.in + c]);
        },
        [](int64_t, int64_t, int64_t) {});
    return;
  }
  const int64_t *in = input.ints().data();
  int64_t *out = output.ints().data();
  forEachWindow(
      s, [&](int64_t o) { std::fill_n(out + o, s.c, INT64_MIN); },
      [&](const WindowTap &t) {
        for (int64_t c = 0; c < s.c; ++c)
          out[t.out + c] = std::max(out[t.out + c], in[t.in + c]);
      },
      [](int64_t, int64_t, int64_t) {});
}

int64_t compress::detail::tosaAvgPoolDivisor(const ConvShape &s, int64_t oy,
                                             int64_t ox) {
  return avgPoolCount(oy, s.oh, s.kh, s.sh, s.padTop, s.padBottom) *
         avgPoolCount(ox, s.ow, s.kw, s.sw, s.padLeft, s.padRight);
}

/// The number of in-bounds elements of the window at an output position.
static int64_t inBoundsCount(const ConvShape &s, int64_t oy, int64_t ox) {
  auto axis = [](int64_t o, int64_t stride, int64_t pad, int64_t kernel,
                 int64_t size) {
    int64_t begin = o * stride - pad;
    return std::max<int64_t>(0, std::min(begin + kernel, size) -
                                    std::max<int64_t>(begin, 0));
  };
  return axis(oy, s.sh, s.padTop, s.kh, s.ih) *
         axis(ox, s.sw, s.padLeft, s.kw, s.iw);
}

void compress::detail::avgPoolFloat(const ConvShape &s, const float *input,
                                    float *output) {
  forEachWindow(
      s, [&](int64_t o) { std::fill_n(output + o, s.c, 0.0f); },
      [&](const WindowTap &t) {
        for (int64_t c = 0; c < s.c; ++c)
          output[t.out + c] += input[t.in + c];
      },
      [&](int64_t o, int64_t oy, int64_t ox) {
        float count = float(tosaAvgPoolDivisor(s, oy, ox));
        for (int64_t c = 0; c < s.c; ++c)
          output[o + c] /= count;
      });
}

void compress::detail::avgPoolInt(const ConvShape &s, const int64_t *input,
                                  int64_t inputZp, int64_t outputZp,
                                  DType outType, AvgPoolDivisor divisor,
                                  int64_t *output) {
  std::vector<int64_t> sums(s.c);
  forEachWindow(
      s, [&](int64_t) { std::fill(sums.begin(), sums.end(), 0); },
      [&](const WindowTap &t) {
        for (int64_t c = 0; c < s.c; ++c)
          sums[c] += input[t.in + c];
      },
      [&](int64_t o, int64_t oy, int64_t ox) {
        int64_t count = divisor == AvgPoolDivisor::InBounds
                            ? std::max<int64_t>(1, inBoundsCount(s, oy, ox))
                            : tosaAvgPoolDivisor(s, oy, ox);
        for (int64_t c = 0; c < s.c; ++c)
          output[o + c] =
              wrapInt(avgPoolElement(wrapInt(sums[c], DType::I32), count,
                                     inputZp, outputZp, intBitWidth(outType)),
                      outType);
      });
}
