//===- LayerHessians.cpp - Input second moments of weight layers ----------===//
//
// Input vectors (im2col patches for convolutions) are gathered into blocks
// of up to 32 MiB, and each block is added to the float Hessian
// with one symmetric rank update (compress/Analysis/SymmetricMatrix.h).
// Float sums suffice: GPTQ damps the Hessian by a percent of its mean
// diagonal, orders of magnitude above their rounding error.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/LayerHessians.h"
#include "compress/Analysis/SymmetricMatrix.h"
#include "compress/Analysis/WeightLayers.h"
#include "compress/Evaluator/Evaluator.h"
#include "compress/Support/Parallel.h"
#include "compress/Support/Progress.h"
#include "compress/Support/Samples.h"
#include "compress/Support/ToolSupport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"

#include <Eigen/Core>

#include <algorithm>

using namespace mlir;
using namespace compress;

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
      values(groups * size * size, 0.0f) {}

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
/// Input vectors gathered for one rank update: about 32 MiB.
constexpr int64_t kPatchFloats = int64_t(1) << 23;
/// Input vectors gathered by one task.
constexpr int64_t kVectorsPerTask = 256;

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

/// Input vectors in one input tensor: one per output position (batch
/// included) of a convolution, one per row of a matmul.
int64_t vectorsPerTensor(const LayerInputGeometry &g) {
  if (g.kind == LayerKind::Matmul)
    return g.inputShape[1];
  return g.inputShape[0] * g.outputH * g.outputW;
}

/// Copies input vector `index` of `input` for Hessian `group` to `patch`.
void gatherVector(const LayerInputGeometry &g, const float *input,
                  int64_t group, int64_t index, float *patch) {
  if (g.kind == LayerKind::Matmul) {
    int64_t size = g.inputShape[2];
    std::copy(input + index * size, input + (index + 1) * size, patch);
    return;
  }
  int64_t perImage = g.outputH * g.outputW;
  int64_t b = index / perImage, position = index % perImage;
  bool depthwise = g.kind == LayerKind::DepthwiseConv2D;
  gatherWindow(g, input, b, position / g.outputW, position % g.outputW,
               depthwise ? group : 0, depthwise ? 1 : g.inputShape[3], patch);
}
} // namespace

void compress::accumulateLayerInputs(const LayerInputGeometry &g,
                                     ArrayRef<const Tensor *> inputs,
                                     LayerHessian &hessian,
                                     HessianScratch &scratch,
                                     MLIRContext *context) {
  int64_t size = hessian.size;
  int64_t perTensor = vectorsPerTensor(g);
  int64_t total = perTensor * int64_t(inputs.size());
  if (total == 0)
    return;
  for (const Tensor *input : inputs) {
    (void)input;
    assert(input->dtype() == DType::F32 &&
           llvm::equal(input->shape(), g.inputShape) && "unexpected input");
  }
  int64_t block = std::clamp<int64_t>(kPatchFloats / size, 1, total);
  if (int64_t(scratch.patches.size()) < block * size)
    scratch.patches.resize(block * size);
  float *patches = scratch.patches.data();
  for (int64_t group = 0; group < hessian.groups; ++group) {
    float *target = hessian.group(group).data();
    for (int64_t first = 0; first < total; first += block) {
      int64_t count = std::min(block, total - first);
      int64_t tasks = (count + kVectorsPerTask - 1) / kVectorsPerTask;
      parallelForIndices(context, 0, tasks, [&](size_t task) {
        int64_t begin = int64_t(task) * kVectorsPerTask;
        int64_t end = std::min(count, begin + kVectorsPerTask);
        for (int64_t j = begin; j < end; ++j) {
          int64_t vector = first + j;
          gatherVector(g, inputs[vector / perTensor]->f32().data(), group,
                       vector % perTensor, patches + j * size);
        }
      });
      addGramLower(patches, size, count, target, context);
    }
  }
  hessian.count += total;
}

void compress::finishLayerHessian(LayerHessian &hessian) {
  float factor = hessian.count ? float(2.0 / double(hessian.count)) : 0.0f;
  int64_t size = hessian.size;
  for (int64_t g = 0; g < hessian.groups; ++g) {
    Eigen::Map<Eigen::MatrixXf> h(hessian.group(g).data(), size, size);
    h.triangularView<Eigen::Lower>() *= factor;
  }
}

llvm::Expected<LayerHessians>
LayerHessians::collect(func::FuncOp func, const Program &program,
                       int64_t numSamples, SampleSource inputsFor,
                       MLIRContext *context) {
  LayerHessians result;
  result.context = context;
  func.walk([&](Operation *op) {
    std::optional<LayerInputGeometry> geometry = getLayerInputGeometry(op);
    if (!geometry)
      return;
    Entry entry;
    entry.geometry = *geometry;
    // Whichever is smaller: the inputs of every sample, or the Hessians.
    int64_t size = geometry->vectorSize();
    entry.keepsInputs = numSamples * numElements(geometry->inputShape) <=
                        geometry->groups() * size * size;
    if (entry.keepsInputs)
      entry.inputs.resize(numSamples);
    else
      entry.hessian.emplace(*geometry);
    result.order.push_back(op);
    result.entries.try_emplace(op, std::move(entry));
  });
  if (llvm::Error error =
          result.run(func, program, numSamples, inputsFor))
    return std::move(error);
  return std::move(result);
}

llvm::Error LayerHessians::run(func::FuncOp func, const Program &program,
                               int64_t numSamples, SampleSource inputsFor) {
  if (order.empty())
    return llvm::Error::success();
  // Layers by the value they read: several may share one input.
  DenseMap<Value, SmallVector<Entry *, 1>> readers;
  for (Operation *op : order)
    readers[op->getOperand(0)].push_back(&entries.find(op)->second);
  // The inputs of the current batch of samples of the layers that keep
  // Hessians: [layer][sample in batch].
  DenseMap<Entry *, std::vector<Tensor>> batchInputs;
  for (auto &[op, entry] : entries)
    if (!entry.keepsInputs)
      batchInputs[&entry].resize(kSampleBatch);

  // Samples run in groups (`Program::runBatch`), the groups of a batch in
  // parallel.
  auto runGroup = [&](int64_t first, int64_t count) -> llvm::Error {
    auto observe = [&](int64_t sample, Value value, const Tensor &tensor) {
      auto it = readers.find(value);
      if (it == readers.end())
        return;
      for (Entry *entry : it->second) {
        // The evaluator produces every f32 value as f32 of its static
        // type; anything else is not this layer's input.
        if (tensor.dtype() != DType::F32 ||
            !llvm::equal(tensor.shape(), entry->geometry.inputShape))
          continue;
        if (entry->keepsInputs)
          entry->inputs[sample] = tensor;
        else
          batchInputs.find(entry)->second[sample % kSampleBatch] = tensor;
      }
    };
    std::vector<SmallVector<Tensor>> inputs;
    for (int64_t sample = first; sample < first + count; ++sample) {
      llvm::Expected<SmallVector<Tensor>> sampleInputs = inputsFor(sample);
      if (!sampleInputs)
        return sampleInputs.takeError();
      // The evaluator reports op results only; arguments are its inputs.
      for (BlockArgument arg : func.getArguments())
        if (arg.getArgNumber() < sampleInputs->size())
          observe(sample, arg, (*sampleInputs)[arg.getArgNumber()]);
      inputs.push_back(std::move(*sampleInputs));
    }
    auto observer = [&](unsigned sample, Value value, const Tensor &tensor) {
      observe(first + sample, value, tensor);
    };
    int64_t failed = -1;
    auto outputs = program.runBatch(inputs, BatchObserver(observer), &failed);
    if (!outputs)
      return groupFailure(outputs.takeError(), first, count, failed);
    return llvm::Error::success();
  };

  HessianScratch scratch;
  Progress progress("gptq hessians", numSamples);
  auto accumulateBatch = [&](int64_t first, int64_t count) {
    for (auto &[entry, tensors] : batchInputs) {
      SmallVector<const Tensor *> seen;
      for (int64_t i = 0; i < count; ++i)
        if (!tensors[i].shape().empty())
          seen.push_back(&tensors[i]);
      accumulateLayerInputs(entry->geometry, seen, *entry->hessian, scratch,
                            context);
      for (Tensor &tensor : tensors)
        tensor = Tensor();
    }
    progress.update(first + count);
  };
  if (std::optional<SampleFailure> failure =
          runSampleGroups(context, numSamples, kSampleGroup, kSampleBatch,
                          runGroup, accumulateBatch))
    return llvm::createStringError(failure->message);
  for (auto &[op, entry] : entries)
    if (entry.hessian)
      finishLayerHessian(*entry.hessian);
  return llvm::Error::success();
}

std::optional<LayerHessian> LayerHessians::take(Operation *layer) {
  auto it = entries.find(layer);
  if (it == entries.end())
    return std::nullopt;
  Entry entry = std::move(it->second);
  entries.erase(it);
  if (!entry.keepsInputs)
    return std::move(entry.hessian);
  // The Hessian can be the largest block of the run (191 MiB for a 6912-wide
  // layer); the earlier layers' freed inputs and Hessians lie between live
  // blocks, where it cannot reuse them.
  releaseFreedMemory();
  LayerHessian hessian(entry.geometry);
  SmallVector<const Tensor *> seen;
  for (const Tensor &tensor : entry.inputs)
    if (!tensor.shape().empty())
      seen.push_back(&tensor);
  HessianScratch scratch;
  accumulateLayerInputs(entry.geometry, seen, hessian, scratch, context);
  entry.inputs.clear();
  finishLayerHessian(hessian);
  return hessian;
}

FailureOr<LayerHessians>
LayerHessians::collectOnSamples(func::FuncOp func, StringRef calibration,
                                int64_t numSamples) {
  auto module = func->getParentOfType<ModuleOp>();
  FailureOr<SampleSet> samples =
      loadSamples(module, func, calibration, numSamples);
  if (failed(samples))
    return failure();
  FailureOr<Program> program = Program::compile(func);
  if (failed(program))
    return failure();
  auto inputsFor = [&](int64_t index) {
    return samples->inputs(index, calibration);
  };
  auto collected = collect(func, *program, samples->count, inputsFor,
                           func.getContext());
  if (!collected)
    return func.emitError("collecting the layers' input Hessians failed: ")
           << llvm::toString(collected.takeError());
  return std::move(*collected);
}
