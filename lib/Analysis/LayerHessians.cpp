//===- LayerHessians.cpp - Input second moments of weight layers ----------===//
//
// Each input tensor becomes a float matrix with one input vector per column
// (im2col for convolutions), whose X X^T Eigen computes as a symmetric rank
// update; the per-sample product is added to double sums, so the float
// products only ever sum over one sample's vectors.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/LayerHessians.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"

#include <Eigen/Core>

#include <algorithm>

using namespace mlir;
using namespace compress;

using FloatMatrix = Eigen::MatrixXf;
using DoubleMatrix = Eigen::MatrixXd;

int64_t LayerInputGeometry::vectorSize() const {
  switch (kind) {
  case LayerKind::Conv2D:
    return kernelH * kernelW * inputShape[3];
  case LayerKind::DepthwiseConv2D:
    return kernelH * kernelW;
  case LayerKind::Matmul:
    return inputShape[2];
  }
  return 0;
}

int64_t LayerInputGeometry::groups() const {
  return kind == LayerKind::DepthwiseConv2D ? inputShape[3] : 1;
}

LayerHessian::LayerHessian(const LayerInputGeometry &geometry)
    : size(geometry.vectorSize()), groups(geometry.groups()),
      values(groups * size * size, 0.0) {}

std::optional<LayerInputGeometry>
compress::getLayerInputGeometry(Operation *op) {
  auto staticType = [](Value value) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    return type && type.hasStaticShape() && type.getElementType().isF32()
               ? type
               : RankedTensorType();
  };
  LayerInputGeometry geometry;
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    RankedTensorType a = staticType(matmul.getA());
    RankedTensorType b = staticType(matmul.getB());
    if (!a || !b || a.getRank() != 3 || b.getDimSize(0) != 1 ||
        a.getDimSize(0) != 1)
      return std::nullopt;
    geometry.kind = LayerKind::Matmul;
    geometry.inputShape = Shape(a.getShape());
    return geometry;
  }
  if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return std::nullopt;
  RankedTensorType input = staticType(op->getOperand(0));
  RankedTensorType weights = staticType(op->getOperand(1));
  RankedTensorType output = staticType(op->getResult(0));
  auto pad = op->getAttrOfType<DenseI64ArrayAttr>("pad");
  auto stride = op->getAttrOfType<DenseI64ArrayAttr>("stride");
  auto dilation = op->getAttrOfType<DenseI64ArrayAttr>("dilation");
  if (!input || !weights || !output || input.getRank() != 4 ||
      weights.getRank() != 4 || output.getRank() != 4 || !pad ||
      pad.size() != 4 || !stride || stride.size() != 2 || !dilation ||
      dilation.size() != 2)
    return std::nullopt;
  geometry.kind = *getLayerKind(op);
  bool depthwise = geometry.kind == LayerKind::DepthwiseConv2D;
  geometry.inputShape = Shape(input.getShape());
  // OHWI for conv2d, HWCM for depthwise.
  geometry.kernelH = weights.getDimSize(depthwise ? 0 : 1);
  geometry.kernelW = weights.getDimSize(depthwise ? 1 : 2);
  llvm::copy(pad.asArrayRef(), geometry.pad);
  geometry.strideY = stride[0];
  geometry.strideX = stride[1];
  geometry.dilationY = dilation[0];
  geometry.dilationX = dilation[1];
  geometry.outputH = output.getDimSize(1);
  geometry.outputW = output.getDimSize(2);
  return geometry;
}

namespace {
/// Adds the lower triangle of `x x^T` (one vector per column) to the
/// double sums at `sums`, forming it in float in `scratch`.
template <typename Matrix>
void addGram(const Matrix &x, double *sums, std::vector<float> &scratch) {
  int64_t size = x.rows();
  if (int64_t(scratch.size()) < size * size)
    scratch.resize(size * size);
  Eigen::Map<FloatMatrix> gram(scratch.data(), size, size);
  gram.setZero();
  gram.selfadjointView<Eigen::Lower>().rankUpdate(x);
  Eigen::Map<DoubleMatrix> target(sums, size, size);
  target.triangularView<Eigen::Lower>() += gram.cast<double>();
}

/// Copies the window of output position (oy, ox) of batch `b`, channels
/// [c0, c0 + channels), into `patch` ordered (kh, kw, c); reads outside the
/// input (padding) give 0.
void gatherWindow(const LayerInputGeometry &g, const float *input, int64_t b,
                  int64_t oy, int64_t ox, int64_t c0, int64_t channels,
                  float *patch) {
  int64_t height = g.inputShape[1], width = g.inputShape[2];
  int64_t allChannels = g.inputShape[3];
  for (int64_t kh = 0; kh < g.kernelH; ++kh) {
    int64_t iy = oy * g.strideY - g.pad[0] + kh * g.dilationY;
    for (int64_t kw = 0; kw < g.kernelW; ++kw) {
      int64_t ix = ox * g.strideX - g.pad[2] + kw * g.dilationX;
      float *dst = patch + (kh * g.kernelW + kw) * channels;
      if (iy < 0 || iy >= height || ix < 0 || ix >= width) {
        std::fill(dst, dst + channels, 0.0f);
        continue;
      }
      const float *src =
          input + ((b * height + iy) * width + ix) * allChannels + c0;
      std::copy(src, src + channels, dst);
    }
  }
}
} // namespace

void compress::accumulateLayerInput(const LayerInputGeometry &g,
                                    const Tensor &input, LayerHessian &hessian,
                                    HessianScratch *scratch) {
  HessianScratch local;
  if (!scratch)
    scratch = &local;
  assert(input.dtype() == DType::F32 &&
         llvm::equal(input.shape(), g.inputShape) && "unexpected input");
  const float *data = input.f32().data();
  int64_t size = hessian.size;
  if (g.kind == LayerKind::Matmul) {
    // Row-major [1, M, K] is column-major K x M: one K-vector per column.
    int64_t rows = g.inputShape[1];
    addGram(Eigen::Map<const FloatMatrix>(data, size, rows),
            hessian.values.data(), scratch->gram);
    hessian.count += rows;
    return;
  }
  int64_t positions = g.outputH * g.outputW;
  if (int64_t(scratch->patches.size()) < size * positions)
    scratch->patches.resize(size * positions);
  Eigen::Map<FloatMatrix> patches(scratch->patches.data(), size, positions);
  for (int64_t b = 0, batch = g.inputShape[0]; b < batch; ++b) {
    if (g.kind == LayerKind::Conv2D) {
      for (int64_t oy = 0; oy < g.outputH; ++oy)
        for (int64_t ox = 0; ox < g.outputW; ++ox)
          gatherWindow(g, data, b, oy, ox, 0, g.inputShape[3],
                       patches.col(oy * g.outputW + ox).data());
      addGram(patches, hessian.values.data(), scratch->gram);
    } else {
      for (int64_t c = 0; c < hessian.groups; ++c) {
        for (int64_t oy = 0; oy < g.outputH; ++oy)
          for (int64_t ox = 0; ox < g.outputW; ++ox)
            gatherWindow(g, data, b, oy, ox, c, 1,
                         patches.col(oy * g.outputW + ox).data());
        addGram(patches, hessian.values.data() + c * size * size,
                scratch->gram);
      }
    }
    hessian.count += positions;
  }
}

void compress::finishLayerHessian(LayerHessian &hessian) {
  int64_t size = hessian.size;
  double factor = hessian.count ? 2.0 / double(hessian.count) : 0.0;
  for (int64_t g = 0; g < hessian.groups; ++g) {
    Eigen::Map<DoubleMatrix> h(hessian.values.data() + g * size * size, size,
                               size);
    h.triangularView<Eigen::Lower>() *= factor;
    DoubleMatrix full = h.selfadjointView<Eigen::Lower>();
    h = full;
  }
}

llvm::Expected<llvm::MapVector<Operation *, LayerHessian>>
compress::collectLayerHessians(func::FuncOp func, const Program &program,
                               int64_t numSamples, SampleSource inputsFor) {
  llvm::MapVector<Operation *, LayerHessian> result;
  SmallVector<std::pair<Operation *, LayerInputGeometry>> layers;
  // Layers by the value they read: several may share one input.
  DenseMap<Value, SmallVector<unsigned, 1>> readers;
  func.walk([&](Operation *op) {
    std::optional<LayerInputGeometry> geometry = getLayerInputGeometry(op);
    if (!geometry)
      return;
    readers[op->getOperand(0)].push_back(layers.size());
    layers.push_back({op, *geometry});
    result.insert({op, LayerHessian(*geometry)});
  });
  if (layers.empty())
    return result;

  HessianScratch scratch;
  auto observe = [&](Value value, const Tensor &tensor) {
    auto it = readers.find(value);
    if (it == readers.end())
      return;
    for (unsigned i : it->second) {
      auto &[op, geometry] = layers[i];
      // The evaluator produces every f32 value as f32 of its static type;
      // anything else is not this layer's input.
      if (tensor.dtype() != DType::F32 ||
          !llvm::equal(tensor.shape(), geometry.inputShape))
        continue;
      accumulateLayerInput(geometry, tensor, result.find(op)->second,
                           &scratch);
    }
  };
  Progress progress("gptq hessians", numSamples);
  for (int64_t sample = 0; sample < numSamples; ++sample) {
    llvm::Expected<SmallVector<Tensor>> inputs = inputsFor(sample);
    if (!inputs)
      return inputs.takeError();
    // The evaluator reports op results only; arguments are its inputs.
    for (BlockArgument arg : func.getArguments())
      if (arg.getArgNumber() < inputs->size())
        observe(arg, (*inputs)[arg.getArgNumber()]);
    auto outputs = program.run(*inputs, ValueObserver(observe));
    if (!outputs)
      return llvm::createStringError("sample " + llvm::Twine(sample) + ": " +
                                     llvm::toString(outputs.takeError()));
    progress.update(sample + 1);
  }
  for (auto &entry : result)
    finishLayerHessian(entry.second);
  return result;
}
