//===- Importer.h - The ONNX importer's state -------------------*- C++ -*-===//
//
// One pass over the graph's nodes in order (ONNX requires topological
// order). A name is bound either to a folded constant (ConstTensor) or to
// an SSA value of the function being built; a node whose inputs are all
// constants and whose op has a folder is folded (OnnxFold.cpp), any other
// is emitted as TOSA (OnnxOps.cpp). Values keep ONNX's layout (NCHW for
// images); convolutions and pools transpose to NHWC and back, as
// torch-mlir's TOSA does, and compress-cleanup cancels the pairs.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_IMPORT_IMPORTER_H
#define COMPRESS_LIB_IMPORT_IMPORTER_H

#include "OnnxConstants.h"

#include <onnx/onnx_pb.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <map>

namespace compress::onnx_import {

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using mlir::Value;

/// An op failed to import: the message without the node's name, which the
/// driver adds.
inline Error fail(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

/// Normalises a possibly negative axis of a rank-`rank` tensor.
Expected<int64_t> normalisedAxis(int64_t axis, int64_t rank);

/// The shape `Reshape` gives a tensor of shape `in`: 0 copies the input
/// dimension (unless `allowZero`), -1 takes what is left.
Expected<llvm::SmallVector<int64_t>>
reshapeTarget(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> target,
              bool allowZero);

/// The shape after Squeeze (`unsqueeze` false) or Unsqueeze of `axes`.
llvm::SmallVector<int64_t> squeezedShape(llvm::ArrayRef<int64_t> in,
                                         llvm::SmallVector<int64_t> axes,
                                         bool unsqueeze);

/// A Transpose node's `perm`, by default the reversed dimensions of a
/// rank-`rank` input; fails unless it is a permutation.
Expected<llvm::SmallVector<int64_t>> transposePerm(const onnx::NodeProto &node,
                                                   int64_t rank);

/// The axes of Squeeze and Unsqueeze: the `axes` input from opset 13
/// (`input`), the attribute before.
llvm::SmallVector<int64_t> axesOf(const onnx::NodeProto &node,
                                  const ConstTensor *input);

/// A Slice node's elements per dimension: the first, the count and the
/// step.
struct SliceRanges {
  llvm::SmallVector<int64_t> first, counts, steps;
};

/// Imports one graph (Importer.h's header comment).
class Importer {
public:
  Importer(MLIRContext &context, const onnx::ModelProto &model)
      : context(context), model(model), b(UnknownLoc::get(&context), &context) {
  }

  Expected<OwningOpRef<ModuleOp>> run(StringRef functionName);

private:
  using Shape = SmallVector<int64_t>;

  // Names.
  bool isConstant(const std::string &name) const {
    return constants.count(name);
  }
  Expected<const ConstTensor *> constant(const onnx::NodeProto &node,
                                         int index) const;
  Expected<Value> value(const onnx::NodeProto &node, int index);
  bool hasInput(const onnx::NodeProto &node, int index) const {
    return index < node.input_size() && !node.input(index).empty();
  }
  void bind(const onnx::NodeProto &node, Value v) {
    values[node.output(0)] = v;
  }
  void bind(const onnx::NodeProto &node, ConstTensor t) {
    constants[node.output(0)] = std::move(t);
  }

  // Attributes.
  const onnx::AttributeProto *attribute(const onnx::NodeProto &node,
                                        StringRef name) const;
  int64_t intAttr(const onnx::NodeProto &node, StringRef name,
                  int64_t fallback) const;
  float floatAttr(const onnx::NodeProto &node, StringRef name,
                  float fallback) const;
  SmallVector<int64_t> intsAttr(const onnx::NodeProto &node, StringRef name,
                                ArrayRef<int64_t> fallback = {}) const;
  std::string stringAttr(const onnx::NodeProto &node, StringRef name,
                         StringRef fallback) const;

  // Builders.
  static Shape shapeOf(Value v) {
    return Shape(cast<RankedTensorType>(v.getType()).getShape());
  }
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  Value constantValue(const ConstTensor &t);
  Value splat(float value, int64_t rank);
  Value reshape(Value v, ArrayRef<int64_t> shape);
  Value transpose(Value v, ArrayRef<int32_t> perm);
  /// `v` reshaped to `rank` dimensions with leading ones (broadcasting).
  Value toRank(Value v, int64_t rank);
  Value slice(Value v, ArrayRef<int64_t> starts, ArrayRef<int64_t> sizes);
  Value pad(Value v, ArrayRef<int64_t> lowHigh, float padValue);
  Value binaryOp(char op, Value x, Value y);
  /// Makes TOSA's exact window arithmetic hold for an NHWC input and
  /// outputs of `oh` x `ow`: the bottom and right padding shrink to what
  /// the last window reads, and input rows or columns that no window reads
  /// are sliced off.
  Value fitWindows(Value nhwc, SmallVector<int64_t> &pad, int64_t oh,
                   int64_t ow, ArrayRef<int64_t> kernel,
                   ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation);

  /// The ranges a Slice node takes from an input of `shape`; steps below
  /// 1 fail unless `negativeSteps`.
  Expected<SliceRanges> sliceRanges(const onnx::NodeProto &node,
                                    ArrayRef<int64_t> shape,
                                    bool negativeSteps);
  /// The optional axes input of Squeeze/Unsqueeze (opset 13), or null.
  Expected<const ConstTensor *> optionalAxes(const onnx::NodeProto &node);

  // Folding and emission per op type.
  Error importNode(const onnx::NodeProto &node);
  Error fold(const onnx::NodeProto &node);
  Error importConv(const onnx::NodeProto &node);
  Error importPool(const onnx::NodeProto &node);
  Error importGemm(const onnx::NodeProto &node);
  Error importElementwise(const onnx::NodeProto &node);
  Error importBatchNorm(const onnx::NodeProto &node);
  Error importShapeOp(const onnx::NodeProto &node);
  Error importSlice(const onnx::NodeProto &node);
  Error importPad(const onnx::NodeProto &node);
  Error importConcat(const onnx::NodeProto &node);
  Error importSoftmax(const onnx::NodeProto &node);

  MLIRContext &context;
  const onnx::ModelProto &model;
  ImplicitLocOpBuilder b;
  int64_t opset = 0;
  std::map<std::string, Value> values;
  std::map<std::string, ConstTensor> constants;
};

} // namespace compress::onnx_import

#endif // COMPRESS_LIB_IMPORT_IMPORTER_H
