//===- RescaleRounding.h - Rounding of fixed-point rescales -----*- C++ -*-===//
//
// `compress::RescaleRounding` (Single, Double), generated from
// RescaleRounding.td with its string forms `single_round`/`double_round`.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_RESCALEROUNDING_H
#define COMPRESS_SUPPORT_RESCALEROUNDING_H

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

#include "compress/Support/RescaleRoundingEnums.h.inc"

#endif // COMPRESS_SUPPORT_RESCALEROUNDING_H
