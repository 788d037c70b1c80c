//===- Passes.h - compress conversion passes --------------------*- C++ -*-===//
//
// Every conversion pass of compress, and their registration with the global
// pass registry.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_PASSES_H
#define COMPRESS_CONVERSION_PASSES_H

#include "compress/Conversion/QIntToTosa/QIntToTosa.h"
#include "compress/Conversion/QIntToX86/QIntToX86.h"

namespace compress {

#define GEN_PASS_REGISTRATION
#include "compress/Conversion/Passes.h.inc"

} // namespace compress

#endif // COMPRESS_CONVERSION_PASSES_H
