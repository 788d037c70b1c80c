//===- Evaluator.cpp - Reference evaluator: program and interpreter -------===//
//
// Compiles a function into a flat list of kernel steps over numbered value
// slots, with constants materialised once, and runs it on one sample or a
// group of them. Tensors are released after their last use unless an
// observer wants to see them or reverse mode (ReverseMode.cpp) needs them.
//
//===----------------------------------------------------------------------===//

#include "compress/Evaluator/Evaluator.h"
#include "Program.h"
#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Error.h"

using namespace mlir;
using namespace compress;
using namespace compress::detail;

//===----------------------------------------------------------------------===//
// Kernel context helpers
//===----------------------------------------------------------------------===//

KernelCache::~KernelCache() = default;

LogicalResult KernelContext::fail(const Twine &message) const {
  return op->emitError(message);
}

LogicalResult KernelContext::allocResult(unsigned i) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(i).getType());
  DType dtype;
  if (!type || !type.hasStaticShape() ||
      !dtypeFromMLIR(type.getElementType(), dtype))
    return op->emitError("reference evaluator needs a statically shaped "
                         "tensor of a supported element type, got ")
           << op->getResult(i).getType();
  Shape shape(type.getShape());
  if (stackedSamples != 1 && !shape.empty())
    shape[0] *= stackedSamples;
  results[i] = Tensor(dtype, shape);
  return success();
}

SmallVector<int64_t> compress::detail::shapeValues(const Tensor &tensor) {
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < tensor.size(); ++i)
    values.push_back(int64_t(tensor.getAsDouble(i)));
  return values;
}

int64_t compress::detail::scalarInt(const Tensor &tensor) {
  if (tensor.size() == 0)
    return 0;
  return isFloat(tensor.dtype()) ? int64_t(tensor.getAsDouble(0))
                                 : tensor.ints()[0];
}

double compress::detail::scalarDouble(const Tensor &tensor) {
  return tensor.size() ? tensor.getAsDouble(0) : 0.0;
}

const KernelTable &compress::detail::forwardKernels() {
  static const KernelTable table = [] {
    KernelTable t;
    registerElementwiseKernels(t);
    registerDataMovementKernels(t);
    registerConvolutionKernels(t);
    registerQIntKernels(t);
    return t;
  }();
  return table;
}

bool compress::detail::stacksSamples(Operation *op) {
  StringRef name = op->getName().getStringRef();
  bool matmul = name == "tosa.matmul" || name == "qint.matmul";
  if (!matmul && name != "tosa.conv2d" && name != "qint.conv2d")
    return false;
  auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!in || !out || in.getRank() == 0 || out.getRank() == 0 ||
      in.getDimSize(0) != out.getDimSize(0))
    return false;
  if (!matmul)
    return true;
  // A right operand of batch 1 broadcasts over any number of samples.
  auto rhs = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  return rhs && rhs.getRank() == 3 && rhs.getDimSize(0) == 1;
}

bool compress::hasKernel(StringRef opName) {
  return forwardKernels().count(opName);
}

//===----------------------------------------------------------------------===//
// Attribute <-> tensor
//===----------------------------------------------------------------------===//

std::optional<ArrayRef<char>> compress::getResourceData(Attribute attr) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return std::nullopt;
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  ShapedType type = resource.getType();
  Type elementType = type.getElementType();
  // Resource blobs hold i1 elements one byte each.
  int64_t elementBytes =
      elementType.isInteger(1)
          ? 1
          : llvm::divideCeil(elementType.getIntOrFloatBitWidth(), 8);
  if (int64_t(data.size()) != type.getNumElements() * elementBytes)
    return std::nullopt;
  return data;
}

/// The tensor of a `dense_resource` constant, copied from its blob.
static FailureOr<Tensor> tensorFromResource(DenseResourceElementsAttr attr) {
  std::optional<ArrayRef<char>> data = getResourceData(attr);
  ShapedType type = attr.getType();
  DType dtype;
  if (!data || !dtypeFromMLIR(type.getElementType(), dtype) ||
      dtype == DType::I48)
    return failure();
  return Tensor::decodeLittleEndian(dtype, type.getShape(), data->data());
}

FailureOr<Tensor> compress::tensorFromAttr(Attribute attr) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return tensorFromResource(resource);
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  auto type = dense.getType();
  Type elementType = type.getElementType();
  DType dtype;
  if (elementType.isIndex())
    dtype = DType::I64;
  else if (!dtypeFromMLIR(elementType, dtype))
    return failure();
  Tensor tensor(dtype, type.getShape());
  if (dtype == DType::F32) {
    auto &out = tensor.f32();
    if (dense.isSplat())
      std::fill(out.begin(), out.end(), dense.getSplatValue<float>());
    else
      std::copy(dense.value_begin<float>(), dense.value_end<float>(),
                out.begin());
  } else if (dtype == DType::F64) {
    auto &out = tensor.f64();
    if (dense.isSplat())
      std::fill(out.begin(), out.end(), dense.getSplatValue<double>());
    else
      std::copy(dense.value_begin<double>(), dense.value_end<double>(),
                out.begin());
  } else {
    auto &out = tensor.ints();
    bool zeroExtend = isUnsigned(dtype);
    int64_t i = 0;
    if (dense.isSplat()) {
      APInt v = dense.getSplatValue<APInt>();
      std::fill(out.begin(), out.end(),
                zeroExtend ? int64_t(v.getZExtValue()) : v.getSExtValue());
    } else {
      for (const APInt &v : dense.getValues<APInt>())
        out[i++] = zeroExtend ? int64_t(v.getZExtValue()) : v.getSExtValue();
    }
  }
  return tensor;
}

Attribute compress::tensorToAttr(const Tensor &tensor, ShapedType type) {
  Type elementType = type.getElementType();
  if (elementType.isF32())
    return DenseElementsAttr::get(type, ArrayRef<float>(tensor.f32()));
  if (elementType.isF64())
    return DenseElementsAttr::get(type, ArrayRef<double>(tensor.f64()));
  unsigned width = elementType.isIndex() ? IndexType::kInternalStorageBitWidth
                                         : elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  values.reserve(tensor.size());
  for (int64_t v : tensor.ints())
    values.push_back(APInt(width, uint64_t(v), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

//===----------------------------------------------------------------------===//
// Program
//===----------------------------------------------------------------------===//

Program::Program(std::unique_ptr<ProgramImpl> impl) : impl(std::move(impl)) {}
Program::Program(Program &&) noexcept = default;
Program &Program::operator=(Program &&) noexcept = default;
Program::~Program() = default;

ArrayRef<std::pair<DType, Shape>> Program::argumentTypes() const {
  return impl->argTypes;
}

/// Whether `type`'s elements have a width the evaluator's dtypes name
/// exactly; others (i24) are held in a wider dtype, and only the qint
/// accumulating ops, which wrap to their result's width, produce them.
static bool hasExactDType(Type type) {
  auto intType = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  if (!intType)
    return true;
  unsigned width = intType.getWidth();
  return width == 1 || width == 8 || width == 16 || width == 32 ||
         width == 48 || width == 64;
}

/// The tensor of a constant in a program. Float32 elements are read in
/// place from the attribute (or the `dense_resource` blob), which the
/// context keeps for as long as the function can run: a model's weights
/// are then held once, not once more per program. Other constants are
/// converted to the evaluator's storage.
static FailureOr<Tensor> programConstant(Attribute attr) {
  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr))
    if (dense.getElementType().isF32() && !dense.isSplat())
      return Tensor::borrowF32(
          dense.getType().getShape(),
          reinterpret_cast<const float *>(dense.getRawData().data()));
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    if (resource.getElementType().isF32())
      if (std::optional<ArrayRef<char>> data = getResourceData(resource))
        return Tensor::borrowF32(
            resource.getType().getShape(),
            reinterpret_cast<const float *>(data->data()));
  return tensorFromAttr(attr);
}

FailureOr<Program> Program::compile(func::FuncOp func) {
  if (func.isExternal())
    return func.emitError("cannot evaluate a function without a body");
  if (!func.getBody().hasOneBlock())
    return func.emitError("reference evaluator supports single-block "
                          "functions only");
  auto impl = std::make_unique<ProgramImpl>();
  DenseMap<Value, unsigned> slots;
  auto newSlot = [&](Value value) {
    unsigned slot = impl->numSlots++;
    slots[value] = slot;
    impl->slotValues.push_back(value);
    return slot;
  };

  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    DType dtype;
    if (!type || !type.hasStaticShape() || !hasExactDType(type) ||
        !dtypeFromMLIR(type.getElementType(), dtype))
      return func.emitError("reference evaluator needs statically shaped "
                            "tensor arguments of a supported element type, "
                            "got ")
             << arg.getType();
    impl->argTypes.push_back({dtype, Shape(type.getShape())});
    newSlot(arg);
  }

  const KernelTable &table = forwardKernels();
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        impl->outputs.push_back(slots.lookup(v));
      break;
    }
    if (op.getNumRegions())
      return op.emitError("reference evaluator does not support ops with "
                          "regions, such as '")
             << op.getName() << "'";
    if (auto weights = dyn_cast<qint::WeightsOp>(op)) {
      // The logical values, whatever the storage layout.
      Tensor tensor(DType::I8, weights.getType().getShape());
      std::vector<int8_t> values = weights.getUnpackedValues();
      std::copy(values.begin(), values.end(), tensor.ints().begin());
      impl->constants[newSlot(op.getResult(0))] = std::move(tensor);
      continue;
    }
    Attribute constant;
    if (op.getNumResults() == 1 && op.hasTrait<OpTrait::ConstantLike>() &&
        matchPattern(op.getResult(0), m_Constant(&constant))) {
      FailureOr<Tensor> tensor = programConstant(constant);
      if (failed(tensor) && isa<DenseResourceElementsAttr>(constant) &&
          !getResourceData(constant))
        return op.emitError("reference evaluator cannot read the value of "
                            "this constant: its dense_resource blob is "
                            "absent from the input (elided) or does not "
                            "match its type");
      if (failed(tensor))
        return op.emitError("reference evaluator cannot read the value of "
                            "this constant");
      impl->constants[newSlot(op.getResult(0))] = std::move(*tensor);
      continue;
    }
    auto it = table.find(op.getName().getStringRef());
    if (it == table.end())
      return op.emitError("reference evaluator does not support '")
             << op.getName() << "'";
    if (!isa<qint::Conv2DOp, qint::DepthwiseConv2DOp, qint::MatmulOp>(op))
      for (Type type : op.getResultTypes())
        if (!hasExactDType(type))
          return op.emitError("reference evaluator computes ")
                 << getElementTypeOrSelf(type)
                 << " values only as qint accumulators";
    Step step;
    step.op = &op;
    step.kernel = it->second;
    for (Value v : op.getOperands()) {
      auto found = slots.find(v);
      if (found == slots.end())
        return op.emitError("operand is not defined in the function body");
      step.operands.push_back(found->second);
      step.constantOperands.push_back(impl->constants.count(found->second));
    }
    for (Value v : op.getResults())
      step.results.push_back(newSlot(v));
    ArrayRef<bool> constantOperands = step.constantOperands;
    step.stacks = stacksSamples(&op) && !constantOperands.empty() &&
                  !constantOperands.front() &&
                  llvm::all_of(constantOperands.drop_front(),
                               [](bool constant) { return constant; });
    impl->steps.push_back(std::move(step));
  }

  impl->releaseAfterLastUse();
  return Program(std::move(impl));
}

void ProgramImpl::releaseAfterLastUse() {
  DenseMap<unsigned, unsigned> lastUse;
  for (auto [index, step] : llvm::enumerate(steps))
    for (unsigned slot : step.operands)
      lastUse[slot] = index;
  llvm::DenseSet<unsigned> keep(outputs.begin(), outputs.end());
  for (auto [slot, index] : lastUse)
    if (!constants.count(slot) && !keep.count(slot))
      steps[index].releases.push_back(slot);
}

/// The error of a kernel that failed at `op`.
static llvm::Error kernelFailure(const Step &step) {
  return llvm::createStringError(
      "evaluation failed at '%s'",
      step.op->getName().getStringRef().str().c_str());
}

llvm::Error
ProgramImpl::runStacked(const Step &step,
                        MutableArrayRef<SampleValues> states) const {
  SmallVector<const Tensor *, 8> parts;
  for (SampleValues &state : states)
    parts.push_back(state.ptrs[step.operands.front()]);
  Tensor stacked = Tensor::concatRows(parts);
  SmallVector<const Tensor *, 8> operandPtrs{&stacked};
  for (unsigned slot : ArrayRef(step.operands).drop_front())
    operandPtrs.push_back(states.front().ptrs[slot]);
  SmallVector<Tensor, 2> results(step.results.size());
  KernelContext ctx{step.op, operandPtrs, results, step.constantOperands,
                    step.cache.get()};
  ctx.stackedSamples = int64_t(states.size());
  if (failed(step.kernel(ctx)))
    return kernelFailure(step);
  for (auto [slot, result] : llvm::zip(step.results, results)) {
    int64_t rows = result.dim(0) / int64_t(states.size());
    for (auto [sample, state] : llvm::enumerate(states)) {
      state.values[slot] = result.sliceRows(int64_t(sample) * rows, rows);
      state.ptrs[slot] = &state.values[slot];
    }
  }
  return llvm::Error::success();
}

llvm::Error ProgramImpl::execute(ArrayRef<ArrayRef<Tensor>> inputs,
                                 MutableArrayRef<SampleValues> states,
                                 std::optional<BatchObserver> observer,
                                 bool keepAll, int64_t *failedSample) const {
  for (auto [sample, sampleInputs] : llvm::enumerate(inputs)) {
    if (failedSample)
      *failedSample = int64_t(sample);
    if (sampleInputs.size() != argTypes.size())
      return llvm::createStringError("expected %zu inputs, got %zu",
                                     argTypes.size(), sampleInputs.size());
    for (auto [i, input] : llvm::enumerate(sampleInputs)) {
      auto &[dtype, shape] = argTypes[i];
      if (input.dtype() != dtype || input.shape() != ArrayRef<int64_t>(shape))
        return llvm::createStringError(
            "input %zu: expected %s %s, got %s %s", i, dtypeName(dtype).data(),
            shapeToString(shape).c_str(), dtypeName(input.dtype()).data(),
            shapeToString(input.shape()).c_str());
    }
  }
  for (auto [sample, state] : llvm::enumerate(states)) {
    state.values.assign(numSlots, Tensor());
    state.ptrs.assign(numSlots, nullptr);
    for (auto [i, input] : llvm::enumerate(inputs[sample]))
      state.ptrs[i] = &input;
    for (auto &[slot, tensor] : constants)
      state.ptrs[slot] = &tensor;
  }
  if (observer)
    for (auto &[slot, tensor] : constants)
      for (unsigned sample = 0; sample < states.size(); ++sample)
        (*observer)(sample, slotValues[slot], tensor);

  SmallVector<const Tensor *, 8> operandPtrs;
  SmallVector<Tensor, 2> results;
  for (const Step &step : steps) {
    if (step.stacks && states.size() > 1) {
      if (failedSample)
        *failedSample = -1;
      if (llvm::Error error = runStacked(step, states))
        return error;
    } else {
      for (auto [sample, state] : llvm::enumerate(states)) {
        if (failedSample)
          *failedSample = int64_t(sample);
        operandPtrs.clear();
        for (unsigned slot : step.operands)
          operandPtrs.push_back(state.ptrs[slot]);
        results.clear();
        results.resize(step.results.size());
        KernelContext ctx{step.op, operandPtrs, results, step.constantOperands,
                          step.cache.get()};
        if (failed(step.kernel(ctx)))
          return kernelFailure(step);
        for (auto [slot, result] : llvm::zip(step.results, results)) {
          state.values[slot] = std::move(result);
          state.ptrs[slot] = &state.values[slot];
        }
      }
    }
    for (auto [sample, state] : llvm::enumerate(states)) {
      if (observer)
        for (unsigned slot : step.results)
          (*observer)(sample, slotValues[slot], state.values[slot]);
      if (!keepAll)
        for (unsigned slot : step.releases)
          state.values[slot] = Tensor();
    }
  }
  return llvm::Error::success();
}

llvm::Error ProgramImpl::executeOne(ArrayRef<Tensor> inputs,
                                    SampleValues &state,
                                    std::optional<ValueObserver> observer,
                                    bool keepAll) const {
  std::optional<BatchObserver> batchObserver;
  auto forward = [&](unsigned, Value value, const Tensor &tensor) {
    (*observer)(value, tensor);
  };
  if (observer)
    batchObserver = forward;
  return execute({inputs}, MutableArrayRef<SampleValues>(state), batchObserver,
                 keepAll);
}

llvm::Expected<SmallVector<Tensor>>
Program::run(ArrayRef<Tensor> inputs,
             std::optional<ValueObserver> observer) const {
  SampleValues state;
  if (llvm::Error error =
          impl->executeOne(inputs, state, observer, /*keepAll=*/false))
    return std::move(error);
  SmallVector<Tensor> outputs;
  for (unsigned slot : impl->outputs)
    outputs.push_back(*state.ptrs[slot]);
  return outputs;
}

llvm::Expected<std::vector<SmallVector<Tensor>>>
Program::runBatch(ArrayRef<SmallVector<Tensor>> samples,
                  std::optional<BatchObserver> observer,
                  int64_t *failedSample) const {
  SmallVector<ArrayRef<Tensor>> inputs(samples.begin(), samples.end());
  std::vector<SampleValues> states(samples.size());
  if (llvm::Error error = impl->execute(inputs, states, observer,
                                        /*keepAll=*/false, failedSample))
    return std::move(error);
  std::vector<SmallVector<Tensor>> outputs(samples.size());
  for (auto [sample, state] : llvm::enumerate(states))
    for (unsigned slot : impl->outputs)
      outputs[sample].push_back(*state.ptrs[slot]);
  return outputs;
}

FailureOr<SmallVector<Tensor>> compress::evaluateOp(Operation *op,
                                                    ArrayRef<Tensor> operands) {
  auto it = forwardKernels().find(op->getName().getStringRef());
  if (it == forwardKernels().end())
    return failure();
  SmallVector<const Tensor *> ptrs;
  for (const Tensor &t : operands)
    ptrs.push_back(&t);
  SmallVector<bool> constant(operands.size(), false);
  SmallVector<Tensor> results(op->getNumResults());
  // Constant folding probes ops speculatively: keep their diagnostics quiet.
  ScopedDiagnosticHandler silence(op->getContext(),
                                  [](Diagnostic &) { return success(); });
  KernelContext ctx{op, ptrs, results, constant, nullptr};
  if (failed(it->second(ctx)))
    return failure();
  return results;
}
