//===- Tensor.h - Dense host tensors of the reference evaluator -*- C++ -*-===//
//
// A small dense row-major tensor with an element type tag. Floats are held
// as f32 (or f64), every integer type in int64_t storage normalised to the
// range of its declared width, so integer kernels can compute exactly and
// wrap once.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_TENSOR_H
#define COMPRESS_SUPPORT_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
class Type;
class MLIRContext;
} // namespace mlir

namespace compress {

/// Element types the evaluator and the .npy reader understand.
enum class DType { F32, F64, I1, I8, I16, I32, I48, I64, U8 };

/// Short name as used in messages and in numpy (`float32`, `int8`, ...).
llvm::StringRef dtypeName(DType type);
bool isFloat(DType type);
/// Bit width of an integer dtype (I1 -> 1, U8 -> 8, ...).
unsigned intBitWidth(DType type);
bool isUnsigned(DType type);
/// Maps an MLIR element type to a dtype; false if it has none.
bool dtypeFromMLIR(mlir::Type type, DType &out);
mlir::Type dtypeToMLIR(DType type, mlir::MLIRContext *ctx);

/// Wraps `value` into the two's-complement range of an integer dtype.
int64_t wrapInt(int64_t value, DType type);
/// Wraps `value` into the two's-complement range of `bits` (1..64) bits.
int64_t wrapSigned(int64_t value, unsigned bits);
/// Smallest and largest value of an integer dtype.
int64_t intMin(DType type);
int64_t intMax(DType type);

using Shape = llvm::SmallVector<int64_t, 6>;

/// Number of elements of a shape (1 for rank 0).
int64_t numElements(llvm::ArrayRef<int64_t> shape);
/// Row-major strides of a shape.
Shape rowMajorStrides(llvm::ArrayRef<int64_t> shape);
/// `[1, 28, 28]` style text for messages.
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

class Tensor {
public:
  Tensor() = default;
  Tensor(DType type, llvm::ArrayRef<int64_t> shape);

  DType dtype() const { return type; }
  llvm::ArrayRef<int64_t> shape() const { return dims; }
  int64_t rank() const { return dims.size(); }
  int64_t dim(int64_t i) const { return dims[i]; }
  int64_t size() const { return count; }

  /// Element storage; exactly one of these is non-empty (unless size 0).
  /// Float32 elements. The mutable accessor first copies the elements of a
  /// borrowed tensor (see `borrowF32`) into the tensor's own storage.
  std::vector<float> &f32() {
    if (borrowed)
      materialize();
    return floats;
  }
  llvm::ArrayRef<float> f32() const {
    return borrowed ? llvm::ArrayRef<float>(borrowed, count)
                    : llvm::ArrayRef<float>(floats);
  }
  std::vector<double> &f64() { return doubles; }
  const std::vector<double> &f64() const { return doubles; }
  std::vector<int64_t> &ints() { return integers; }
  const std::vector<int64_t> &ints() const { return integers; }

  /// A float32 tensor of `shape` that reads `data` without copying it, for
  /// constants whose storage outlives every run (attributes of an MLIR
  /// context); `data` must outlive the tensor and its copies. Reading
  /// costs nothing; the first write through `f32()` copies the elements.
  static Tensor borrowF32(llvm::ArrayRef<int64_t> shape, const float *data);

  /// A tensor of `type` and `shape` decoded from `data`, which holds its
  /// elements in row-major order, each little-endian at its dtype's width
  /// (i1 one byte each, any nonzero byte true), as .npy files and MLIR
  /// resource blobs store them. Not for I48, which neither stores.
  static Tensor decodeLittleEndian(DType type, llvm::ArrayRef<int64_t> shape,
                                   const char *data);

  /// Same data, another shape with the same element count.
  Tensor reshaped(llvm::ArrayRef<int64_t> newShape) const;
  /// Element `i` (row-major) as a double, whatever the dtype.
  double getAsDouble(int64_t i) const;
  /// The first-axis slice `[index]`, keeping a leading dimension of 1.
  Tensor sliceBatch(int64_t index) const;
  /// The first-axis slice `[first, first + rows)`.
  Tensor sliceRows(int64_t first, int64_t rows) const;
  /// The tensors stacked along the first axis; they must have one dtype
  /// and agree in every other dimension.
  static Tensor concatRows(llvm::ArrayRef<const Tensor *> parts);

private:
  DType type = DType::F32;
  Shape dims;
  int64_t count = 0;
  std::vector<float> floats;
  /// The elements of a borrowed float32 tensor; `floats` is then empty.
  const float *borrowed = nullptr;
  void materialize();
  std::vector<double> doubles;
  std::vector<int64_t> integers;
};

} // namespace compress

#endif // COMPRESS_SUPPORT_TENSOR_H
