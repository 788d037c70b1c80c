//===- InitAll.h - Register compress and its upstream needs ------*- C++ -*-===//
//
// One place that lists every dialect, interface model and pass the tools
// need, so compress-opt, compress-run and embedders agree.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_INITALL_H
#define COMPRESS_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace compress {

/// Our dialects, the upstream dialects a compress pipeline touches (tosa,
/// func, arith, math, tensor, linalg, scf, memref, bufferization, vector,
/// llvm, quant, ...) and their external interface models.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Our passes and named pipelines, plus the upstream passes.
void registerAllPasses();

} // namespace compress

#endif // COMPRESS_INITALL_H
