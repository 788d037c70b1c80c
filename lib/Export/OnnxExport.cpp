//===- OnnxExport.cpp - Quantized programs as QDQ ONNX models -------------===//

#include "compress/Export/OnnxExport.h"

#include "compress/Dialect/QInt/IR/QInt.h"

#include <google/protobuf/text_format.h>
#include <onnx/onnx_pb.h>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

using namespace mlir;
using namespace compress;
using llvm::Twine;

namespace {

/// An int8 tensor of the program, held as uint8 in the ONNX graph
/// (activationValue), and the affine map of its values in the program.
/// A 4-D NHWC tensor of the program may be held in ONNX's NCHW instead
/// (`nchw`), so that convolutions and pools read it without a transpose.
struct Quantized {
  std::string name;
  double scale = 1.0;
  int64_t zeroPoint = 0;
  bool nchw = false;
};

/// A float tensor of the graph that holds an accumulator's real value
/// (acc * inputScale * weightScale[c]), and those per-channel scales.
struct Accumulator {
  std::string name;
  std::vector<double> scales;
  bool nchw = false;
};

class Exporter {
public:
  explicit Exporter(onnx::GraphProto &graph) : graph(graph) {}

  llvm::Error run(func::FuncOp func);

private:
  onnx::GraphProto &graph;
  llvm::DenseMap<Value, Quantized> quantized;
  /// The other layout of 4-D values, made once however many ops read it
  /// (a runtime's transpose optimizer cannot move a transpose past a
  /// tensor with several readers, which would keep it from fusing them).
  llvm::DenseMap<Value, Quantized> otherLayout;
  llvm::DenseMap<Value, Accumulator> accumulators;
  llvm::DenseMap<Value, std::string> floats;
  int64_t counter = 0;

  std::string fresh(StringRef hint) {
    return (hint + "_" + Twine(counter++)).str();
  }

  onnx::NodeProto &node(StringRef type, ArrayRef<std::string> inputs,
                        ArrayRef<std::string> outputs) {
    onnx::NodeProto &n = *graph.add_node();
    n.set_op_type(type.str());
    n.set_name(fresh(type));
    for (const std::string &i : inputs)
      n.add_input(i);
    for (const std::string &o : outputs)
      n.add_output(o);
    return n;
  }
  static void intsAttr(onnx::NodeProto &n, StringRef name,
                       ArrayRef<int64_t> values) {
    onnx::AttributeProto &a = *n.add_attribute();
    a.set_name(name.str());
    a.set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
      a.add_ints(v);
  }
  static void intAttr(onnx::NodeProto &n, StringRef name, int64_t value) {
    onnx::AttributeProto &a = *n.add_attribute();
    a.set_name(name.str());
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(value);
  }

  template <typename T>
  std::string initializer(StringRef hint, int dataType, ArrayRef<int64_t> dims,
                          ArrayRef<T> values) {
    std::string name = fresh(hint);
    onnx::TensorProto &t = *graph.add_initializer();
    t.set_name(name);
    t.set_data_type(dataType);
    for (int64_t d : dims)
      t.add_dims(d);
    t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                               values.size() * sizeof(T)));
    return name;
  }
  std::string floats1d(StringRef hint, ArrayRef<float> values) {
    return initializer<float>(hint, onnx::TensorProto::FLOAT,
                              {int64_t(values.size())}, values);
  }
  /// Scalar initializers, one per value (scales and zero points repeat
  /// along every chain of DequantizeLinear and QuantizeLinear).
  std::map<std::pair<int, uint64_t>, std::string> scalars;
  template <typename T>
  std::string scalar(StringRef hint, int dataType, T value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    auto [it, inserted] = scalars.try_emplace({dataType, bits});
    if (inserted)
      it->second = initializer<T>(hint, dataType, {}, ArrayRef<T>(value));
    return it->second;
  }
  std::string scalarFloat(StringRef hint, double value) {
    return scalar<float>(hint, onnx::TensorProto::FLOAT, float(value));
  }
  /// A scalar of an activation tensor (a zero point, a pad value).
  /// Activations are written as uint8 (ONNX Runtime's preferred form on
  /// x86, U8S8): the program's int8 value v is v + 128, with the zero
  /// point moved alike, so the real values are the same.
  std::string activationValue(StringRef hint, int64_t value) {
    return scalar<uint8_t>(hint, onnx::TensorProto::UINT8,
                           uint8_t(value + 128));
  }
  std::string int64s(StringRef hint, ArrayRef<int64_t> values) {
    return initializer<int64_t>(hint, onnx::TensorProto::INT64,
                                {int64_t(values.size())}, values);
  }

  /// DequantizeLinear of an int8 tensor: its float name.
  std::string dequantize(const Quantized &q) {
    std::string out = fresh(q.name + "_dq");
    node("DequantizeLinear",
         {q.name, scalarFloat("scale", q.scale),
          activationValue("zero_point", q.zeroPoint)},
         {out});
    return out;
  }
  /// DequantizeLinear of constant integers per channel along `axis` (one
  /// scale per channel, zero point 0): its float name.
  template <typename T>
  std::string dequantizeConstant(StringRef hint, int dataType,
                                 ArrayRef<int64_t> dims, ArrayRef<T> values,
                                 ArrayRef<float> scales, int64_t axis) {
    std::string integers = initializer<T>(hint, dataType, dims, values);
    std::vector<T> zeros(scales.size(), 0);
    std::string out = fresh((hint + "_dq").str());
    intAttr(node("DequantizeLinear",
                 {integers, floats1d((hint + "_scale").str(), scales),
                  initializer<T>((hint + "_zero_point").str(), dataType,
                                 {int64_t(scales.size())}, zeros)},
                 {out}),
            "axis", axis);
    return out;
  }
  /// QuantizeLinear of a float tensor to int8 with `scale` and `zeroPoint`,
  /// after a Relu or Clip when [clampMin, clampMax] is narrower than int8.
  Quantized quantize(std::string input, double scale, int64_t zeroPoint,
                     int64_t clampMin, int64_t clampMax) {
    if (clampMin > -128 || clampMax < 127) {
      std::string clipped = fresh(input + "_clip");
      if (clampMin == zeroPoint && clampMax == 127) {
        node("Relu", {input}, {clipped});
      } else {
        float lo = float(double(clampMin - zeroPoint) * scale);
        float hi = float(double(clampMax - zeroPoint) * scale);
        node("Clip",
             {input, scalarFloat("clip_min", lo), scalarFloat("clip_max", hi)},
             {clipped});
      }
      input = clipped;
    }
    Quantized q{fresh("q"), scale, zeroPoint};
    node("QuantizeLinear",
         {input, scalarFloat("scale", scale),
          activationValue("zero_point", zeroPoint)},
         {q.name});
    return q;
  }

  llvm::Error fail(Operation *op, const Twine &message) {
    std::string loc;
    llvm::raw_string_ostream os(loc);
    if (auto fileLoc = dyn_cast<FileLineColLoc>(op->getLoc()))
      os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
         << fileLoc.getColumn();
    else
      op->getLoc().print(os);
    return llvm::createStringError(llvm::formatv("{0}: '{1}': {2}", loc,
                                                 op->getName().getStringRef(),
                                                 message.str())
                                       .str());
  }
  /// The int8 tensor of `value`, in NCHW when `nchw` says so (4-D values
  /// only), else as it was made.
  llvm::Expected<Quantized> input(Operation *op, Value value,
                                  std::optional<bool> nchw = std::nullopt) {
    auto it = quantized.find(value);
    if (it == quantized.end())
      return fail(op, "an operand is not an int8 tensor the export knows "
                      "the scale of");
    if (!nchw || *nchw == it->second.nchw)
      return it->second;
    if (cast<RankedTensorType>(value.getType()).getRank() != 4)
      return fail(op, "an operand of a 4-D op is not 4-D");
    auto [view, inserted] = otherLayout.try_emplace(value);
    if (inserted) {
      const Quantized &q = it->second;
      view->second = {fresh(q.name + "_t"), q.scale, q.zeroPoint, *nchw};
      intsAttr(node("Transpose", {q.name}, {view->second.name}), "perm",
               *nchw ? ArrayRef<int64_t>{0, 3, 1, 2}
                     : ArrayRef<int64_t>{0, 2, 3, 1});
    }
    return view->second;
  }
  llvm::Expected<std::vector<int64_t>> shapeValues(Operation *op, Value v) {
    auto shape = v.getDefiningOp<tosa::ConstShapeOp>();
    if (!shape)
      return fail(op, "a shape operand is not a tosa.const_shape");
    std::vector<int64_t> values;
    for (const APInt &x : shape.getValues().getValues<APInt>())
      values.push_back(x.getSExtValue());
    return values;
  }

  llvm::Error exportWeightLayer(Operation *op, Value in, Value weights,
                                Value bias);
  llvm::Error exportRequantize(qint::RequantizeOp op);
  llvm::Error exportAdd(qint::AddOp op);
  llvm::Error exportPool(Operation *op, bool isMax);
  llvm::Error exportDataMovement(Operation *op);
};

} // namespace

/// The per-channel output scale of a requantize whose input holds
/// acc * accScales[c]: the multiplier is accScales[c] / outputScale.
static std::optional<double> outputScaleOf(ArrayRef<double> accScales,
                                           ArrayRef<int32_t> multipliers,
                                           ArrayRef<int8_t> shifts) {
  std::vector<double> candidates;
  for (size_t c = 0; c < accScales.size(); ++c) {
    size_t i = multipliers.size() == 1 ? 0 : c;
    if (multipliers[i] <= 0 || accScales[c] <= 0)
      continue;
    candidates.push_back(accScales[c] * std::ldexp(1.0, shifts[i]) /
                         double(multipliers[i]));
  }
  if (candidates.empty())
    return std::nullopt;
  std::sort(candidates.begin(), candidates.end());
  double median = candidates[candidates.size() / 2];
  // Per-tensor activations: every channel gives the same scale, to the
  // precision of a 31-bit multiplier.
  for (double s : candidates)
    if (std::abs(s - median) > 1e-6 * median)
      return std::nullopt;
  return median;
}

llvm::Error Exporter::exportWeightLayer(Operation *op, Value in, Value weights,
                                        Value bias) {
  bool isMatmul = isa<qint::MatmulOp>(op);
  bool isDepthwise = isa<qint::DepthwiseConv2DOp>(op);
  llvm::Expected<Quantized> x = input(op, in, /*nchw=*/!isMatmul);
  if (!x)
    return x.takeError();
  auto weightsOp = weights.getDefiningOp<qint::WeightsOp>();
  if (!weightsOp)
    return fail(op, "the weights are not a qint.weights op");
  auto accType = cast<RankedTensorType>(op->getResult(0).getType());
  if (accType.getElementType().getIntOrFloatBitWidth() != 32)
    return fail(op, "accumulators narrower or wider than 32 bits wrap "
                    "differently in ONNX runtimes; export before "
                    "compress-narrow-accumulators");
  auto weightType = cast<RankedTensorType>(weights.getType());
  ArrayRef<int64_t> shape = weightType.getShape();
  std::vector<int8_t> values = weightsOp.getUnpackedValues();
  ArrayRef<float> scales = weightsOp.getScales();
  int64_t scaleAxis = weightsOp.getAxis();

  // ONNX's layouts, dequantized along the output channels: convolution
  // weights [O, KH, KW, I] become [O, I, KH, KW]; depthwise [KH, KW, C, M]
  // become [C*M, 1, KH, KW] (output channel c*M + m, a Conv with C
  // groups); matmul [1, K, N] become [K, N]. `scaleOf[o]` is the index of
  // output channel o's scale.
  std::vector<int8_t> onnxValues(values.size());
  std::vector<int64_t> dims, scaleOf;
  int64_t axis = 0;
  if (isa<qint::Conv2DOp>(op)) {
    int64_t o = shape[0], kh = shape[1], kw = shape[2], ic = shape[3];
    if (scaleAxis != 0)
      return fail(op, "convolution weights scaled along axis " +
                          Twine(scaleAxis) + " are not exported (only 0)");
    for (int64_t a = 0; a < o; ++a) {
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          for (int64_t c = 0; c < ic; ++c)
            onnxValues[((a * ic + c) * kh + i) * kw + j] =
                values[((a * kh + i) * kw + j) * ic + c];
      scaleOf.push_back(a);
    }
    dims = {o, ic, kh, kw};
  } else if (isDepthwise) {
    int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
    if (scaleAxis != 2 && scaleAxis != 3)
      return fail(op, "depthwise weights scaled along axis " +
                          Twine(scaleAxis) + " are not exported (only 2, 3)");
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t mi = 0; mi < m; ++mi) {
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            onnxValues[((ci * m + mi) * kh + i) * kw + j] =
                values[((i * kw + j) * c + ci) * m + mi];
        scaleOf.push_back(scaleAxis == 2 ? ci : mi);
      }
    dims = {c * m, 1, kh, kw};
  } else {
    if (shape[0] != 1)
      return fail(op, "batched weights (first dimension " + Twine(shape[0]) +
                          ") are not exported");
    if (scaleAxis != 2)
      return fail(op, "matmul weights scaled along axis " + Twine(scaleAxis) +
                          " are not exported (only 2)");
    onnxValues = values;
    dims = {shape[1], shape[2]};
    for (int64_t n = 0; n < shape[2]; ++n)
      scaleOf.push_back(n);
    axis = 1;
  }
  int64_t channels = scaleOf.size();
  std::vector<float> channelScales(channels);
  std::vector<double> accScales(channels);
  for (int64_t c = 0; c < channels; ++c) {
    channelScales[c] = scales[scaleOf[c]];
    accScales[c] = x->scale * double(channelScales[c]);
  }
  std::string wFloat =
      dequantizeConstant<int8_t>("weights", onnx::TensorProto::INT8, dims,
                                 onnxValues, channelScales, axis);
  std::string biasFloat;
  if (bias) {
    DenseIntElementsAttr biasAttr;
    if (!matchPattern(bias, m_Constant(&biasAttr)))
      return fail(op, "the bias is not a constant");
    std::vector<int32_t> biasValues;
    for (const APInt &b : biasAttr.getValues<APInt>())
      biasValues.push_back(int32_t(b.getSExtValue()));
    std::vector<float> biasScales(accScales.begin(), accScales.end());
    biasFloat = dequantizeConstant<int32_t>("bias", onnx::TensorProto::INT32,
                                            {channels}, biasValues, biasScales,
                                            /*axis=*/0);
  }

  Accumulator acc{fresh("acc"), accScales};
  if (!isMatmul) {
    auto attr = [&](StringRef name) {
      return cast<DenseI64ArrayAttr>(op->getAttr(name)).asArrayRef();
    };
    if (cast<IntegerAttr>(op->getAttr("input_zp")).getInt() != x->zeroPoint)
      return fail(op, "the input zero point differs from the input's");
    // DQ -> Conv -> Q (the requantize's), all NCHW, as runtimes fuse it.
    std::vector<std::string> inputs{dequantize(*x), wFloat};
    if (bias)
      inputs.push_back(biasFloat);
    std::string y = fresh("conv");
    onnx::NodeProto &n = node("Conv", inputs, {y});
    ArrayRef<int64_t> pad = attr("pad");
    intsAttr(n, "pads", {pad[0], pad[2], pad[1], pad[3]});
    intsAttr(n, "strides", attr("stride"));
    intsAttr(n, "dilations", attr("dilation"));
    intsAttr(n, "kernel_shape", {dims[2], dims[3]});
    if (isDepthwise)
      intAttr(n, "group", shape[2]);
    acc.name = y;
    acc.nchw = true;
  } else {
    auto matmul = cast<qint::MatmulOp>(op);
    if (int64_t(matmul.getLhsZp()) != x->zeroPoint || matmul.getRhsZp() != 0)
      return fail(op, "the zero points differ from the operands'");
    std::string xFloat = dequantize(*x);
    std::string y = fresh("matmul");
    node("MatMul", {xFloat, wFloat}, {y});
    if (bias) {
      std::string sum = fresh("matmul_bias");
      node("Add", {y, biasFloat}, {sum});
      y = sum;
    }
    acc.name = y;
  }
  accumulators[op->getResult(0)] = std::move(acc);
  return llvm::Error::success();
}

llvm::Error Exporter::exportRequantize(qint::RequantizeOp op) {
  auto it = accumulators.find(op.getInput());
  if (it == accumulators.end())
    return fail(op, "only requantizes of a convolution's or matmul's "
                    "accumulator are exported");
  if (op.getInputZp() != 0)
    return fail(op, "an accumulator with a zero point is not exported");
  if (!cast<RankedTensorType>(op.getType()).getElementType().isInteger(8))
    return fail(op, "16-bit activations are not exported (QDQ int16 needs "
                    "opset 21)");
  std::optional<double> scale =
      outputScaleOf(it->second.scales, op.getMultiplier(), op.getShift());
  if (!scale)
    return fail(op, "the channels' multipliers do not give one output "
                    "scale");
  Quantized q = quantize(it->second.name, *scale, op.getOutputZp(),
                         op.getClampMin(), op.getClampMax());
  q.nchw = it->second.nchw;
  quantized[op.getResult()] = q;
  return llvm::Error::success();
}

llvm::Error Exporter::exportAdd(qint::AddOp op) {
  llvm::Expected<Quantized> lhs = input(op, op.getLhs());
  if (!lhs)
    return lhs.takeError();
  // Elementwise: the right operand in the left one's layout.
  llvm::Expected<Quantized> rhs = input(op, op.getRhs(), lhs->nchw);
  if (!rhs)
    return rhs.takeError();
  if (int64_t(op.getLhsZp()) != lhs->zeroPoint ||
      int64_t(op.getRhsZp()) != rhs->zeroPoint)
    return fail(op, "the zero points differ from the operands'");
  // Both operands are brought to a common scale s_c = s / multiplier, and
  // the sum is rescaled by the output multiplier: s_out = s_c / m_out.
  auto real = [](int32_t multiplier, int8_t shift) {
    return double(multiplier) * std::ldexp(1.0, -shift);
  };
  double common = lhs->scale / real(op.getLhsMultiplier(), op.getLhsShift());
  double scale = common / real(op.getOutputMultiplier(), op.getOutputShift());
  std::string sum = fresh("add");
  node("Add", {dequantize(*lhs), dequantize(*rhs)}, {sum});
  Quantized q = quantize(sum, scale, op.getOutputZp(), op.getClampMin(),
                         op.getClampMax());
  q.nchw = lhs->nchw;
  quantized[op.getResult()] = q;
  return llvm::Error::success();
}

llvm::Error Exporter::exportPool(Operation *op, bool isMax) {
  llvm::Expected<Quantized> x = input(op, op->getOperand(0), /*nchw=*/true);
  if (!x)
    return x.takeError();
  auto attr = [&](StringRef name) {
    return cast<DenseI64ArrayAttr>(op->getAttr(name)).asArrayRef();
  };
  ArrayRef<int64_t> pad = attr("pad");
  auto setAttrs = [&](onnx::NodeProto &n) {
    intsAttr(n, "kernel_shape", attr("kernel"));
    intsAttr(n, "strides", attr("stride"));
    intsAttr(n, "pads", {pad[0], pad[2], pad[1], pad[3]});
  };
  Quantized out;
  if (isMax) {
    // Max pooling commutes with the affine map: it runs on the int8 values.
    out = {fresh("max_pool"), x->scale, x->zeroPoint};
    setAttrs(node("MaxPool", {x->name}, {out.name}));
  } else {
    auto avg = cast<qint::AvgPool2DOp>(op);
    if (int64_t(avg.getInputZp()) != x->zeroPoint)
      return fail(op, "the input zero point differs from the input's");
    std::string y = fresh("avg_pool");
    // count_include_pad = 0 (the default): divided by the in-bounds count.
    setAttrs(node("AveragePool", {dequantize(*x)}, {y}));
    out = quantize(y, x->scale, avg.getOutputZp(), -128, 127);
  }
  out.nchw = true;
  quantized[op->getResult(0)] = out;
  return llvm::Error::success();
}

/// Reshape, slice, pad and transpose of int8 tensors run on the int8
/// values in the program's layout: the scale and zero point pass through.
llvm::Error Exporter::exportDataMovement(Operation *op) {
  llvm::Expected<Quantized> x = input(op, op->getOperand(0), /*nchw=*/false);
  if (!x)
    return x.takeError();
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Quantized out{fresh("data"), x->scale, x->zeroPoint};
  if (isa<tosa::ReshapeOp>(op)) {
    node("Reshape", {x->name, int64s("shape", resultType.getShape())},
         {out.name});
  } else if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
    llvm::Expected<std::vector<int64_t>> start =
        shapeValues(op, slice.getStart());
    if (!start)
      return start.takeError();
    std::vector<int64_t> ends, axes;
    for (auto [i, s] : llvm::enumerate(*start)) {
      ends.push_back(s + resultType.getDimSize(i));
      axes.push_back(int64_t(i));
    }
    node("Slice",
         {x->name, int64s("starts", *start), int64s("ends", ends),
          int64s("axes", axes)},
         {out.name});
  } else if (auto pad = dyn_cast<tosa::PadOp>(op)) {
    llvm::Expected<std::vector<int64_t>> padding =
        shapeValues(op, pad.getPadding());
    if (!padding)
      return padding.takeError();
    DenseIntElementsAttr padConst;
    if (!matchPattern(pad.getPadConst(), m_Constant(&padConst)))
      return fail(op, "the pad value is not a constant");
    // TOSA pads [d0_lo, d0_hi, d1_lo, ...]; ONNX [d0_lo, d1_lo, ...,
    // d0_hi, d1_hi, ...].
    std::vector<int64_t> pads(padding->size());
    size_t rank = padding->size() / 2;
    for (size_t d = 0; d < rank; ++d) {
      pads[d] = (*padding)[2 * d];
      pads[rank + d] = (*padding)[2 * d + 1];
    }
    node("Pad",
         {x->name, int64s("pads", pads),
          activationValue(
              "pad_value",
              (*padConst.getValues<APInt>().begin()).getSExtValue())},
         {out.name});
  } else {
    auto transposeOp = cast<tosa::TransposeOp>(op);
    std::vector<int64_t> perm(transposeOp.getPerms().begin(),
                              transposeOp.getPerms().end());
    intsAttr(node("Transpose", {x->name}, {out.name}), "perm", perm);
  }
  quantized[op->getResult(0)] = out;
  return llvm::Error::success();
}

static void setValueInfo(onnx::ValueInfoProto &info, StringRef name,
                         RankedTensorType type) {
  info.set_name(name.str());
  onnx::TypeProto::Tensor &tensor = *info.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : type.getShape())
    tensor.mutable_shape()->add_dim()->set_dim_value(d);
}

llvm::Error Exporter::run(func::FuncOp func) {
  if (func.getBody().front().getOps<qint::QuantizeOp>().empty())
    return llvm::createStringError(
        ("@" + func.getSymName() +
         " is not quantized (no qint.quantize); compress-pipeline makes the "
         "programs this exports")
            .str());
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
      return llvm::createStringError(
          "the function's arguments must be statically shaped f32 tensors");
    std::string name = func.getNumArguments() == 1
                           ? std::string("input")
                           : ("input_" + Twine(i)).str();
    setValueInfo(*graph.add_input(), name, type);
    floats[arg] = name;
  }
  for (Operation &op : func.getBody().front()) {
    llvm::Error err =
        llvm::TypeSwitch<Operation *, llvm::Error>(&op)
            .Case([&](qint::QuantizeOp q) -> llvm::Error {
              auto it = floats.find(q.getInput());
              if (it == floats.end())
                return fail(q, "the input is not a float tensor of the "
                               "graph");
              if (!cast<RankedTensorType>(q.getType())
                       .getElementType()
                       .isInteger(8))
                return fail(q, "16-bit activations are not exported");
              auto [lo, hi] = q.getClampBounds();
              quantized[q.getResult()] =
                  quantize(it->second, q.getScale().convertToDouble(),
                           q.getZeroPoint(), lo, hi);
              return llvm::Error::success();
            })
            .Case([&](qint::DequantizeOp d) -> llvm::Error {
              llvm::Expected<Quantized> x =
                  input(d, d.getInput(), /*nchw=*/false);
              if (!x)
                return x.takeError();
              // The dequantize's own map defines the result.
              x->scale = d.getScale().convertToDouble();
              x->zeroPoint = d.getZeroPoint();
              floats[d.getResult()] = dequantize(*x);
              return llvm::Error::success();
            })
            .Case([&](qint::Conv2DOp c) {
              return exportWeightLayer(c, c.getInput(), c.getWeights(),
                                       c.getBias());
            })
            .Case([&](qint::DepthwiseConv2DOp c) {
              return exportWeightLayer(c, c.getInput(), c.getWeights(),
                                       c.getBias());
            })
            .Case([&](qint::MatmulOp m) {
              return exportWeightLayer(m, m.getLhs(), m.getRhs(), m.getBias());
            })
            .Case([&](qint::RequantizeOp r) { return exportRequantize(r); })
            .Case([&](qint::AddOp a) { return exportAdd(a); })
            .Case([&](qint::MaxPool2DOp p) { return exportPool(p, true); })
            .Case([&](qint::AvgPool2DOp p) { return exportPool(p, false); })
            .Case<tosa::ReshapeOp, tosa::SliceOp, tosa::PadOp,
                  tosa::TransposeOp>(
                [&](Operation *o) { return exportDataMovement(o); })
            // Constants are read by the ops that use them.
            .Case<qint::WeightsOp, tosa::ConstShapeOp, tosa::ConstOp,
                  arith::ConstantOp>(
                [](Operation *) { return llvm::Error::success(); })
            .Case([&](func::ReturnOp ret) -> llvm::Error {
              for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
                auto it = floats.find(v);
                if (it == floats.end())
                  return fail(ret, "a result is not a float tensor "
                                   "(qint.dequantize)");
                std::string name = ret.getNumOperands() == 1
                                       ? std::string("output")
                                       : ("output_" + Twine(i)).str();
                node("Identity", {it->second}, {name});
                setValueInfo(*graph.add_output(), name,
                             cast<RankedTensorType>(v.getType()));
              }
              return llvm::Error::success();
            })
            .Default([&](Operation *o) {
              return fail(o, "this op is not handled by the QDQ export");
            });
    if (err)
      return err;
  }
  return llvm::Error::success();
}

llvm::Expected<std::string> compress::exportQdqOnnx(func::FuncOp func,
                                                    bool textFormat) {
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.set_producer_name("compress");
  model.add_opset_import()->set_version(kOnnxExportOpset);
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name(func.getSymName().str());
  Exporter exporter(graph);
  if (llvm::Error err = exporter.run(func))
    return std::move(err);
  // ONNX's checker reports by throwing, and this project builds without
  // exceptions; the graph is checked for order here (every node input is
  // produced before it is read), and the tests load it in ONNX Runtime.
  llvm::StringSet<> known;
  for (const onnx::ValueInfoProto &i : graph.input())
    known.insert(i.name());
  for (const onnx::TensorProto &t : graph.initializer())
    known.insert(t.name());
  for (const onnx::NodeProto &n : graph.node()) {
    for (const std::string &i : n.input())
      if (!i.empty() && !known.contains(i))
        return llvm::createStringError("internal error: node '" + n.name() +
                                       "' reads '" + i +
                                       "' before it is produced");
    for (const std::string &o : n.output())
      known.insert(o);
  }
  std::string bytes;
  bool written =
      textFormat ? google::protobuf::TextFormat::PrintToString(model, &bytes)
                 : model.SerializeToString(&bytes);
  if (!written)
    return llvm::createStringError("cannot serialise the ONNX model");
  return bytes;
}

ArrayRef<StringRef> compress::getOnnxExportableOps() {
  static const StringRef ops[] = {
      "qint.quantize",   "qint.dequantize", "qint.conv2d",
      "qint.matmul",     "qint.requantize", "qint.add",
      "qint.max_pool2d", "qint.avg_pool2d", "qint.weights",
      "tosa.reshape",    "tosa.slice",      "tosa.pad",
      "tosa.transpose",  "tosa.const_shape"};
  return ops;
}
