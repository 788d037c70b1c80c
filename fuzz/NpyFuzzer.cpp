//===- NpyFuzzer.cpp - libFuzzer target: the .npy reader ------------------===//
//
// Any bytes as an .npy file: parseNpy must return a tensor or an error,
// never crash, hang or read out of bounds.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/Npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<compress::Tensor> tensor = compress::parseNpy(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "input");
  if (!tensor)
    llvm::consumeError(tensor.takeError());
  return 0;
}
