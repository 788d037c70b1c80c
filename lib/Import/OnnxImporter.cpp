//===- OnnxImporter.cpp - ONNX models as float TOSA -----------------------===//
//
// The importer's driver (graph inputs, initializers, nodes in order,
// outputs), the reading of names and attributes, and the TOSA builders the
// ops share. Importer.h describes the design.
//
//===----------------------------------------------------------------------===//

#include "compress/Import/OnnxImporter.h"

#include "Importer.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace compress;
using namespace compress::onnx_import;

//===----------------------------------------------------------------------===//
// Names and attributes
//===----------------------------------------------------------------------===//

Expected<const ConstTensor *> Importer::constant(const onnx::NodeProto &node,
                                                 int index) const {
  if (!hasInput(node, index))
    return fail(llvm::formatv("input {0} is missing", index));
  auto it = constants.find(node.input(index));
  if (it == constants.end() && !values.count(node.input(index)))
    return fail("input '" + node.input(index) +
                "' is neither a graph input, an initializer nor the output "
                "of an earlier node");
  if (it == constants.end())
    return fail("input '" + node.input(index) +
                "' must be a constant (an initializer or computed from "
                "constants)");
  return &it->second;
}

Expected<Value> Importer::value(const onnx::NodeProto &node, int index) {
  if (!hasInput(node, index))
    return fail(llvm::formatv("input {0} is missing", index));
  const std::string &name = node.input(index);
  if (auto it = values.find(name); it != values.end())
    return it->second;
  if (auto it = constants.find(name); it != constants.end())
    return constantValue(it->second);
  return fail("input '" + name +
              "' is neither a graph input, an initializer nor the output "
              "of an earlier node");
}

const onnx::AttributeProto *Importer::attribute(const onnx::NodeProto &node,
                                                StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t Importer::intAttr(const onnx::NodeProto &node, StringRef name,
                          int64_t fallback) const {
  const onnx::AttributeProto *a = attribute(node, name);
  return a ? a->i() : fallback;
}

float Importer::floatAttr(const onnx::NodeProto &node, StringRef name,
                          float fallback) const {
  const onnx::AttributeProto *a = attribute(node, name);
  return a ? a->f() : fallback;
}

SmallVector<int64_t> Importer::intsAttr(const onnx::NodeProto &node,
                                        StringRef name,
                                        ArrayRef<int64_t> fallback) const {
  const onnx::AttributeProto *a = attribute(node, name);
  if (!a)
    return SmallVector<int64_t>(fallback);
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::string Importer::stringAttr(const onnx::NodeProto &node, StringRef name,
                                 StringRef fallback) const {
  const onnx::AttributeProto *a = attribute(node, name);
  return a ? a->s() : fallback.str();
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

Value Importer::constantValue(const ConstTensor &t) {
  ConstTensor f = castTo(t, /*toFloat=*/true);
  auto type = f32(t.shape);
  auto attr = DenseElementsAttr::get(type, ArrayRef<float>(f.floats));
  return tosa::ConstOp::create(b, type, attr);
}

Value Importer::splat(float value, int64_t rank) {
  SmallVector<int64_t> ones(rank, 1);
  auto type = f32(ones);
  return tosa::ConstOp::create(b, type, DenseElementsAttr::get(type, value));
}

Value Importer::reshape(Value v, ArrayRef<int64_t> shape) {
  if (shapeOf(v) == Shape(shape))
    return v;
  return tosa::ReshapeOp::create(b, f32(shape), v,
                                 tosa::getTosaConstShape(b, shape));
}

Value Importer::transpose(Value v, ArrayRef<int32_t> perm) {
  Shape in = shapeOf(v), out;
  for (int32_t p : perm)
    out.push_back(in[p]);
  return tosa::TransposeOp::create(b, f32(out), v,
                                   b.getDenseI32ArrayAttr(perm));
}

Value Importer::toRank(Value v, int64_t rank) {
  Shape shape = shapeOf(v);
  if (int64_t(shape.size()) >= rank)
    return v;
  Shape padded(rank - shape.size(), 1);
  padded.append(shape);
  return reshape(v, padded);
}

Value Importer::slice(Value v, ArrayRef<int64_t> starts,
                      ArrayRef<int64_t> sizes) {
  if (shapeOf(v) == Shape(sizes))
    return v;
  return tosa::SliceOp::create(b, f32(sizes), v,
                               tosa::getTosaConstShape(b, starts),
                               tosa::getTosaConstShape(b, sizes));
}

Value Importer::pad(Value v, ArrayRef<int64_t> lowHigh, float padValue) {
  Shape shape = shapeOf(v);
  for (size_t d = 0; d < shape.size(); ++d)
    shape[d] += lowHigh[2 * d] + lowHigh[2 * d + 1];
  auto padConst = f32({1});
  Value value = tosa::ConstOp::create(
      b, padConst, DenseElementsAttr::get(padConst, padValue));
  return tosa::PadOp::create(b, f32(shape), v,
                             tosa::getTosaConstShape(b, lowHigh), value);
}

Value Importer::binaryOp(char op, Value x, Value y) {
  int64_t rank = std::max(shapeOf(x).size(), shapeOf(y).size());
  x = toRank(x, rank);
  y = toRank(y, rank);
  Shape shape = *broadcastShapes(shapeOf(x), shapeOf(y));
  switch (op) {
  case '+':
    return tosa::AddOp::create(b, f32(shape), x, y);
  case '-':
    return tosa::SubOp::create(b, f32(shape), x, y);
  case '*': {
    auto shiftType = RankedTensorType::get({1}, b.getI8Type());
    Value shift = tosa::ConstOp::create(
        b, shiftType, DenseElementsAttr::get(shiftType, int8_t(0)));
    return tosa::MulOp::create(b, f32(shape), x, y, shift);
  }
  default: { // '/'
    Value reciprocal = tosa::ReciprocalOp::create(b, y.getType(), y);
    return binaryOp('*', x, reciprocal);
  }
  }
}

Value Importer::fitWindows(Value nhwc, SmallVector<int64_t> &pad, int64_t oh,
                           int64_t ow, ArrayRef<int64_t> kernel,
                           ArrayRef<int64_t> stride,
                           ArrayRef<int64_t> dilation) {
  Shape in = shapeOf(nhwc), kept = in;
  int64_t outs[2] = {oh, ow};
  for (int d = 0; d < 2; ++d) {
    int64_t reach = (outs[d] - 1) * stride[d] + (kernel[d] - 1) * dilation[d] +
                    1 - pad[2 * d];
    int64_t size = in[1 + d];
    pad[2 * d + 1] = std::max<int64_t>(0, reach - size);
    kept[1 + d] = std::min(size, reach);
  }
  return slice(nhwc, {0, 0, 0, 0}, kept);
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

Error Importer::importNode(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return fail("the domain '" + node.domain() + "' is not supported");
  if (op == "Constant") {
    const onnx::AttributeProto *a = attribute(node, "value");
    if (a && a->has_t()) {
      auto t = readTensor(a->t());
      if (!t)
        return t.takeError();
      bind(node, std::move(*t));
      return Error::success();
    }
    if (const onnx::AttributeProto *f = attribute(node, "value_float")) {
      bind(node, ConstTensor::ofFloats({}, {f->f()}));
      return Error::success();
    }
    if (const onnx::AttributeProto *i = attribute(node, "value_int")) {
      bind(node, ConstTensor::ofInts({}, {i->i()}));
      return Error::success();
    }
    if (const onnx::AttributeProto *is = attribute(node, "value_ints")) {
      bind(node, ConstTensor::ofInts({is->ints_size()},
                                     std::vector<int64_t>(is->ints().begin(),
                                                          is->ints().end())));
      return Error::success();
    }
    return fail("a Constant without a value, value_float, value_int or "
                "value_ints attribute is not supported");
  }
  if (op == "Shape") {
    auto x = value(node, 0);
    if (!x)
      return x.takeError();
    Shape shape = shapeOf(*x);
    int64_t rank = shape.size();
    int64_t start = intAttr(node, "start", 0), end = intAttr(node, "end", rank);
    start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
    std::vector<int64_t> dims(shape.begin() + start,
                              shape.begin() + std::max(start, end));
    bind(node, ConstTensor::ofInts({int64_t(dims.size())}, dims));
    return Error::success();
  }
  static const StringRef foldable[] = {
      "Add",    "Cast",      "Concat",   "ConstantOfShape", "Div",   "Dropout",
      "Gather", "Identity",  "Mul",      "Reshape",         "Slice", "Squeeze",
      "Sub",    "Transpose", "Unsqueeze"};
  bool allConstant = node.input_size() > 0;
  for (int i = 0; i < node.input_size(); ++i)
    allConstant &= node.input(i).empty() || isConstant(node.input(i));
  if (allConstant && llvm::is_contained(foldable, op))
    return fold(node);
  if (op == "Conv")
    return importConv(node);
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
      op == "GlobalMaxPool")
    return importPool(node);
  if (op == "Gemm" || op == "MatMul")
    return importGemm(node);
  if (op == "BatchNormalization")
    return importBatchNorm(node);
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
      op == "Unsqueeze" || op == "Transpose")
    return importShapeOp(node);
  if (op == "Slice")
    return importSlice(node);
  if (op == "Pad")
    return importPad(node);
  if (op == "Concat")
    return importConcat(node);
  if (op == "Softmax")
    return importSoftmax(node);
  if (llvm::is_contained({"Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu",
                          "HardSigmoid", "HardSwish", "Identity", "Dropout",
                          "Add", "Sub", "Mul", "Div"},
                         op))
    return importElementwise(node);
  return fail("op type " + op.str() + " is not supported");
}

Expected<OwningOpRef<ModuleOp>> Importer::run(StringRef functionName) {
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0)
    return fail("the model imports no ai.onnx opset");
  if (opset < 11 || opset > 17)
    return fail(
        llvm::formatv("opset {0} is not supported (11 to 17 are)", opset));
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &init : graph.initializer()) {
    auto t = readTensor(init);
    if (!t)
      return fail("initializer: " + llvm::toString(t.takeError()));
    constants[init.name()] = std::move(*t);
  }

  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (isConstant(input.name()))
      continue;
    const onnx::TypeProto &type = input.type();
    if (!type.has_tensor_type() ||
        type.tensor_type().elem_type() != onnx::TensorProto::FLOAT)
      return fail("input '" + input.name() + "' is not a float32 tensor");
    Shape shape;
    const auto &dims = type.tensor_type().shape().dim();
    for (int d = 0; d < dims.size(); ++d) {
      if (!dims[d].has_dim_value() || dims[d].dim_value() < 1)
        return fail(llvm::formatv(
            "input '{0}' has a dynamic dimension {1}{2}; export the model "
            "with static shapes (batch 1)",
            input.name(), d,
            dims[d].has_dim_param() ? " ('" + dims[d].dim_param() + "')"
                                    : std::string()));
      shape.push_back(dims[d].dim_value());
    }
    inputTypes.push_back(f32(shape));
    inputNames.push_back(input.name());
  }
  if (graph.output_size() == 0)
    return fail("the graph has no outputs");

  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getLoc());
  b.setInsertionPointToEnd(module->getBody());
  auto func =
      func::FuncOp::create(b, functionName, b.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [name, arg] : llvm::zip(inputNames, body->getArguments()))
    values[name] = arg;
  b.setInsertionPointToEnd(body);

  for (const onnx::NodeProto &node : graph.node()) {
    std::string name = node.name().empty() && node.output_size()
                           ? node.output(0)
                           : node.name();
    b.setLoc(NameLoc::get(b.getStringAttr(name)));
    Error error = node.output_size() == 0 ? fail("the node has no outputs")
                                          : importNode(node);
    if (error)
      return fail(llvm::formatv("node '{0}' ({1}, opset {2}): {3}", name,
                                node.op_type(), opset,
                                llvm::toString(std::move(error))));
    if (node.output_size() > 1 && node.op_type() != "Dropout")
      for (int i = 1; i < node.output_size(); ++i)
        if (!node.output(i).empty())
          return fail(llvm::formatv(
              "node '{0}' ({1}, opset {2}): output {3} ('{4}') is not "
              "supported",
              name, node.op_type(), opset, i, node.output(i)));
  }

  b.setLoc(UnknownLoc::get(&context));
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (auto it = values.find(output.name()); it != values.end()) {
      results.push_back(it->second);
    } else if (auto c = constants.find(output.name()); c != constants.end()) {
      results.push_back(constantValue(c->second));
    } else {
      return fail("graph output '" + output.name() +
                  "' is not produced by any node");
    }
  }
  func::ReturnOp::create(b, results);
  func.setFunctionType(
      b.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  std::string firstError;
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      if (firstError.empty())
        firstError = d.str();
      return success();
    });
    if (failed(verify(*module)))
      return fail("the imported program does not verify (a bug in the "
                  "importer): " +
                  firstError);
  }
  return module;
}

namespace {
/// Collects the first error of protobuf's text-format parser.
class TextErrors : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, int column, const std::string &message) override {
    if (first.empty())
      first = llvm::formatv("line {0}, column {1}: {2}", line + 1, column + 1,
                            message);
  }
  std::string first;
};
} // namespace

Expected<OwningOpRef<ModuleOp>>
compress::importOnnxModel(StringRef bytes, MLIRContext &context,
                          const OnnxImportOptions &options) {
  context.loadDialect<func::FuncDialect, tosa::TosaDialect>();
  onnx::ModelProto model;
  if (options.textFormat) {
    google::protobuf::TextFormat::Parser parser;
    TextErrors errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(bytes.str(), &model))
      return fail("not an ONNX model in protobuf text format: " + errors.first);
  } else if (bytes.size() > size_t(INT32_MAX) ||
             !model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    return fail("not an ONNX model: the file does not parse as a "
                "ModelProto (truncated, or not ONNX)");
  }
  if (!model.has_graph() || model.ir_version() <= 0)
    return fail("not an ONNX model: no ir_version or no graph");
  return Importer(context, model).run(options.functionName);
}

ArrayRef<StringRef> compress::getSupportedOnnxOps() {
  static const StringRef ops[] = {"Add",
                                  "AveragePool",
                                  "BatchNormalization",
                                  "Cast",
                                  "Clip",
                                  "Concat",
                                  "Constant",
                                  "ConstantOfShape",
                                  "Conv",
                                  "Div",
                                  "Dropout",
                                  "Flatten",
                                  "Gather",
                                  "Gemm",
                                  "GlobalAveragePool",
                                  "GlobalMaxPool",
                                  "HardSigmoid",
                                  "HardSwish",
                                  "Identity",
                                  "LeakyRelu",
                                  "MatMul",
                                  "MaxPool",
                                  "Mul",
                                  "Pad",
                                  "Relu",
                                  "Reshape",
                                  "Shape",
                                  "Sigmoid",
                                  "Slice",
                                  "Softmax",
                                  "Squeeze",
                                  "Sub",
                                  "Tanh",
                                  "Transpose",
                                  "Unsqueeze"};
  return ops;
}
