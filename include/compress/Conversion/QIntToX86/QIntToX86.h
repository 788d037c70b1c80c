//===- QIntToX86.h - qint kernels as AVX-512 VNNI code ----------*- C++ -*-===//
//
// The pass that lowers qint's accumulating kernels (with the requantize and
// residual add that follow them) to vector code around `vpdpbusd`, with the
// weights packed at compile time.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_QINTTOX86_QINTTOX86_H
#define COMPRESS_CONVERSION_QINTTOX86_QINTTOX86_H

#include "mlir/Pass/Pass.h"

namespace compress {

/// convert-qint-to-x86's `sparse-kernels` default: weights at least this
/// percent zero in 1x4 blocks take the sparse kernel. The sparse kernel
/// breaks even near 60% on an AMD EPYC and near 80% on an Emerald Rapids
/// Xeon (docs/Kernels.md).
constexpr int64_t kDefaultSparseKernelPercent = 80;

#define GEN_PASS_DECL_CONVERTQINTTOX86PASS
#include "compress/Conversion/Passes.h.inc"

/// The CPU features the code of convert-qint-to-x86 executes, in LLVM's
/// spelling: AVX-512 F and BW (masked byte loads and stores, i64 lanes) and
/// VNNI (`vpdpbusd`).
llvm::ArrayRef<llvm::StringRef> getQIntToX86RequiredFeatures();

/// Whether the CPU this process runs on has every feature of
/// getQIntToX86RequiredFeatures().
bool hostSupportsQIntToX86();

} // namespace compress

#endif // COMPRESS_CONVERSION_QINTTOX86_QINTTOX86_H
