//===- OnnxConstants.cpp - Tensors the ONNX importer folds ----------------===//

#include "OnnxConstants.h"

#include <onnx/onnx_pb.h>

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>

using namespace compress::onnx_import;
using llvm::ArrayRef;
using llvm::SmallVector;

static int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

int64_t ConstTensor::size() const { return product(shape); }

SmallVector<int64_t> ConstTensor::toInts() const {
  SmallVector<int64_t> out;
  for (int64_t i = 0, e = size(); i < e; ++i)
    out.push_back(intAt(i));
  return out;
}

ConstTensor ConstTensor::ofFloats(ArrayRef<int64_t> shape,
                                  std::vector<float> values) {
  ConstTensor t;
  t.isFloat = true;
  t.shape.assign(shape.begin(), shape.end());
  t.floats = std::move(values);
  return t;
}

ConstTensor ConstTensor::ofInts(ArrayRef<int64_t> shape,
                                std::vector<int64_t> values) {
  ConstTensor t;
  t.isFloat = false;
  t.shape.assign(shape.begin(), shape.end());
  t.ints = std::move(values);
  return t;
}

/// `count` little-endian values of T from `raw`, converted to U.
template <typename T, typename U>
static std::vector<U> fromRaw(const std::string &raw, int64_t count) {
  std::vector<U> out(count);
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] =
        U(llvm::support::endian::byte_swap<T>(v, llvm::endianness::little));
  }
  return out;
}

llvm::Expected<ConstTensor>
compress::onnx_import::readTensor(const onnx::TensorProto &proto) {
  SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape)
    if (d < 0)
      return llvm::createStringError("tensor '" + proto.name() +
                                     "' has a negative dimension");
  int64_t count = product(shape);
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return llvm::createStringError(
        "tensor '" + proto.name() +
        "' keeps its data in an external file, which is not read");
  const std::string &raw = proto.raw_data();
  bool hasRaw = proto.has_raw_data();
  auto sizeError = [&](int64_t have) {
    return llvm::createStringError(
        llvm::formatv("tensor '{0}' has {1} values for its shape of {2}",
                      proto.name(), have, count));
  };
  using TP = onnx::TensorProto;
  switch (proto.data_type()) {
  case TP::FLOAT:
  case TP::DOUBLE: {
    bool isDouble = proto.data_type() == TP::DOUBLE;
    int64_t width = isDouble ? 8 : 4;
    if (hasRaw) {
      if (int64_t(raw.size()) != count * width)
        return sizeError(int64_t(raw.size()) / width);
      return ConstTensor::ofFloats(
          shape, isDouble ? fromRaw<double, float>(raw, count)
                          : fromRaw<float, float>(raw, count));
    }
    std::vector<float> values;
    if (isDouble)
      values.assign(proto.double_data().begin(), proto.double_data().end());
    else
      values.assign(proto.float_data().begin(), proto.float_data().end());
    if (int64_t(values.size()) != count)
      return sizeError(values.size());
    return ConstTensor::ofFloats(shape, std::move(values));
  }
  case TP::INT64:
  case TP::INT32:
  case TP::INT16:
  case TP::INT8:
  case TP::UINT8:
  case TP::UINT16:
  case TP::UINT32:
  case TP::BOOL: {
    std::vector<int64_t> values;
    if (hasRaw) {
      int64_t width;
      switch (proto.data_type()) {
      case TP::INT64:
        width = 8;
        break;
      case TP::INT32:
      case TP::UINT32:
        width = 4;
        break;
      case TP::INT16:
      case TP::UINT16:
        width = 2;
        break;
      default:
        width = 1;
        break;
      }
      if (int64_t(raw.size()) != count * width)
        return sizeError(int64_t(raw.size()) / width);
      switch (proto.data_type()) {
      case TP::INT64:
        values = fromRaw<int64_t, int64_t>(raw, count);
        break;
      case TP::INT32:
        values = fromRaw<int32_t, int64_t>(raw, count);
        break;
      case TP::UINT32:
        values = fromRaw<uint32_t, int64_t>(raw, count);
        break;
      case TP::INT16:
        values = fromRaw<int16_t, int64_t>(raw, count);
        break;
      case TP::UINT16:
        values = fromRaw<uint16_t, int64_t>(raw, count);
        break;
      case TP::INT8:
        values = fromRaw<int8_t, int64_t>(raw, count);
        break;
      default:
        values = fromRaw<uint8_t, int64_t>(raw, count);
        break;
      }
    } else if (proto.data_type() == TP::INT64) {
      values.assign(proto.int64_data().begin(), proto.int64_data().end());
    } else {
      values.assign(proto.int32_data().begin(), proto.int32_data().end());
    }
    if (int64_t(values.size()) != count)
      return sizeError(values.size());
    return ConstTensor::ofInts(shape, std::move(values));
  }
  default:
    return llvm::createStringError(llvm::formatv(
        "tensor '{0}' has data type {1} ({2}), which is not read", proto.name(),
        proto.data_type(), TP::DataType_Name(TP::DataType(proto.data_type()))));
  }
}

ConstTensor compress::onnx_import::castTo(const ConstTensor &t, bool toFloat) {
  if (t.isFloat == toFloat)
    return t;
  ConstTensor out;
  out.isFloat = toFloat;
  out.shape = t.shape;
  for (int64_t i = 0, e = t.size(); i < e; ++i) {
    if (toFloat)
      out.floats.push_back(float(t.ints[i]));
    else
      out.ints.push_back(int64_t(t.floats[i]));
  }
  return out;
}

ConstTensor compress::onnx_import::reshapeTo(const ConstTensor &t,
                                             ArrayRef<int64_t> shape) {
  ConstTensor out = t;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

/// A tensor of `shape` whose element at each multi-index is `t`'s element
/// at `source(multi-index)` (a flat index).
template <typename Source>
static ConstTensor gatherBy(const ConstTensor &t, ArrayRef<int64_t> shape,
                            Source source) {
  ConstTensor out;
  out.isFloat = t.isFloat;
  out.shape.assign(shape.begin(), shape.end());
  int64_t n = product(shape);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t from = source(index);
    if (t.isFloat)
      out.floats.push_back(t.floats[from]);
    else
      out.ints.push_back(t.ints[from]);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

ConstTensor compress::onnx_import::transposeBy(const ConstTensor &t,
                                               ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape, strides = stridesOf(t.shape);
  for (int64_t p : perm)
    shape.push_back(t.shape[p]);
  return gatherBy(t, shape, [&](ArrayRef<int64_t> index) {
    int64_t flat = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      flat += index[d] * strides[perm[d]];
    return flat;
  });
}

ConstTensor
compress::onnx_import::concatAlong(ArrayRef<const ConstTensor *> parts,
                                   int64_t axis) {
  SmallVector<int64_t> shape = parts.front()->shape;
  shape[axis] = 0;
  bool isFloat = false;
  for (const ConstTensor *p : parts) {
    shape[axis] += p->shape[axis];
    isFloat |= p->isFloat;
  }
  ConstTensor out;
  out.isFloat = isFloat;
  out.shape = shape;
  int64_t outer = product(ArrayRef<int64_t>(shape).take_front(axis));
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor *p : parts) {
      ConstTensor part = castTo(*p, isFloat);
      int64_t chunk = product(ArrayRef<int64_t>(p->shape).drop_front(axis));
      for (int64_t i = 0; i < chunk; ++i) {
        if (isFloat)
          out.floats.push_back(part.floats[o * chunk + i]);
        else
          out.ints.push_back(part.ints[o * chunk + i]);
      }
    }
  return out;
}

ConstTensor compress::onnx_import::gatherAlong(const ConstTensor &data,
                                               const ConstTensor &indices,
                                               int64_t axis) {
  SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.append(indices.shape.begin(), indices.shape.end());
  shape.append(data.shape.begin() + axis + 1, data.shape.end());
  SmallVector<int64_t> strides = stridesOf(data.shape);
  int64_t rank = indices.shape.size();
  SmallVector<int64_t> indexStrides = stridesOf(indices.shape);
  return gatherBy(data, shape, [&](ArrayRef<int64_t> index) {
    int64_t flat = 0;
    for (int64_t d = 0; d < axis; ++d)
      flat += index[d] * strides[d];
    int64_t which = 0;
    for (int64_t d = 0; d < rank; ++d)
      which += index[axis + d] * indexStrides[d];
    int64_t i = indices.intAt(which);
    if (i < 0)
      i += data.shape[axis];
    flat += i * strides[axis];
    for (size_t d = axis + 1; d < data.shape.size(); ++d)
      flat += index[d - 1 + rank] * strides[d];
    return flat;
  });
}

ConstTensor compress::onnx_import::sliceBy(const ConstTensor &t,
                                           ArrayRef<int64_t> starts,
                                           ArrayRef<int64_t> counts,
                                           ArrayRef<int64_t> steps) {
  SmallVector<int64_t> strides = stridesOf(t.shape);
  return gatherBy(t, counts, [&](ArrayRef<int64_t> index) {
    int64_t flat = 0;
    for (size_t d = 0; d < counts.size(); ++d)
      flat += (starts[d] + index[d] * steps[d]) * strides[d];
    return flat;
  });
}

std::optional<SmallVector<int64_t>>
compress::onnx_import::broadcastShapes(ArrayRef<int64_t> a,
                                       ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1)
      return std::nullopt;
    out[i] = x == 1 ? y : x;
  }
  return out;
}

llvm::Expected<ConstTensor>
compress::onnx_import::binary(char op, const ConstTensor &a,
                              const ConstTensor &b) {
  auto shape = broadcastShapes(a.shape, b.shape);
  if (!shape)
    return llvm::createStringError("operand shapes do not broadcast");
  bool isFloat = a.isFloat || b.isFloat;
  auto indexOf = [&](const ConstTensor &t, ArrayRef<int64_t> index) {
    SmallVector<int64_t> strides = stridesOf(t.shape);
    size_t offset = shape->size() - t.shape.size();
    int64_t flat = 0;
    for (size_t d = 0; d < t.shape.size(); ++d)
      if (t.shape[d] != 1)
        flat += index[d + offset] * strides[d];
    return flat;
  };
  ConstTensor out;
  out.isFloat = isFloat;
  out.shape = *shape;
  ConstTensor x = castTo(a, isFloat), y = castTo(b, isFloat);
  int64_t n = product(*shape);
  SmallVector<int64_t> index(shape->size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = indexOf(x, index), ib = indexOf(y, index);
    if (isFloat) {
      float u = x.floats[ia], v = y.floats[ib];
      out.floats.push_back(op == '+'   ? u + v
                           : op == '-' ? u - v
                           : op == '*' ? u * v
                                       : u / v);
    } else {
      int64_t u = x.ints[ia], v = y.ints[ib];
      if (op == '/' && v == 0)
        return llvm::createStringError("integer division by zero");
      out.ints.push_back(op == '+'   ? u + v
                         : op == '-' ? u - v
                         : op == '*' ? u * v
                                     : u / v);
    }
    for (int64_t d = int64_t(shape->size()) - 1; d >= 0; --d) {
      if (++index[d] < (*shape)[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

std::pair<int64_t, int64_t> compress::onnx_import::sliceRange(int64_t dim,
                                                              int64_t start,
                                                              int64_t end,
                                                              int64_t step) {
  auto clampIndex = [&](int64_t i, int64_t lo, int64_t hi) {
    if (i < 0)
      i += dim;
    return std::min(std::max(i, lo), hi);
  };
  if (step > 0) {
    start = clampIndex(start, 0, dim);
    end = clampIndex(end, 0, dim);
    return {start, std::max<int64_t>(0, (end - start + step - 1) / step)};
  }
  start = clampIndex(start, 0, dim - 1);
  end = end < -dim ? -1 : clampIndex(end, -1, dim - 1);
  return {start, std::max<int64_t>(0, (start - end - step - 1) / -step)};
}
