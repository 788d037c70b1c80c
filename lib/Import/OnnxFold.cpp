//===- OnnxFold.cpp - ONNX nodes evaluated while importing ----------------===//
//
// Nodes whose inputs are all constants, in shape subgraphs mostly, are
// evaluated on ConstTensors instead of becoming TOSA ops; the shape
// helpers here (Reshape targets, Squeeze axes, Slice ranges) serve the
// emitted ops too.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace compress;
using namespace compress::onnx_import;

//===----------------------------------------------------------------------===//
// Folding
//===----------------------------------------------------------------------===//

Expected<int64_t> compress::onnx_import::normalisedAxis(int64_t axis,
                                                        int64_t rank) {
  if (axis < -rank || axis >= rank)
    return fail(
        llvm::formatv("axis {0} is out of range for rank {1}", axis, rank));
  return axis < 0 ? axis + rank : axis;
}

Expected<SmallVector<int64_t>>
compress::onnx_import::reshapeTarget(ArrayRef<int64_t> in,
                                     ArrayRef<int64_t> target, bool allowZero) {
  SmallVector<int64_t> shape;
  int64_t known = 1, inferred = -1, total = 1;
  for (int64_t d : in)
    total *= d;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return fail("a 0 in the target shape has no input dimension");
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return fail("the target shape has more than one -1");
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return fail(llvm::formatv("dimension {0} of the target shape", d));
    shape.push_back(d);
    known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return fail("the target shape does not divide the input");
    shape[inferred] = total / known;
  } else if (known != total) {
    return fail(
        llvm::formatv("cannot reshape {0} elements to {1}", total, known));
  }
  return shape;
}

SmallVector<int64_t> compress::onnx_import::axesOf(const onnx::NodeProto &node,
                                                   const ConstTensor *input) {
  if (input)
    return input->toInts();
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == "axes")
      return SmallVector<int64_t>(a.ints().begin(), a.ints().end());
  return {};
}

SmallVector<int64_t> compress::onnx_import::squeezedShape(
    ArrayRef<int64_t> in, SmallVector<int64_t> axes, bool unsqueeze) {
  SmallVector<int64_t> out;
  if (unsqueeze) {
    out.assign(in.begin(), in.end());
    int64_t rank = in.size() + axes.size();
    for (int64_t &a : axes)
      if (a < 0)
        a += rank;
    llvm::sort(axes);
    for (int64_t a : axes)
      out.insert(out.begin() + std::min<int64_t>(a, out.size()), 1);
    return out;
  }
  int64_t rank = in.size();
  for (int64_t d = 0; d < rank; ++d) {
    bool drop = axes.empty() ? in[d] == 1
                             : llvm::is_contained(axes, d) ||
                                   llvm::is_contained(axes, d - rank);
    if (!drop)
      out.push_back(in[d]);
  }
  return out;
}

Expected<const ConstTensor *>
Importer::optionalAxes(const onnx::NodeProto &node) {
  if (!hasInput(node, 1))
    return nullptr;
  return constant(node, 1);
}

Expected<SliceRanges> Importer::sliceRanges(const onnx::NodeProto &node,
                                            ArrayRef<int64_t> shape,
                                            bool negativeSteps) {
  auto starts = constant(node, 1), ends = constant(node, 2);
  if (!starts)
    return starts.takeError();
  if (!ends)
    return ends.takeError();
  int64_t rank = shape.size();
  SmallVector<int64_t> axes, steps;
  if (hasInput(node, 3)) {
    auto a = constant(node, 3);
    if (!a)
      return a.takeError();
    axes = (*a)->toInts();
  } else {
    for (int64_t d = 0; d < (*starts)->size(); ++d)
      axes.push_back(d);
  }
  if (hasInput(node, 4)) {
    auto s = constant(node, 4);
    if (!s)
      return s.takeError();
    steps = (*s)->toInts();
  } else {
    steps.assign(axes.size(), 1);
  }
  if ((*starts)->size() != int64_t(axes.size()) ||
      (*ends)->size() != int64_t(axes.size()) || steps.size() != axes.size())
    return fail("starts, ends, axes and steps differ in length");
  SliceRanges r{SmallVector<int64_t>(rank, 0), SmallVector<int64_t>(shape),
                SmallVector<int64_t>(rank, 1)};
  for (size_t k = 0; k < axes.size(); ++k) {
    auto axis = normalisedAxis(axes[k], rank);
    if (!axis)
      return axis.takeError();
    if (steps[k] == 0 || (steps[k] < 0 && !negativeSteps))
      return fail(steps[k] == 0 ? "a step of Slice is 0"
                                : "Slice with a negative step is supported "
                                  "on constants only");
    std::tie(r.first[*axis], r.counts[*axis]) = sliceRange(
        shape[*axis], (*starts)->intAt(k), (*ends)->intAt(k), steps[k]);
    r.steps[*axis] = steps[k];
  }
  return r;
}

Expected<SmallVector<int64_t>>
compress::onnx_import::transposePerm(const onnx::NodeProto &node,
                                     int64_t rank) {
  SmallVector<int64_t> perm;
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == "perm")
      perm.assign(a.ints().begin(), a.ints().end());
  if (perm.empty()) {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
    return perm;
  }
  SmallVector<bool> seen(rank, false);
  if (int64_t(perm.size()) != rank)
    return fail("perm does not list every dimension once");
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return fail("perm does not list every dimension once");
    seen[p] = true;
  }
  return perm;
}

Error Importer::fold(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  auto in = [&](int i) { return constant(node, i); };
  if (op == "Identity" || op == "Dropout") {
    auto x = in(0);
    if (!x)
      return x.takeError();
    bind(node, **x);
    return Error::success();
  }
  if (op == "Cast") {
    auto x = in(0);
    if (!x)
      return x.takeError();
    int64_t to = intAttr(node, "to", onnx::TensorProto::FLOAT);
    bool toFloat = to == onnx::TensorProto::FLOAT ||
                   to == onnx::TensorProto::DOUBLE ||
                   to == onnx::TensorProto::FLOAT16;
    bind(node, castTo(**x, toFloat));
    return Error::success();
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    auto x = in(0), y = in(1);
    if (!x)
      return x.takeError();
    if (!y)
      return y.takeError();
    char c = op == "Add" ? '+' : op == "Sub" ? '-' : op == "Mul" ? '*' : '/';
    auto result = binary(c, **x, **y);
    if (!result)
      return result.takeError();
    bind(node, std::move(*result));
    return Error::success();
  }
  if (op == "Reshape") {
    auto x = in(0), s = in(1);
    if (!x)
      return x.takeError();
    if (!s)
      return s.takeError();
    auto shape = reshapeTarget((*x)->shape, (*s)->toInts(),
                               intAttr(node, "allowzero", 0));
    if (!shape)
      return shape.takeError();
    bind(node, reshapeTo(**x, *shape));
    return Error::success();
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    auto x = in(0);
    if (!x)
      return x.takeError();
    auto axes = optionalAxes(node);
    if (!axes)
      return axes.takeError();
    bind(node, reshapeTo(**x, squeezedShape((*x)->shape, axesOf(node, *axes),
                                            op == "Unsqueeze")));
    return Error::success();
  }
  if (op == "Transpose") {
    auto x = in(0);
    if (!x)
      return x.takeError();
    auto perm = transposePerm(node, (*x)->shape.size());
    if (!perm)
      return perm.takeError();
    bind(node, transposeBy(**x, *perm));
    return Error::success();
  }
  if (op == "Concat") {
    SmallVector<const ConstTensor *> parts;
    for (int i = 0; i < node.input_size(); ++i) {
      auto x = in(i);
      if (!x)
        return x.takeError();
      parts.push_back(*x);
    }
    auto axis =
        normalisedAxis(intAttr(node, "axis", 0), parts.front()->shape.size());
    if (!axis)
      return axis.takeError();
    bind(node, concatAlong(parts, *axis));
    return Error::success();
  }
  if (op == "Gather") {
    auto x = in(0), i = in(1);
    if (!x)
      return x.takeError();
    if (!i)
      return i.takeError();
    auto axis = normalisedAxis(intAttr(node, "axis", 0), (*x)->shape.size());
    if (!axis)
      return axis.takeError();
    bind(node, gatherAlong(**x, **i, *axis));
    return Error::success();
  }
  if (op == "ConstantOfShape") {
    auto s = in(0);
    if (!s)
      return s.takeError();
    SmallVector<int64_t> shape = (*s)->toInts();
    ConstTensor fill = ConstTensor::ofFloats({1}, {0.0f});
    if (const onnx::AttributeProto *a = attribute(node, "value")) {
      auto t = readTensor(a->t());
      if (!t)
        return t.takeError();
      fill = *t;
    }
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    bind(node, fill.isFloat ? ConstTensor::ofFloats(
                                  shape, std::vector<float>(n, fill.floats[0]))
                            : ConstTensor::ofInts(shape, std::vector<int64_t>(
                                                             n, fill.ints[0])));
    return Error::success();
  }
  if (op == "Slice") {
    auto x = in(0);
    if (!x)
      return x.takeError();
    auto r = sliceRanges(node, (*x)->shape, /*negativeSteps=*/true);
    if (!r)
      return r.takeError();
    bind(node, sliceBy(**x, r->first, r->counts, r->steps));
    return Error::success();
  }
  return fail("cannot fold op type " + node.op_type());
}
