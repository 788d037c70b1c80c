//===- KernelSpec.h - What one qint kernel computes -------------*- C++ -*-===//
//
// The description of one kernel that convert-qint-to-x86 generates: the
// convolution geometry (a matmul is a 1x1 convolution over its rows), the
// constant weights and bias, and the requantize and residual add applied
// in its epilogue. Matching fills it in from qint ops; the emitter turns it
// into code.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CONVERSION_QINTTOX86_KERNELSPEC_H
#define COMPRESS_LIB_CONVERSION_QINTTOX86_KERNELSPEC_H

#include "compress/Support/FixedPoint.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace compress::x86 {

using mlir::Operation;
using mlir::Value;
using llvm::SmallVector;

/// Lanes of i32 accumulators in one vector, and bytes of reduction summed
/// into each lane by one `vpdpbusd`.
constexpr int64_t kLanes = 16;
constexpr int64_t kGroup = 4;

/// A convolution over an NHWC input; a matmul is the 1x1 case with the
/// rows of its left operand as pixels.
struct Geometry {
  int64_t n, h, w, c;       // input
  int64_t oh, ow, oc;       // output (batch n)
  int64_t kh, kw;           // window
  int64_t sy, sx, dy, dx;   // stride, dilation
  int64_t padTop, padLeft;  // leading padding
  int64_t inputZp;

  int64_t paddedChannels() const { return llvm::alignTo(c, kGroup); }
  int64_t channelBlocks() const { return llvm::divideCeil(oc, kLanes); }
  /// Rows and columns of the input the windows read, padding included.
  int64_t haloRows() const { return (oh - 1) * sy + (kh - 1) * dy + 1; }
  int64_t haloCols() const { return (ow - 1) * sx + (kw - 1) * dx + 1; }
  /// The kernel rows of output row `oy` that read input rather than
  /// padding: [first, last).
  std::pair<int64_t, int64_t> kernelRows(int64_t oy) const {
    int64_t top = padTop - oy * sy;
    int64_t first = std::max<int64_t>(0, llvm::divideCeilSigned(top, dy));
    int64_t last = std::min<int64_t>(
        kh, llvm::divideFloorSigned(top + h - 1, dy) + 1);
    return {first, std::max(first, last)};
  }
  /// Whether some output row has kernel rows in the padding.
  bool hasPaddedRows() const {
    for (int64_t oy = 0; oy < oh; ++oy)
      if (kernelRows(oy) != std::pair<int64_t, int64_t>(0, kh))
        return true;
    return false;
  }
};

/// One fixed-point rescale `clamp(apply_scale(in - inZp) + outZp, lo, hi)`,
/// per channel or per tensor.
struct Rescale {
  SmallVector<int32_t> multipliers;
  SmallVector<int8_t> shifts;
  RescaleRounding rounding;
  int64_t inputZp, outputZp;
  int64_t lo, hi;
};

/// A residual `qint.add` whose one operand is the kernel's requantized
/// result: `clamp(apply_scale(kernel' + skip') + zp)`, each operand
/// rescaled first.
struct ResidualAdd {
  Value skip;
  Rescale kernelSide, skipSide, output;
};

struct KernelSpec {
  Geometry g;
  /// Weights `[oc][kh][kw][c]` and the bias per output channel.
  std::vector<int8_t> weights;
  std::vector<int64_t> bias;
  Value input;
  std::optional<Rescale> requantize;
  std::optional<ResidualAdd> add;
  /// The accumulator type's width: the kernels sum in i32, and an
  /// accumulator narrower than that (which a requantize must then read) is
  /// wrapped to its width in the epilogue.
  unsigned accBits = 32;
  /// A matrix-vector product whose weights fit 4 signed bits: they stay
  /// packed two to a byte in memory and are unpacked in registers.
  bool nibbleGemv = false;
  /// A depthwise convolution (channel multiplier 1); `weights` are then
  /// `[kh][kw][c]`.
  bool depthwise = false;
  /// A convolution or matmul computed by the sparse kernel, which skips the
  /// weights' zero 1x4 blocks (SparseKernel.cpp).
  bool sparse = false;
  /// The op whose result the kernel replaces, and every op it replaces.
  Operation *root;
  SmallVector<Operation *> replaced;
};


/// The kernel that `op` (a qint.conv2d, depthwise_conv2d or matmul) and the
/// ops after it can become, or nothing when the kernels do not take it.
std::optional<KernelSpec> matchKernel(Operation *op);

/// Whether the sparse kernel takes `spec`: a convolution or matmul over a
/// multiple of 4 input channels whose 1x4 weight blocks are at least
/// `minZeroPercent` percent zero (above 100: never), whose output fills at
/// least half of the sparse kernel's pixel tiles, and whose pixel grid has
/// fewer than 2^31 bytes.
bool useSparseKernel(const KernelSpec &spec, int64_t minZeroPercent);

} // namespace compress::x86

#endif // COMPRESS_LIB_CONVERSION_QINTTOX86_KERNELSPEC_H
