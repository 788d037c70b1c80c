//===- ReverseMode.cpp - Reference evaluator: gradients -------------------===//
//
// Reverse mode runs a program forward keeping every value, then walks its
// steps backwards with the backward kernel table, accumulating gradients;
// for Fisher sensitivity it reduces each weight's gradient to its squared
// norm as soon as it is complete.
//
//===----------------------------------------------------------------------===//

#include "Program.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Error.h"

using namespace mlir;
using namespace compress;
using namespace compress::detail;

bool compress::hasBackwardKernel(StringRef opName) {
  return backwardKernels().count(opName);
}

/// Adds `grad` to the gradient of a slot, taking it over if it is the first.
static void accumulate(Tensor &sum, bool &present, Tensor &&grad) {
  if (!present) {
    sum = std::move(grad);
    present = true;
    return;
  }
  std::vector<float> &dst = sum.f32();
  const std::vector<float> &src = grad.f32();
  for (size_t i = 0, e = dst.size(); i < e; ++i)
    dst[i] += src[i];
}

/// Checks that there is one float32 seed per output, shaped like it.
static llvm::Error checkOutputSeeds(const ProgramImpl &p,
                                    ArrayRef<const Tensor *> ptrs,
                                    ArrayRef<Tensor> outputSeeds) {
  if (outputSeeds.size() != p.outputs.size())
    return llvm::createStringError("expected %zu output seeds, got %zu",
                                   p.outputs.size(), outputSeeds.size());
  for (auto [i, seed] : llvm::enumerate(outputSeeds)) {
    const Tensor &output = *ptrs[p.outputs[i]];
    if (seed.dtype() != DType::F32 || output.dtype() != DType::F32 ||
        seed.shape() != output.shape())
      return llvm::createStringError(
          "output seed %zu: expected float32 %s for a %s output, got %s %s", i,
          shapeToString(output.shape()).c_str(),
          dtypeName(output.dtype()).data(), dtypeName(seed.dtype()).data(),
          shapeToString(seed.shape()).c_str());
  }
  return llvm::Error::success();
}

/// Marks the active slots of an executed program in `active`: a slot is
/// active if it is float32 and depends on an input or on a `wrt` value;
/// only steps with an active operand need a backward kernel. Returns the
/// slots of the `wrt` values.
static llvm::Expected<SmallVector<unsigned>>
markActiveSlots(const ProgramImpl &p, ArrayRef<Tensor> values,
                ArrayRef<const Tensor *> ptrs, ArrayRef<Value> wrt,
                std::vector<char> &active) {
  for (unsigned i = 0; i < p.argTypes.size(); ++i)
    active[i] = p.argTypes[i].first == DType::F32;
  SmallVector<unsigned> wrtSlots;
  if (!wrt.empty()) {
    DenseMap<Value, unsigned> slotOf;
    for (auto [slot, value] : llvm::enumerate(p.slotValues))
      slotOf[value] = slot;
    for (Value value : wrt) {
      auto it = slotOf.find(value);
      if (it == slotOf.end())
        return llvm::createStringError(
            "a value to differentiate with respect to is not defined in the "
            "function's body");
      if (ptrs[it->second]->dtype() != DType::F32)
        return llvm::createStringError(
            "gradients are defined for float32 values only");
      wrtSlots.push_back(it->second);
      active[it->second] = true;
    }
  }
  for (const Step &step : p.steps)
    if (llvm::any_of(step.operands, [&](unsigned s) { return active[s]; }))
      for (unsigned slot : step.results)
        active[slot] = active[slot] || values[slot].dtype() == DType::F32;
  return wrtSlots;
}

/// Runs the backward kernel of `step` and adds the gradients of its active
/// operands to theirs.
static llvm::Error
backpropagateStep(const Step &step, BackwardFn kernel,
                  std::vector<Tensor> &values, ArrayRef<const Tensor *> ptrs,
                  ArrayRef<char> active, std::vector<Tensor> &grads,
                  SmallVectorImpl<bool> &hasGrad, ArrayRef<bool> normOnly,
                  DenseMap<unsigned, double> &norms) {
  StringRef name = step.op->getName().getStringRef();
  SmallVector<const Tensor *, 8> operandPtrs;
  for (unsigned slot : step.operands)
    operandPtrs.push_back(ptrs[slot]);
  SmallVector<const Tensor *, 2> resultGrads;
  for (unsigned slot : step.results)
    resultGrads.push_back(hasGrad[slot] ? &grads[slot] : nullptr);
  // Result slots are numbered consecutively when the program is compiled.
  MutableArrayRef<Tensor> results(&values[step.results.front()],
                                  step.results.size());
  SmallVector<double, 4> operandNorms(step.operands.size(), -1.0);
  KernelContext ctx{step.op,
                    operandPtrs,
                    results,
                    step.constantOperands,
                    /*cache=*/nullptr,
                    normOnly,
                    operandNorms.data()};
  SmallVector<Tensor, 4> operandGrads(step.operands.size());
  if (failed(kernel(ctx, resultGrads, operandGrads)))
    return llvm::createStringError("reverse mode failed at '%s'",
                                   name.str().c_str());
  for (auto [slot, norm] : llvm::zip(step.operands, operandNorms))
    if (norm >= 0.0)
      norms[slot] = norm;
  for (auto [slot, grad] : llvm::zip(step.operands, operandGrads)) {
    // A default-constructed tensor means the operand has no gradient.
    if (!active[slot] || (grad.rank() == 0 && grad.size() == 0))
      continue;
    if (grad.dtype() != DType::F32 || grad.shape() != ptrs[slot]->shape())
      return llvm::createStringError(
          "reverse-mode kernel of '%s' returned a gradient of the wrong "
          "shape",
          name.str().c_str());
    accumulate(grads[slot], hasGrad[slot], std::move(grad));
  }
  return llvm::Error::success();
}

/// Sum of squares of a float32 tensor, in eight partial sums: gradients as
/// large as a model's weights are reduced for every sample.
static double squaredNorm(const Tensor &tensor) {
  ArrayRef<float> data = tensor.f32();
  constexpr size_t lanes = 8;
  double partial[lanes] = {};
  size_t i = 0;
  for (; i + lanes <= data.size(); i += lanes)
    for (size_t lane = 0; lane < lanes; ++lane)
      partial[lane] += double(data[i + lane]) * data[i + lane];
  double sum = 0;
  for (; i < data.size(); ++i)
    sum += double(data[i]) * data[i];
  for (double p : partial)
    sum += p;
  return sum;
}

/// Reverse mode over an executed program. Without `squaredNorms`, the
/// gradients of the `wrt` values and the inputs go to `result`. With it,
/// each `wrt` gradient is reduced to its squared norm as soon as no step
/// is left to add to it, and freed; a constant read by a single operand may
/// get its norm from the kernel, without the gradient ever being formed.
static llvm::Error
backpropagate(const ProgramImpl &p, ArrayRef<Tensor> outputSeeds,
              ArrayRef<Value> wrt, std::vector<Tensor> &values,
              ArrayRef<const Tensor *> ptrs,
              DenseMap<Value, double> *squaredNorms, Gradients &result) {
  if (llvm::Error error = checkOutputSeeds(p, ptrs, outputSeeds))
    return error;
  std::vector<char> active(p.numSlots, false);
  llvm::Expected<SmallVector<unsigned>> activeWrt =
      markActiveSlots(p, values, ptrs, wrt, active);
  if (!activeWrt)
    return activeWrt.takeError();
  SmallVector<unsigned> wrtSlots = std::move(*activeWrt);

  std::vector<Tensor> grads(p.numSlots);
  SmallVector<bool> hasGrad(p.numSlots, false);
  for (auto [slot, seed] : llvm::zip(p.outputs, outputSeeds))
    if (active[slot])
      accumulate(grads[slot], hasGrad[slot], Tensor(seed));
  llvm::DenseSet<unsigned> keepGrad(wrtSlots.begin(), wrtSlots.end());
  for (unsigned i = 0; i < p.argTypes.size(); ++i)
    keepGrad.insert(i);
  // For norms, a `wrt` gradient is complete once the first step (in
  // program order) that reads it has run backward. A constant read once
  // has its whole gradient from that one operand, so its kernel may give
  // the norm instead.
  DenseMap<unsigned, unsigned> firstReader, reads;
  if (squaredNorms)
    for (auto [index, step] : llvm::enumerate(p.steps))
      for (unsigned slot : step.operands) {
        firstReader.try_emplace(slot, index);
        ++reads[slot];
      }
  llvm::DenseSet<unsigned> normOnlySlots;
  if (squaredNorms)
    for (unsigned slot : wrtSlots)
      if (p.constants.count(slot) && reads.lookup(slot) == 1)
        normOnlySlots.insert(slot);
  DenseMap<unsigned, double> kernelNorms;
  auto reduce = [&](unsigned slot) {
    if (squaredNorms->count(p.slotValues[slot]))
      return;
    auto fromKernel = kernelNorms.find(slot);
    (*squaredNorms)[p.slotValues[slot]] =
        fromKernel != kernelNorms.end() ? fromKernel->second
        : hasGrad[slot]                 ? squaredNorm(grads[slot])
                                        : 0.0;
    // A constant's gradient goes now; a step's result's once the step has
    // passed it on.
    if (p.constants.count(slot))
      grads[slot] = Tensor();
    else if (slot >= p.argTypes.size())
      keepGrad.erase(slot);
  };

  const BackwardTable &table = backwardKernels();
  SmallVector<bool, 4> normOnly;
  for (auto [index, step] : llvm::enumerate(llvm::reverse(p.steps))) {
    unsigned stepIndex = p.steps.size() - 1 - index;
    bool anyGrad =
        llvm::any_of(step.results, [&](unsigned s) { return hasGrad[s]; });
    if (anyGrad &&
        llvm::any_of(step.operands, [&](unsigned s) { return active[s]; })) {
      StringRef name = step.op->getName().getStringRef();
      auto it = table.find(name);
      if (it == table.end())
        return llvm::createStringError("reverse mode does not support '%s'",
                                       name.str().c_str());
      normOnly.clear();
      for (unsigned slot : step.operands)
        normOnly.push_back(normOnlySlots.contains(slot));
      if (llvm::Error error =
              backpropagateStep(step, it->second, values, ptrs, active, grads,
                                hasGrad, normOnly, kernelNorms))
        return error;
      for (unsigned slot : step.results)
        if (!keepGrad.count(slot))
          grads[slot] = Tensor();
    }
    if (squaredNorms)
      for (unsigned slot : step.operands)
        if (keepGrad.count(slot) && slot >= p.argTypes.size() &&
            firstReader.lookup(slot) == stepIndex)
          reduce(slot);
  }

  // Slots no step reads, and arguments, are complete only now.
  if (squaredNorms) {
    for (unsigned slot : wrtSlots)
      reduce(slot);
    return llvm::Error::success();
  }
  // Copies first: a `wrt` value may also be an input.
  for (unsigned slot : wrtSlots)
    result.values[p.slotValues[slot]] =
        hasGrad[slot] ? grads[slot] : Tensor(DType::F32, ptrs[slot]->shape());
  for (unsigned i = 0; i < p.argTypes.size(); ++i)
    result.inputs.push_back(!active[i] ? Tensor()
                            : hasGrad[i]
                                ? std::move(grads[i])
                                : Tensor(DType::F32, ptrs[i]->shape()));
  return llvm::Error::success();
}

llvm::Expected<Gradients>
Program::runBackward(ArrayRef<Tensor> inputs, ArrayRef<Tensor> outputSeeds,
                     ArrayRef<Value> wrt,
                     SmallVectorImpl<Tensor> *outputs) const {
  SampleValues state;
  if (llvm::Error error = impl->executeOne(inputs, state, std::nullopt,
                                           /*keepAll=*/true))
    return std::move(error);
  Gradients result;
  if (llvm::Error error =
          backpropagate(*impl, outputSeeds, wrt, state.values, state.ptrs,
                        /*squaredNorms=*/nullptr, result))
    return std::move(error);
  if (outputs) {
    outputs->clear();
    for (unsigned slot : impl->outputs)
      outputs->push_back(*state.ptrs[slot]);
  }
  return result;
}

llvm::Expected<DenseMap<Value, double>>
Program::gradientSquaredNorms(ArrayRef<Tensor> inputs,
                              ArrayRef<Tensor> outputSeeds,
                              ArrayRef<Value> wrt) const {
  return gradientSquaredNorms(
      inputs,
      [&](ArrayRef<Tensor>) -> llvm::Expected<SmallVector<Tensor>> {
        return SmallVector<Tensor>(outputSeeds.begin(), outputSeeds.end());
      },
      wrt);
}

llvm::Expected<DenseMap<Value, double>>
Program::gradientSquaredNorms(ArrayRef<Tensor> inputs, SeedFunction seedsFor,
                              ArrayRef<Value> wrt) const {
  SampleValues state;
  if (llvm::Error error = impl->executeOne(inputs, state, std::nullopt,
                                           /*keepAll=*/true))
    return std::move(error);
  SmallVector<Tensor> outputs;
  for (unsigned slot : impl->outputs)
    outputs.push_back(*state.ptrs[slot]);
  llvm::Expected<SmallVector<Tensor>> outputSeeds = seedsFor(outputs);
  if (!outputSeeds)
    return outputSeeds.takeError();
  DenseMap<Value, double> norms;
  Gradients unused;
  if (llvm::Error error = backpropagate(*impl, *outputSeeds, wrt, state.values,
                                        state.ptrs, &norms, unused))
    return std::move(error);
  return norms;
}
