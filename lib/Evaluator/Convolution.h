//===- Convolution.h - Convolution and pooling kernels -----------*- C++ -*-===//
//
// Layout-fixed (NHWC activations) convolution and pooling shared by the TOSA
// and qint kernels. Float convolution is im2col + the packed GEMM; integer
// convolution is exact in 64-bit arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_EVALUATOR_CONVOLUTION_H
#define COMPRESS_LIB_EVALUATOR_CONVOLUTION_H

#include "Gemm.h"
#include "Kernels.h"

namespace compress::detail {

/// Sizes of an NHWC 2-D window op. `pad` is [top, bottom, left, right].
struct ConvShape {
  int64_t n, ih, iw, c;    // input
  int64_t oh, ow, o;       // output (o: output channels)
  int64_t kh, kw;          // kernel
  int64_t sh, sw, dh, dw;  // stride, dilation
  int64_t padTop, padBottom, padLeft, padRight;
  int64_t reduction() const { return kh * kw * c; }
};

/// Reads pad/stride/dilation attributes of a window op and the NHWC shapes
/// of its input and result. `kernel` is {kh, kw}; `outChannels` the size of
/// the result's last dimension.
ConvShape makeConvShape(const Tensor &input, const Tensor &result,
                        llvm::ArrayRef<int64_t> kernel,
                        llvm::ArrayRef<int64_t> pad,
                        llvm::ArrayRef<int64_t> stride,
                        llvm::ArrayRef<int64_t> dilation);

/// One in-bounds tap of a window: `out` is the flat index of the output
/// pixel's first channel, `in` that of the input pixel's first channel,
/// `tap` is ky * kw + kx, and (oy, ox) the output position.
struct WindowTap {
  int64_t out, in, tap, oy, ox;
};

/// Walks every window of an NHWC window op (convolution taps with
/// dilation, or pooling windows): `begin(out)` before each output pixel,
/// `visit(tap)` for each in-bounds tap, `end(out, oy, ox)` after it.
/// Padded taps are skipped; each caller decides what they contribute.
template <typename Begin, typename Visit, typename End>
void forEachWindow(const ConvShape &s, Begin begin, Visit visit, End end) {
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t oy = 0; oy < s.oh; ++oy)
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        int64_t out = ((n * s.oh + oy) * s.ow + ox) * s.o;
        begin(out);
        for (int64_t ky = 0; ky < s.kh; ++ky) {
          int64_t iy = oy * s.sh - s.padTop + ky * s.dh;
          if (iy < 0 || iy >= s.ih)
            continue;
          for (int64_t kx = 0; kx < s.kw; ++kx) {
            int64_t ix = ox * s.sw - s.padLeft + kx * s.dw;
            if (ix < 0 || ix >= s.iw)
              continue;
            visit(WindowTap{out, ((n * s.ih + iy) * s.iw + ix) * s.c,
                            ky * s.kw + kx, oy, ox});
          }
        }
        end(out, oy, ox);
      }
}

/// forEachWindow without per-pixel hooks.
template <typename Visit> void forEachWindow(const ConvShape &s, Visit visit) {
  forEachWindow(s, [](int64_t) {}, visit, [](int64_t, int64_t, int64_t) {});
}

/// Float convolution with OHWI `weights` and a bias of `o` entries (or
/// none when null).
void convFloat(const ConvShape &s, const float *input, const float *weights,
               const float *bias, float *output);

/// Integer convolution: `weightsKO` is [kh*kw*c x o] with the weight zero
/// point already subtracted; input values have `inputZp` subtracted and
/// padding contributes zero. Results wrap to `accType`.
void convInt(const ConvShape &s, const int64_t *input, int64_t inputZp,
             const std::vector<int32_t> &weightsKO, const int64_t *bias,
             int64_t *output, DType accType);

/// OHWI integer weights minus `zp`, transposed to [kh*kw*c x o].
std::vector<int32_t> transposeIntWeights(const Tensor &weights, int64_t zp);

/// Depthwise: weights [kh, kw, c, m]; output channel ci*m + mi.
void depthwiseFloat(const ConvShape &s, int64_t multiplier,
                    const float *input, const float *weights,
                    const float *bias, float *output);
void depthwiseInt(const ConvShape &s, int64_t multiplier,
                  const int64_t *input, int64_t inputZp,
                  const int64_t *weights, int64_t weightZp,
                  const int64_t *bias, int64_t *output, DType accType);

/// Batched matmul [b,m,k] x [b,k,n] with zero points (integer) or plain
/// (float); `rhsBatch` is 1 when the right operand broadcasts.
void matmulFloat(int64_t batch, int64_t m, int64_t k, int64_t n,
                 const float *lhs, const float *rhs, int64_t rhsBatch,
                 float *output);
void matmulInt(int64_t batch, int64_t m, int64_t k, int64_t n,
               const int64_t *lhs, int64_t lhsZp, const int64_t *rhs,
               int64_t rhsZp, int64_t rhsBatch, const int64_t *bias,
               int64_t *output, DType accType);

/// Max pooling; padded positions never win.
void maxPool(const ConvShape &s, const Tensor &input, Tensor &output);
/// Float average pooling over the in-bounds part of each window.
void avgPoolFloat(const ConvShape &s, const float *input, float *output);
/// The divisor of tosa.avg_pool2d at an output position: upstream's
/// lowering's count (equal to the in-bounds count when the windows tile the
/// padded input exactly, which TOSA requires).
int64_t tosaAvgPoolDivisor(const ConvShape &s, int64_t oy, int64_t ox);

/// What integer average pooling divides a window sum by.
enum class AvgPoolDivisor {
  /// The number of in-bounds elements (qint.avg_pool2d).
  InBounds,
  /// The count upstream's tosa.avg_pool2d lowering computes, which differs
  /// from the in-bounds count when windows do not tile the padded input.
  TosaLowering,
};

/// Integer average pooling with tosa.avg_pool2d's rounding division.
void avgPoolInt(const ConvShape &s, const int64_t *input, int64_t inputZp,
                int64_t outputZp, DType outType, AvgPoolDivisor divisor,
                int64_t *output);

} // namespace compress::detail

#endif // COMPRESS_LIB_EVALUATOR_CONVOLUTION_H
