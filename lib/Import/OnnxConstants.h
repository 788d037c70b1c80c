//===- OnnxConstants.h - Tensors the ONNX importer folds --------*- C++ -*-===//
//
// Initializers, Constant nodes and whatever is computed from them alone
// (shape subgraphs, mostly) are evaluated while importing. They hold f32 or
// i64 values (other integer and float types are converted when read).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_IMPORT_ONNXCONSTANTS_H
#define COMPRESS_LIB_IMPORT_ONNXCONSTANTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace compress::onnx_import {

struct ConstTensor {
  bool isFloat = true;
  llvm::SmallVector<int64_t> shape;
  std::vector<float> floats;
  std::vector<int64_t> ints;

  int64_t size() const;
  /// Element `i` as a double / as an integer (floats truncated).
  double at(int64_t i) const { return isFloat ? floats[i] : double(ints[i]); }
  int64_t intAt(int64_t i) const {
    return isFloat ? int64_t(floats[i]) : ints[i];
  }
  /// All elements as integers (shapes, axes, pads).
  llvm::SmallVector<int64_t> toInts() const;

  static ConstTensor ofFloats(llvm::ArrayRef<int64_t> shape,
                              std::vector<float> values);
  static ConstTensor ofInts(llvm::ArrayRef<int64_t> shape,
                            std::vector<int64_t> values);
};

/// Reads a TensorProto (raw or typed fields; f32, f64, f16 is not read,
/// integers of any width and bool).
llvm::Expected<ConstTensor> readTensor(const onnx::TensorProto &proto);

/// Folding of the ops shape subgraphs use; each follows the ONNX operator
/// of the same name.
ConstTensor castTo(const ConstTensor &t, bool toFloat);
ConstTensor reshapeTo(const ConstTensor &t, llvm::ArrayRef<int64_t> shape);
ConstTensor transposeBy(const ConstTensor &t, llvm::ArrayRef<int64_t> perm);
ConstTensor concatAlong(llvm::ArrayRef<const ConstTensor *> parts,
                        int64_t axis);
ConstTensor gatherAlong(const ConstTensor &data, const ConstTensor &indices,
                        int64_t axis);
/// Elements `starts[d] + k * steps[d]` along every dimension, `counts[d]`
/// of them.
ConstTensor sliceBy(const ConstTensor &t, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> counts,
                    llvm::ArrayRef<int64_t> steps);
/// `op` is one of '+', '-', '*', '/', with numpy broadcasting; fails when
/// the shapes do not broadcast.
llvm::Expected<ConstTensor> binary(char op, const ConstTensor &a,
                                   const ConstTensor &b);

/// The numpy broadcast of two shapes, or nothing.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Start and element count of `Slice` along a dimension of `dim` elements,
/// with ONNX's clamping of `start` and `end` for the sign of `step`.
std::pair<int64_t, int64_t> sliceRange(int64_t dim, int64_t start, int64_t end,
                                       int64_t step);

} // namespace compress::onnx_import

#endif // COMPRESS_LIB_IMPORT_ONNXCONSTANTS_H
