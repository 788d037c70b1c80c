//===- Tensor.cpp - Dense host tensors of the reference evaluator ---------===//

#include "compress/Support/Tensor.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>

using namespace compress;

llvm::StringRef compress::dtypeName(DType type) {
  switch (type) {
  case DType::F32: return "float32";
  case DType::F64: return "float64";
  case DType::I1: return "bool";
  case DType::I8: return "int8";
  case DType::I16: return "int16";
  case DType::I32: return "int32";
  case DType::I48: return "int48";
  case DType::I64: return "int64";
  case DType::U8: return "uint8";
  }
  llvm_unreachable("unknown dtype");
}

bool compress::isFloat(DType type) {
  return type == DType::F32 || type == DType::F64;
}

unsigned compress::intBitWidth(DType type) {
  switch (type) {
  case DType::I1: return 1;
  case DType::I8:
  case DType::U8: return 8;
  case DType::I16: return 16;
  case DType::I32: return 32;
  case DType::I48: return 48;
  case DType::I64: return 64;
  case DType::F32: return 32;
  case DType::F64: return 64;
  }
  llvm_unreachable("unknown dtype");
}

bool compress::isUnsigned(DType type) {
  return type == DType::U8 || type == DType::I1;
}

bool compress::dtypeFromMLIR(mlir::Type type, DType &out) {
  if (type.isF32()) {
    out = DType::F32;
    return true;
  }
  if (type.isF64()) {
    out = DType::F64;
    return true;
  }
  auto intType = llvm::dyn_cast<mlir::IntegerType>(type);
  if (!intType)
    return false;
  if (intType.isUnsigned()) {
    if (intType.getWidth() != 8)
      return false;
    out = DType::U8;
    return true;
  }
  switch (intType.getWidth()) {
  case 1: out = DType::I1; return true;
  case 8: out = DType::I8; return true;
  case 16: out = DType::I16; return true;
  case 32: out = DType::I32; return true;
  case 48: out = DType::I48; return true;
  case 64: out = DType::I64; return true;
  default:
    // Other signless widths (qint accumulators narrowed to i24, say) are
    // held in the next wider dtype; the ops that produce them wrap their
    // values to the type's own width.
    if (intType.isSignless() && intType.getWidth() < 32) {
      out = intType.getWidth() < 8    ? DType::I8
            : intType.getWidth() < 16 ? DType::I16
                                      : DType::I32;
      return true;
    }
    return false;
  }
}

mlir::Type compress::dtypeToMLIR(DType type, mlir::MLIRContext *ctx) {
  switch (type) {
  case DType::F32: return mlir::Float32Type::get(ctx);
  case DType::F64: return mlir::Float64Type::get(ctx);
  case DType::U8:
    return mlir::IntegerType::get(ctx, 8, mlir::IntegerType::Unsigned);
  default: return mlir::IntegerType::get(ctx, intBitWidth(type));
  }
}

int64_t compress::intMin(DType type) {
  if (isUnsigned(type))
    return 0;
  unsigned bits = intBitWidth(type);
  return bits == 64 ? INT64_MIN : -(int64_t(1) << (bits - 1));
}

int64_t compress::intMax(DType type) {
  unsigned bits = intBitWidth(type);
  if (isUnsigned(type))
    return (int64_t(1) << bits) - 1;
  return bits == 64 ? INT64_MAX : (int64_t(1) << (bits - 1)) - 1;
}

int64_t compress::wrapInt(int64_t value, DType type) {
  unsigned bits = intBitWidth(type);
  if (bits >= 64)
    return value;
  if (isUnsigned(type))
    return int64_t(uint64_t(value) & ((uint64_t(1) << bits) - 1));
  return wrapSigned(value, bits);
}

int64_t compress::wrapSigned(int64_t value, unsigned bits) {
  if (bits >= 64)
    return value;
  uint64_t low = uint64_t(value) & ((uint64_t(1) << bits) - 1);
  uint64_t sign = uint64_t(1) << (bits - 1);
  return int64_t(low ^ sign) - int64_t(sign);
}

int64_t compress::numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Shape compress::rowMajorStrides(llvm::ArrayRef<int64_t> shape) {
  Shape strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::string compress::shapeToString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Tensor::Tensor(DType type, llvm::ArrayRef<int64_t> shape)
    : type(type), dims(shape.begin(), shape.end()),
      count(numElements(shape)) {
  if (type == DType::F32)
    floats.assign(count, 0.0f);
  else if (type == DType::F64)
    doubles.assign(count, 0.0);
  else
    integers.assign(count, 0);
}

template <typename Stored, typename Out>
static void decode(const char *data, std::vector<Out> &out) {
  for (size_t i = 0, e = out.size(); i != e; ++i)
    out[i] = Out(llvm::support::endian::read<Stored>(data + i * sizeof(Stored),
                                                     llvm::endianness::little));
}

Tensor Tensor::decodeLittleEndian(DType type, llvm::ArrayRef<int64_t> shape,
                                  const char *data) {
  Tensor tensor(type, shape);
  switch (type) {
  case DType::F32: decode<float>(data, tensor.f32()); break;
  case DType::F64: decode<double>(data, tensor.f64()); break;
  case DType::I1:
    for (size_t i = 0, e = tensor.ints().size(); i != e; ++i)
      tensor.ints()[i] = data[i] != 0;
    break;
  case DType::I8: decode<int8_t>(data, tensor.ints()); break;
  case DType::I16: decode<int16_t>(data, tensor.ints()); break;
  case DType::I32: decode<int32_t>(data, tensor.ints()); break;
  case DType::I64: decode<int64_t>(data, tensor.ints()); break;
  case DType::U8: decode<uint8_t>(data, tensor.ints()); break;
  case DType::I48: llvm_unreachable("int48 has no stored form");
  }
  return tensor;
}

Tensor Tensor::borrowF32(llvm::ArrayRef<int64_t> shape, const float *data) {
  Tensor result;
  result.type = DType::F32;
  result.dims.assign(shape.begin(), shape.end());
  result.count = numElements(shape);
  result.borrowed = data;
  return result;
}

void Tensor::materialize() {
  floats.assign(borrowed, borrowed + count);
  borrowed = nullptr;
}

Tensor Tensor::reshaped(llvm::ArrayRef<int64_t> newShape) const {
  assert(numElements(newShape) == count && "reshape changes element count");
  Tensor result = *this;
  result.dims.assign(newShape.begin(), newShape.end());
  return result;
}

double Tensor::getAsDouble(int64_t i) const {
  if (type == DType::F32)
    return f32()[i];
  if (type == DType::F64)
    return doubles[i];
  return double(integers[i]);
}

Tensor Tensor::sliceBatch(int64_t index) const { return sliceRows(index, 1); }

Tensor Tensor::sliceRows(int64_t first, int64_t rows) const {
  assert(rank() >= 1 && first >= 0 && rows >= 0 && first + rows <= dims[0]);
  Shape sliceShape(dims.begin(), dims.end());
  sliceShape[0] = rows;
  Tensor result(type, sliceShape);
  int64_t n = result.size();
  int64_t begin = dims[0] ? first * (count / dims[0]) : 0;
  if (type == DType::F32)
    std::copy_n(f32().begin() + begin, n, result.floats.begin());
  else if (type == DType::F64)
    std::copy_n(doubles.begin() + begin, n, result.doubles.begin());
  else
    std::copy_n(integers.begin() + begin, n, result.integers.begin());
  return result;
}

Tensor Tensor::concatRows(llvm::ArrayRef<const Tensor *> parts) {
  assert(!parts.empty() && parts[0]->rank() >= 1);
  const Tensor &first = *parts[0];
  Shape shape(first.dims.begin(), first.dims.end());
  shape[0] = 0;
  for (const Tensor *part : parts) {
    assert(part->type == first.type && part->rank() == first.rank() &&
           llvm::equal(part->shape().drop_front(), first.shape().drop_front()));
    shape[0] += part->dims[0];
  }
  Tensor result(first.type, shape);
  int64_t offset = 0;
  for (const Tensor *part : parts) {
    if (first.type == DType::F32)
      std::copy(part->f32().begin(), part->f32().end(),
                result.floats.begin() + offset);
    else if (first.type == DType::F64)
      std::copy(part->doubles.begin(), part->doubles.end(),
                result.doubles.begin() + offset);
    else
      std::copy(part->integers.begin(), part->integers.end(),
                result.integers.begin() + offset);
    offset += part->count;
  }
  return result;
}
