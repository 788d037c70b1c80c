//===- ModelRunner.cpp - Reference runner and sample helpers --------------===//

#include "compress/Runtime/ModelRunner.h"
#include "compress/Evaluator/Evaluator.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace compress;

ModelRunner::~ModelRunner() = default;

llvm::Error ModelRunner::checkInputs(ArrayRef<Tensor> inputs) const {
  if (inputs.size() != argTypes.size())
    return llvm::createStringError("model takes %zu inputs, got %zu",
                                   argTypes.size(), inputs.size());
  for (auto [i, input] : llvm::enumerate(inputs)) {
    const auto &[dtype, shape] = argTypes[i];
    if (input.dtype() != dtype || input.shape() != ArrayRef<int64_t>(shape))
      return llvm::createStringError(
          "input %zu: model expects %s %s, got %s %s", i,
          dtypeName(dtype).data(), shapeToString(shape).c_str(),
          dtypeName(input.dtype()).data(),
          shapeToString(input.shape()).c_str());
  }
  return llvm::Error::success();
}

namespace {
class ReferenceRunner : public ModelRunner {
public:
  ReferenceRunner(Program program, SmallVector<TensorSpec> args,
                  SmallVector<TensorSpec> results)
      : program(std::move(program)) {
    argTypes = std::move(args);
    resTypes = std::move(results);
  }

  llvm::Expected<SmallVector<Tensor>> run(ArrayRef<Tensor> inputs) override {
    if (auto err = checkInputs(inputs))
      return std::move(err);
    return program.run(inputs);
  }

private:
  Program program;
};
} // namespace

llvm::Expected<std::unique_ptr<ModelRunner>>
compress::createReferenceRunner(func::FuncOp func) {
  SmallVector<TensorSpec> args, results;
  if (auto err = getSignature(func, args, results))
    return std::move(err);
  FailureOr<Program> program = Program::compile(func);
  if (failed(program))
    return llvm::createStringError("the reference evaluator cannot run "
                                   "this model");
  return std::make_unique<ReferenceRunner>(std::move(*program),
                                           std::move(args),
                                           std::move(results));
}

Tensor compress::concatenateSamples(ArrayRef<Tensor> samples) {
  if (samples.empty())
    return Tensor(DType::F32, {0});
  const Tensor &first = samples.front();
  Shape shape(first.shape().begin(), first.shape().end());
  if (shape.empty())
    shape.push_back(1);
  int64_t perSample = first.size();
  shape[0] = 0;
  for (const Tensor &s : samples)
    shape[0] += s.rank() ? s.dim(0) : 1;
  Tensor result(first.dtype(), shape);
  int64_t offset = 0;
  for (const Tensor &s : samples) {
    if (s.dtype() == DType::F32)
      std::copy(s.f32().begin(), s.f32().end(), result.f32().begin() + offset);
    else if (s.dtype() == DType::F64)
      std::copy(s.f64().begin(), s.f64().end(), result.f64().begin() + offset);
    else
      std::copy(s.ints().begin(), s.ints().end(),
                result.ints().begin() + offset);
    offset += perSample;
  }
  return result;
}

int64_t compress::argmax(const Tensor &tensor) {
  int64_t best = 0;
  for (int64_t i = 1; i < tensor.size(); ++i)
    if (tensor.getAsDouble(i) > tensor.getAsDouble(best))
      best = i;
  return best;
}
