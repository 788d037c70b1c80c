//===- Npy.h - .npy and .npz reading and writing ----------------*- C++ -*-===//
//
// Loads and stores tensors in numpy's .npy format and .npz archives, the
// exchange format for datasets, calibration inputs and reference outputs.
//
// Supported element types are float32, float64, int8, int16, int32, int64,
// uint8 and bool, little endian and C order only. int48 tensors have no numpy
// counterpart and are written as int64, so they read back as DType::I64.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_NPY_H
#define COMPRESS_SUPPORT_NPY_H

#include "compress/Support/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace compress {

/// Parses a .npy image held in memory (format versions 1.0, 2.0 and 3.0);
/// `name` is used in error messages. With `maxRows` >= 0 only the first
/// that many entries along the first axis are decoded (the whole image is
/// still validated against its header).
llvm::Expected<Tensor> parseNpy(llvm::StringRef bytes, llvm::StringRef name,
                                int64_t maxRows = -1);
/// Reads the .npy file at `path` (a regular file), decoding at most
/// `maxRows` entries along its first axis when that is not negative: the
/// file is mapped, so memory grows with the entries decoded, not with the
/// file.
llvm::Expected<Tensor> readNpy(llvm::StringRef path, int64_t maxRows = -1);

/// Serialises to .npy format 1.0 (little endian, C order), with the header
/// padded so that the data starts at a multiple of 64 bytes, as numpy does.
/// Falls back to format 2.0 only if the header outgrows 64 KiB.
std::string serializeNpy(const Tensor &tensor);
/// Writes `tensor` to the .npy file at `path`, replacing it atomically.
llvm::Error writeNpy(llvm::StringRef path, const Tensor &tensor);

/// Arrays of a .npz archive, in archive order, keyed by name without ".npy".
/// Reads both stored (np.savez) and deflated (np.savez_compressed) members.
/// Each member is decoded as it decompresses: with `maxRows` >= 0 only that
/// many entries along each array's first axis are held and decoded (the
/// rest is still read, to check the member's size against its header).
/// `path` must be a regular file.
llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
readNpz(llvm::StringRef path, int64_t maxRows = -1);
/// The same for a .npz archive held in memory; `name` is used in error
/// messages.
llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
parseNpz(llvm::StringRef bytes, llvm::StringRef name, int64_t maxRows = -1);
/// Writes `arrays` as uncompressed members `<name>.npy` of a new archive at
/// `path`, as np.savez does.
llvm::Error writeNpz(llvm::StringRef path,
                     llvm::ArrayRef<std::pair<std::string, Tensor>> arrays);

} // namespace compress

#endif // COMPRESS_SUPPORT_NPY_H
