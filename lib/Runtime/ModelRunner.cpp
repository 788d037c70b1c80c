//===- ModelRunner.cpp - Entry lookup, sample handling, reference runner --===//

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

llvm::Expected<func::FuncOp> compress::findEntryFunction(ModuleOp module,
                                                         StringRef name) {
  if (!name.empty()) {
    if (auto func = module.lookupSymbol<func::FuncOp>(name))
      if (!func.isExternal())
        return func;
    return llvm::createStringError("no function '%s' with a body in the model",
                                   name.str().c_str());
  }
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    if (!main.isExternal())
      return main;
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    if (found)
      return llvm::createStringError(
          "the model has several public functions and no @main; choose one "
          "with --entry");
    found = func;
  }
  if (!found)
    return llvm::createStringError("the model has no public function to run");
  return found;
}

static llvm::Error toTensorType(Type type, TensorSpec &out, StringRef what,
                                unsigned index) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  DType dtype;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  if (!ranked || !ranked.hasStaticShape() ||
      !dtypeFromMLIR(ranked.getElementType(), dtype))
    return llvm::createStringError(
        "%s %u has type %s; only statically shaped tensors of "
        "float32/float64/int1..int64/uint8 are supported",
        what.str().c_str(), index, text.c_str());
  out = {dtype, Shape(ranked.getShape())};
  return llvm::Error::success();
}

llvm::Error compress::getSignature(func::FuncOp func,
                                   SmallVectorImpl<TensorSpec> &args,
                                   SmallVectorImpl<TensorSpec> &results) {
  FunctionType type = func.getFunctionType();
  args.resize(type.getNumInputs());
  results.resize(type.getNumResults());
  for (auto [i, t] : llvm::enumerate(type.getInputs()))
    if (auto err = toTensorType(t, args[i], "argument", i))
      return err;
  for (auto [i, t] : llvm::enumerate(type.getResults()))
    if (auto err = toTensorType(t, results[i], "result", i))
      return err;
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

llvm::Expected<Tensor> compress::sampleFor(const Tensor &data, int64_t index,
                                           const TensorSpec &type,
                                           StringRef what) {
  const auto &[dtype, shape] = type;
  auto mismatch = [&]() {
    Shape sample(data.shape().begin(), data.shape().end());
    if (!sample.empty())
      sample.erase(sample.begin());
    return llvm::createStringError(
        "%s: samples are %s %s, but the model expects %s %s",
        what.str().c_str(), dtypeName(data.dtype()).data(),
        shapeToString(sample).c_str(), dtypeName(dtype).data(),
        shapeToString(shape).c_str());
  };
  if (data.dtype() != dtype || data.rank() == 0)
    return mismatch();
  ArrayRef<int64_t> rest = data.shape().drop_front();
  Tensor slice = data.sliceBatch(index);
  if (slice.shape() == ArrayRef<int64_t>(shape))
    return slice;
  if (rest == ArrayRef<int64_t>(shape))
    return slice.reshaped(shape);
  return mismatch();
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
