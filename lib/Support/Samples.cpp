//===- Samples.cpp - Entry functions and the samples fed to them ----------===//
//
// Entry-function lookup, signatures and per-sample slicing shared by the
// runners and by passes that evaluate a model on sample inputs.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/Samples.h"
#include "compress/Support/Npy.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace compress;

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
          "the model has several public functions and no @main; name the "
          "entry function");
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

llvm::Expected<llvm::SmallVector<Tensor>>
SampleSet::inputs(int64_t index, llvm::StringRef what) const {
  llvm::Expected<Tensor> sample = sampleFor(data, index, argument, what);
  if (!sample)
    return sample.takeError();
  llvm::SmallVector<Tensor> result;
  result.push_back(std::move(*sample));
  return result;
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

FailureOr<SampleSet> compress::loadSamples(ModuleOp module, func::FuncOp func,
                                           StringRef path, int64_t limit) {
  SampleSet set;
  SmallVector<TensorSpec> argTypes;
  if (llvm::Error err = getSignature(func, argTypes, set.results))
    return func.emitError(llvm::toString(std::move(err)));
  // One .npy file holds the samples of one argument.
  if (argTypes.size() != 1)
    return func.emitError("calibration data feeds one argument, but @")
           << func.getSymName() << " takes " << argTypes.size();
  set.argument = argTypes.front();

  // Only the samples used are decoded.
  llvm::Expected<Tensor> data = readNpy(path, limit ? limit : -1);
  if (!data)
    return module.emitError("cannot load calibration data: ")
           << llvm::toString(data.takeError());
  int64_t available = data->rank() ? data->dim(0) : 0;
  if (data->rank() && available == 0)
    return module.emitError("calibration data '") << path
                                                  << "' holds no samples";
  // Every sample has the same type: checking the first is enough.
  if (llvm::Expected<Tensor> first = sampleFor(*data, 0, set.argument, path);
      !first)
    return func.emitError(llvm::toString(first.takeError()));
  set.count = limit ? std::min<int64_t>(limit, available) : available;
  set.data = std::move(*data);
  return set;
}
