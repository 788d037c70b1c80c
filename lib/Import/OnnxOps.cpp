//===- OnnxOps.cpp - ONNX nodes as TOSA ops
//--------------------------------===//
//
// The nodes whose inputs are not all constants: each op type becomes the
// TOSA ops torch-mlir would emit for it, on NCHW values, with the shapes
// checked here (TOSA's verifiers would otherwise be the first to object).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/Support/FormatVariadic.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace compress;
using namespace compress::onnx_import;

/// Lower and upper padding of one spatial dimension for `auto_pad`.
static std::pair<int64_t, int64_t> autoPad(StringRef mode, int64_t in,
                                           int64_t kernel, int64_t stride,
                                           int64_t dilation) {
  if (mode == "VALID")
    return {0, 0};
  int64_t out = (in + stride - 1) / stride;
  int64_t total = std::max<int64_t>(0, (out - 1) * stride +
                                           (kernel - 1) * dilation + 1 - in);
  int64_t small = total / 2, large = total - small;
  return mode == "SAME_LOWER" ? std::pair(large, small)
                              : std::pair(small, large);
}

/// Padding as TOSA's `[top, bottom, left, right]` from a node's `pads`
/// (`[top, left, bottom, right]`) or `auto_pad`.
static Expected<SmallVector<int64_t>>
spatialPadding(const onnx::AttributeProto *pads, StringRef autoPadMode,
               ArrayRef<int64_t> inputHW, ArrayRef<int64_t> kernel,
               ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  if (autoPadMode != "NOTSET" && !autoPadMode.empty()) {
    if (autoPadMode != "VALID" && autoPadMode != "SAME_UPPER" &&
        autoPadMode != "SAME_LOWER")
      return fail("auto_pad '" + autoPadMode + "' is not an ONNX mode");
    auto [top, bottom] =
        autoPad(autoPadMode, inputHW[0], kernel[0], stride[0], dilation[0]);
    auto [left, right] =
        autoPad(autoPadMode, inputHW[1], kernel[1], stride[1], dilation[1]);
    return SmallVector<int64_t>{top, bottom, left, right};
  }
  if (!pads)
    return SmallVector<int64_t>{0, 0, 0, 0};
  if (pads->ints_size() != 4)
    return fail("pads must have 4 values for a 2-D window");
  for (int64_t p : pads->ints())
    if (p < 0)
      return fail("negative pads are not supported");
  return SmallVector<int64_t>{pads->ints(0), pads->ints(2), pads->ints(1),
                              pads->ints(3)};
}

/// Strides and dilations of a 2-D window: two positive values each.
static Error checkWindow(ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  if (stride.size() != 2 || dilation.size() != 2)
    return fail("strides and dilations must have 2 values for a 2-D window");
  if (llvm::any_of(stride, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilation, [](int64_t d) { return d < 1; }))
    return fail("strides and dilations must be positive");
  return Error::success();
}

Error Importer::importConv(const onnx::NodeProto &node) {
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  auto w = constant(node, 1);
  if (!w)
    return w.takeError();
  Shape in = shapeOf(*x), ws = (*w)->shape;
  if (in.size() != 4 || ws.size() != 4)
    return fail("only 2-D convolutions (NCHW input) are supported");
  int64_t group = intAttr(node, "group", 1);
  int64_t o = ws[0], kh = ws[2], kw = ws[3];
  if (group < 1 || in[1] % group != 0 || o % group != 0 ||
      ws[1] != in[1] / group)
    return fail(llvm::formatv("weights {0}x{1}x{2}x{3} do not match {4} input "
                              "channels in {5} groups",
                              ws[0], ws[1], ws[2], ws[3], in[1], group));
  bool depthwise = group > 1;
  if (depthwise && group != in[1])
    return fail(llvm::formatv("grouped convolutions other than depthwise "
                              "(group {0} of {1} channels) are not supported",
                              group, in[1]));
  SmallVector<int64_t> stride = intsAttr(node, "strides", {1, 1}),
                       dilation = intsAttr(node, "dilations", {1, 1});
  if (Error error = checkWindow(stride, dilation))
    return error;
  auto padding = spatialPadding(attribute(node, "pads"),
                                stringAttr(node, "auto_pad", "NOTSET"),
                                {in[2], in[3]}, {kh, kw}, stride, dilation);
  if (!padding)
    return padding.takeError();
  const SmallVector<int64_t> &given = *padding;
  int64_t oh =
      (in[2] + given[0] + given[1] - (kh - 1) * dilation[0] - 1) / stride[0] +
      1;
  int64_t ow =
      (in[3] + given[2] + given[3] - (kw - 1) * dilation[1] - 1) / stride[1] +
      1;
  if (oh < 1 || ow < 1)
    return fail("the window is larger than the padded input");

  ConstTensor bias = ConstTensor::ofFloats({o}, std::vector<float>(o, 0.0f));
  if (hasInput(node, 2)) {
    auto bt = constant(node, 2);
    if (!bt)
      return bt.takeError();
    bias = castTo(**bt, true);
    if (bias.size() != o)
      return fail("the bias does not have one value per output channel");
  }
  SmallVector<int64_t> p = *padding;
  Value nhwc = fitWindows(transpose(*x, {0, 2, 3, 1}), p, oh, ow, {kh, kw},
                          stride, dilation);
  // OIHW to OHWI, or for a depthwise convolution [C*M, 1, KH, KW] to TOSA's
  // [KH, KW, C, M].
  ConstTensor weights = depthwise ? reshapeTo(transposeBy(**w, {2, 3, 0, 1}),
                                              {kh, kw, in[1], o / in[1]})
                                  : transposeBy(**w, {0, 2, 3, 1});
  Value wv = constantValue(weights), bv = constantValue(bias);
  auto resultType = f32({in[0], oh, ow, o});
  auto padAttr = b.getDenseI64ArrayAttr(p);
  auto strideAttr = b.getDenseI64ArrayAttr(stride);
  auto dilationAttr = b.getDenseI64ArrayAttr(dilation);
  auto accType = TypeAttr::get(b.getF32Type());
  Value y = depthwise
                ? tosa::DepthwiseConv2DOp::create(b, resultType, nhwc, wv, bv,
                                                  padAttr, strideAttr,
                                                  dilationAttr, accType)
                      .getResult()
                : tosa::Conv2DOp::create(b, resultType, nhwc, wv, bv, padAttr,
                                         strideAttr, dilationAttr, accType)
                      .getResult();
  bind(node, transpose(y, {0, 3, 1, 2}));
  return Error::success();
}

Error Importer::importPool(const onnx::NodeProto &node) {
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  Shape in = shapeOf(*x);
  if (in.size() != 4)
    return fail("only 2-D pooling (NCHW input) is supported");
  StringRef op = node.op_type();
  bool global = op.starts_with("Global");
  bool isMax = op.ends_with("MaxPool");
  SmallVector<int64_t> kernel = global ? SmallVector<int64_t>{in[2], in[3]}
                                       : intsAttr(node, "kernel_shape");
  if (kernel.size() != 2)
    return fail("kernel_shape must have 2 values");
  SmallVector<int64_t> stride =
      global ? SmallVector<int64_t>{1, 1} : intsAttr(node, "strides", {1, 1});
  SmallVector<int64_t> dilation = intsAttr(node, "dilations", {1, 1});
  if (Error error = checkWindow(stride, dilation))
    return error;
  if (dilation != SmallVector<int64_t>{1, 1})
    return fail("dilated pooling is not supported");
  if (intAttr(node, "storage_order", 0) != 0)
    return fail("storage_order 1 is not supported");
  auto padding = spatialPadding(attribute(node, "pads"),
                                stringAttr(node, "auto_pad", "NOTSET"),
                                {in[2], in[3]}, kernel, stride, dilation);
  if (!padding)
    return padding.takeError();
  SmallVector<int64_t> p = *padding;
  // ceil_mode: the last window may start in the input and end past the
  // padding; extra padding at the end makes the output that long.
  auto outSize = [&](int64_t size, int64_t lo, int64_t &hi, int64_t k,
                     int64_t s) {
    int64_t span = size + lo + hi - k;
    int64_t out = span / s + 1;
    if (intAttr(node, "ceil_mode", 0) && span % s != 0) {
      // PyTorch and ONNX drop a last window that would start in the
      // padding.
      if (out * s < size + lo)
        ++out;
      hi += (out - 1) * s + k - (size + lo + hi);
    }
    return out;
  };
  int64_t oh = outSize(in[2], p[0], p[1], kernel[0], stride[0]);
  int64_t ow = outSize(in[3], p[2], p[3], kernel[1], stride[1]);
  if (oh < 1 || ow < 1)
    return fail("the window is larger than the padded input");
  Value nhwc = fitWindows(transpose(*x, {0, 2, 3, 1}), p, oh, ow, kernel,
                          stride, dilation);
  bool countPadding = !isMax && intAttr(node, "count_include_pad", 0) &&
                      llvm::any_of(p, [](int64_t v) { return v != 0; });
  if (countPadding) {
    // TOSA's average leaves the padding out of the count; ONNX's counts it
    // with count_include_pad, as zeros that are part of the input.
    nhwc = pad(nhwc, {0, 0, p[0], p[1], p[2], p[3], 0, 0}, 0.0f);
    p.assign(4, 0);
  }
  auto resultType = f32({in[0], oh, ow, in[1]});
  auto kernelAttr = b.getDenseI64ArrayAttr(kernel);
  auto strideAttr = b.getDenseI64ArrayAttr(stride);
  auto padAttr = b.getDenseI64ArrayAttr(p);
  Value y = isMax ? tosa::MaxPool2dOp::create(b, resultType, nhwc, kernelAttr,
                                              strideAttr, padAttr)
                        .getResult()
                  : tosa::AvgPool2dOp::create(b, resultType, nhwc, kernelAttr,
                                              strideAttr, padAttr,
                                              TypeAttr::get(b.getF32Type()))
                        .getResult();
  bind(node, transpose(y, {0, 3, 1, 2}));
  return Error::success();
}

Error Importer::importGemm(const onnx::NodeProto &node) {
  bool gemm = node.op_type() == "Gemm";
  auto a = value(node, 0);
  if (!a)
    return a.takeError();
  auto bt = constant(node, 1);
  if (!bt)
    return bt.takeError();
  Shape as = shapeOf(*a);
  ConstTensor weights = castTo(**bt, true);
  if (weights.shape.size() != 2)
    return fail("the second operand must be a 2-D constant");
  if (gemm && intAttr(node, "transB", 0))
    weights = transposeBy(weights, {1, 0});
  float alpha = gemm ? floatAttr(node, "alpha", 1.0f) : 1.0f;
  if (alpha != 1.0f)
    for (float &v : weights.floats)
      v *= alpha;
  Value lhs = *a;
  if (gemm) {
    if (as.size() != 2)
      return fail("the first operand of Gemm must be 2-D");
    if (intAttr(node, "transA", 0)) {
      lhs = transpose(lhs, {1, 0});
      as = shapeOf(lhs);
    }
  } else if (as.size() < 2) {
    return fail("a 1-D first operand of MatMul is not supported");
  }
  int64_t k = weights.shape[0], n = weights.shape[1];
  if (as.back() != k)
    return fail(
        llvm::formatv("inner dimensions {0} and {1} differ", as.back(), k));
  int64_t m = 1;
  for (size_t d = 0; d + 1 < as.size(); ++d)
    m *= as[d];
  Value a3 = reshape(lhs, {1, m, k});
  Value w3 = constantValue(reshapeTo(weights, {1, k, n}));
  auto zpType = f32({1});
  Value zero =
      tosa::ConstOp::create(b, zpType, DenseElementsAttr::get(zpType, 0.0f));
  Value product = tosa::MatMulOp::create(b, f32({1, m, n}), a3, w3, zero, zero);
  Shape outShape(as.begin(), as.end() - 1);
  outShape.push_back(n);
  Value y = reshape(product, outShape);
  if (gemm && hasInput(node, 2)) {
    auto c = constant(node, 2);
    if (!c)
      return c.takeError();
    ConstTensor bias = castTo(**c, true);
    float beta = floatAttr(node, "beta", 1.0f);
    for (float &v : bias.floats)
      v *= beta;
    if (!broadcastShapes(outShape, bias.shape))
      return fail("the bias does not broadcast to the product");
    y = binaryOp('+', y, constantValue(bias));
  }
  bind(node, y);
  return Error::success();
}

Error Importer::importElementwise(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  Type type = x->getType();
  float maxFloat = FLT_MAX;
  if (op == "Relu") {
    bind(node, tosa::ClampOp::create(b, type, *x, b.getF32FloatAttr(0.0f),
                                     b.getF32FloatAttr(maxFloat), nullptr));
    return Error::success();
  }
  if (op == "Clip") {
    float lo = -maxFloat, hi = maxFloat;
    if (opset < 11) {
      lo = floatAttr(node, "min", lo);
      hi = floatAttr(node, "max", hi);
    } else {
      for (int i : {1, 2}) {
        if (!hasInput(node, i))
          continue;
        auto c = constant(node, i);
        if (!c)
          return c.takeError();
        (i == 1 ? lo : hi) = float((*c)->at(0));
      }
    }
    bind(node, tosa::ClampOp::create(b, type, *x, b.getF32FloatAttr(lo),
                                     b.getF32FloatAttr(hi), nullptr));
    return Error::success();
  }
  if (op == "Sigmoid") {
    bind(node, tosa::SigmoidOp::create(b, type, *x));
    return Error::success();
  }
  if (op == "Tanh") {
    bind(node, tosa::TanhOp::create(b, type, *x));
    return Error::success();
  }
  int64_t rank = shapeOf(*x).size();
  if (op == "LeakyRelu") {
    Value scaled =
        binaryOp('*', *x, splat(floatAttr(node, "alpha", 0.01f), rank));
    bind(node, tosa::MaximumOp::create(b, type, *x, scaled));
    return Error::success();
  }
  if (op == "HardSigmoid" || op == "HardSwish") {
    // max(0, min(1, alpha * x + beta)), times x for HardSwish.
    float alpha = op == "HardSwish" ? 1.0f / 6 : floatAttr(node, "alpha", 0.2f);
    float beta = op == "HardSwish" ? 0.5f : floatAttr(node, "beta", 0.5f);
    Value t =
        binaryOp('+', binaryOp('*', *x, splat(alpha, rank)), splat(beta, rank));
    t = tosa::ClampOp::create(b, type, t, b.getF32FloatAttr(0.0f),
                              b.getF32FloatAttr(1.0f), nullptr);
    bind(node, op == "HardSwish" ? binaryOp('*', *x, t) : t);
    return Error::success();
  }
  if (op == "Identity" || op == "Dropout") {
    bind(node, *x);
    return Error::success();
  }
  // Add, Sub, Mul, Div.
  auto y = value(node, 1);
  if (!y)
    return y.takeError();
  if (!broadcastShapes(shapeOf(*x), shapeOf(*y)))
    return fail("operand shapes do not broadcast");
  char c = op == "Add" ? '+' : op == "Sub" ? '-' : op == "Mul" ? '*' : '/';
  bind(node, binaryOp(c, *x, *y));
  return Error::success();
}

Error Importer::importBatchNorm(const onnx::NodeProto &node) {
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  SmallVector<const ConstTensor *> params;
  for (int i = 1; i <= 4; ++i) {
    auto c = constant(node, i);
    if (!c)
      return c.takeError();
    params.push_back(*c);
  }
  Shape in = shapeOf(*x);
  if (in.size() < 2)
    return fail("the input needs a channel dimension");
  int64_t channels = in[1];
  float epsilon = floatAttr(node, "epsilon", 1e-5f);
  // y = (x - mean) * scale / sqrt(var + eps) + bias, as x * s + t with
  // per-channel constants shaped [1, C, 1, ...].
  std::vector<float> s(channels), t(channels);
  for (int64_t c = 0; c < channels; ++c) {
    float scale = float(params[0]->at(c)), bias = float(params[1]->at(c));
    float mean = float(params[2]->at(c)), var = float(params[3]->at(c));
    s[c] = scale / std::sqrt(var + epsilon);
    t[c] = bias - mean * s[c];
  }
  Shape shape(in.size(), 1);
  shape[1] = channels;
  Value scaled =
      binaryOp('*', *x, constantValue(ConstTensor::ofFloats(shape, s)));
  bind(node,
       binaryOp('+', scaled, constantValue(ConstTensor::ofFloats(shape, t))));
  return Error::success();
}

Error Importer::importShapeOp(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  Shape in = shapeOf(*x), out;
  if (op == "Reshape") {
    auto s = constant(node, 1);
    if (!s)
      return s.takeError();
    auto shape =
        reshapeTarget(in, (*s)->toInts(), intAttr(node, "allowzero", 0));
    if (!shape)
      return shape.takeError();
    out = *shape;
  } else if (op == "Flatten") {
    auto axis = normalisedAxis(intAttr(node, "axis", 1), in.size() + 1);
    if (!axis)
      return axis.takeError();
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < int64_t(in.size()); ++d)
      (d < *axis ? outer : inner) *= in[d];
    out = {outer, inner};
  } else if (op == "Transpose") {
    auto perm = transposePerm(node, in.size());
    if (!perm)
      return perm.takeError();
    bind(node, transpose(*x, SmallVector<int32_t>(perm->begin(), perm->end())));
    return Error::success();
  } else { // Squeeze, Unsqueeze
    auto axes = optionalAxes(node);
    if (!axes)
      return axes.takeError();
    out = squeezedShape(in, axesOf(node, *axes), op == "Unsqueeze");
  }
  bind(node, reshape(*x, out));
  return Error::success();
}

Error Importer::importSlice(const onnx::NodeProto &node) {
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  Shape in = shapeOf(*x);
  int64_t rank = in.size();
  auto ranges = sliceRanges(node, in, /*negativeSteps=*/false);
  if (!ranges)
    return ranges.takeError();
  const SmallVector<int64_t> &first = ranges->first, &counts = ranges->counts,
                             &step = ranges->steps;
  // The elements from first to first + (count - 1) * step, then every
  // step-th of them: a dimension of count * step split into [count, step],
  // of which index 0 is kept (what torch-mlir emits for x[::2]).
  SmallVector<int64_t> spans(rank);
  for (int64_t d = 0; d < rank; ++d)
    spans[d] = std::min(counts[d] * step[d], in[d] - first[d]);
  Value y = slice(*x, first, spans);
  for (int64_t d = 0; d < rank; ++d) {
    if (step[d] == 1 || counts[d] == 0)
      continue;
    Shape shape = shapeOf(y);
    if (shape[d] < counts[d] * step[d]) {
      SmallVector<int64_t> lowHigh(2 * rank, 0);
      lowHigh[2 * d + 1] = counts[d] * step[d] - shape[d];
      y = pad(y, lowHigh, 0.0f);
      shape = shapeOf(y);
    }
    Shape split(shape.begin(), shape.begin() + d);
    split.append({counts[d], step[d]});
    split.append(shape.begin() + d + 1, shape.end());
    y = reshape(y, split);
    Shape kept = split;
    kept[d + 1] = 1;
    y = slice(y, SmallVector<int64_t>(split.size(), 0), kept);
    shape[d] = counts[d];
    y = reshape(y, shape);
  }
  bind(node, y);
  return Error::success();
}

Error Importer::importPad(const onnx::NodeProto &node) {
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  Shape in = shapeOf(*x);
  int64_t rank = in.size();
  std::string mode = stringAttr(node, "mode", "constant");
  if (mode != "constant")
    return fail("Pad mode '" + mode + "' is not supported (only constant)");
  SmallVector<int64_t> pads;
  float padValue = 0.0f;
  if (opset < 11) {
    pads = intsAttr(node, "pads");
    padValue = floatAttr(node, "value", 0.0f);
  } else {
    auto p = constant(node, 1);
    if (!p)
      return p.takeError();
    pads = (*p)->toInts();
    if (hasInput(node, 2)) {
      auto v = constant(node, 2);
      if (!v)
        return v.takeError();
      padValue = float((*v)->at(0));
    }
    if (hasInput(node, 3))
      return fail("Pad with an axes input is not supported");
  }
  if (int64_t(pads.size()) != 2 * rank)
    return fail(
        llvm::formatv("pads has {0} values for rank {1}", pads.size(), rank));
  // ONNX lists all the starts, then all the ends; TOSA pairs them.
  SmallVector<int64_t> lowHigh;
  for (int64_t d = 0; d < rank; ++d) {
    if (pads[d] < 0 || pads[d + rank] < 0)
      return fail("negative pads are not supported");
    lowHigh.append({pads[d], pads[d + rank]});
  }
  bind(node, pad(*x, lowHigh, padValue));
  return Error::success();
}

Error Importer::importConcat(const onnx::NodeProto &node) {
  SmallVector<Value> parts;
  for (int i = 0; i < node.input_size(); ++i) {
    auto v = value(node, i);
    if (!v)
      return v.takeError();
    parts.push_back(*v);
  }
  Shape shape = shapeOf(parts.front());
  auto axis = normalisedAxis(intAttr(node, "axis", 0), shape.size());
  if (!axis)
    return axis.takeError();
  shape[*axis] = 0;
  for (Value v : parts) {
    Shape s = shapeOf(v);
    if (s.size() != shape.size())
      return fail("the inputs of Concat differ in rank");
    shape[*axis] += s[*axis];
  }
  bind(node, tosa::ConcatOp::create(b, f32(shape), parts,
                                    b.getI32IntegerAttr(*axis)));
  return Error::success();
}

Error Importer::importSoftmax(const onnx::NodeProto &node) {
  auto x = value(node, 0);
  if (!x)
    return x.takeError();
  Shape in = shapeOf(*x);
  auto axis =
      normalisedAxis(intAttr(node, "axis", opset < 13 ? 1 : -1), in.size());
  if (!axis)
    return axis.takeError();
  if (opset < 13 && *axis != int64_t(in.size()) - 1)
    return fail("Softmax before opset 13 over more than the last axis is "
                "not supported");
  Shape reduced = in;
  reduced[*axis] = 1;
  Type type = x->getType();
  auto axisAttr = b.getI32IntegerAttr(*axis);
  Value max = tosa::ReduceMaxOp::create(b, f32(reduced), *x, axisAttr);
  Value e = tosa::ExpOp::create(b, type, binaryOp('-', *x, max));
  Value sum = tosa::ReduceSumOp::create(b, f32(reduced), e, axisAttr);
  bind(node, binaryOp('/', e, sum));
  return Error::success();
}
