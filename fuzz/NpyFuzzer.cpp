//===- NpyFuzzer.cpp - libFuzzer target: the .npy and .npz readers --------===//
//
// Any bytes as a .npy file, or as a .npz archive when they start like a zip
// ("PK"): parseNpy and parseNpz must return arrays or an error, never
// crash, hang or read out of bounds, whole or decoding only leading rows.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/Npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  for (int64_t maxRows : {int64_t(-1), int64_t(1)}) {
    if (bytes.starts_with("PK")) {
      auto arrays = compress::parseNpz(bytes, "input", maxRows);
      if (!arrays)
        llvm::consumeError(arrays.takeError());
    } else {
      llvm::Expected<compress::Tensor> tensor =
          compress::parseNpy(bytes, "input", maxRows);
      if (!tensor)
        llvm::consumeError(tensor.takeError());
    }
  }
  return 0;
}
