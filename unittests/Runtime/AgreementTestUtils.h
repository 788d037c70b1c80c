//===- AgreementTestUtils.h - Helpers of backend agreement tests -*- C++
//-*-===//
//
// What the tests that run one module with the reference evaluator and with
// JIT-compiled code have in common: a fixture that runs both backends and
// requires bit-identical results, a builder that batches independent cases
// into one entry function (JIT compilation costs far more than running, so
// one compilation serves many cases), and the text of tensor types and
// dense literals.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UNITTESTS_RUNTIME_AGREEMENTTESTUTILS_H
#define COMPRESS_UNITTESTS_RUNTIME_AGREEMENTTESTUTILS_H

#include "compress/Dialect/QInt/Utils/WeightPacking.h"
#include "compress/InitAll.h"
#include "compress/Runtime/ModelRunner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"

#include "gtest/gtest.h"

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace compress::agreement {

/// The MLIR spelling of an element type: `i8`, `f32`, ...
inline std::string elementTypeName(DType type) {
  return type == DType::F32 ? "f32" : "i" + std::to_string(intBitWidth(type));
}

/// `tensor<2x3xi8>` (or `tensor<i8>` for rank 0).
inline std::string tensorTypeName(llvm::ArrayRef<int64_t> shape,
                                  const std::string &element) {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + element + ">";
}

inline std::string tensorTypeName(const Tensor &tensor) {
  return tensorTypeName(tensor.shape(), elementTypeName(tensor.dtype()));
}

/// The nested-bracket literal of row-major `values` shaped `shape`, as
/// `dense<...>` expects it.
inline std::string denseLiteral(llvm::ArrayRef<int64_t> values,
                                llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return std::to_string(values.front());
  int64_t stride = values.size() / shape.front();
  std::string text = "[";
  for (int64_t i = 0; i < shape.front(); ++i)
    text += (i ? ", " : "") +
            denseLiteral(values.slice(i * stride, stride), shape.drop_front());
  return text + "]";
}

/// The `values` attribute of packed `qint.weights` holding `values` as
/// `bits`-bit fields: `dense<[...]> : tensor<Nxi8>`.
/// A `dense<[...]> : tensor<Nxi8>` literal of bytes.
inline std::string bytesLiteral(llvm::ArrayRef<uint8_t> bytes) {
  std::string text = "dense<[";
  for (size_t i = 0; i < bytes.size(); ++i)
    text += (i ? ", " : "") + std::to_string(int8_t(bytes[i]));
  return text + "]> : tensor<" + std::to_string(bytes.size()) + "xi8>";
}

inline std::string packedWeightsLiteral(llvm::ArrayRef<int64_t> values,
                                        int64_t bits, bool isSigned) {
  std::vector<int8_t> narrow(values.begin(), values.end());
  return bytesLiteral(qint::packWeights(narrow, bits, isSigned));
}

/// The `mask = ..., values = ...` attributes (and `block = ...` unless all
/// ones) of `values` in the sparse layout with blocks of `block`.
inline std::string sparseWeightsAttributes(llvm::ArrayRef<int64_t> values,
                                           llvm::ArrayRef<int64_t> shape,
                                           llvm::ArrayRef<int64_t> block,
                                           int64_t bits, bool isSigned) {
  std::vector<int8_t> narrow(values.begin(), values.end());
  qint::SparseWeights sparse = qint::encodeSparseWeights(
      narrow, qint::WeightBlocks(shape, block), bits, isSigned);
  std::string text = "mask = " + bytesLiteral(sparse.mask) + ", ";
  if (llvm::any_of(block, [](int64_t b) { return b != 1; })) {
    text += "block = array<i64: ";
    for (size_t i = 0; i < block.size(); ++i)
      text += (i ? ", " : "") + std::to_string(block[i]);
    text += ">, ";
  }
  return text + "values = " + bytesLiteral(sparse.values);
}

/// Integers uniform over the range of `dtype`.
inline Tensor randomInts(DType dtype, llvm::ArrayRef<int64_t> shape,
                         std::mt19937_64 &rng) {
  Tensor t(dtype, shape);
  std::uniform_int_distribution<int64_t> dist(intMin(dtype), intMax(dtype));
  for (int64_t &v : t.ints())
    v = dist(rng);
  return t;
}

/// An entry function `@main` assembled from independent cases: each case
/// adds arguments (with the values to feed them), body lines and results.
class BatchedModule {
public:
  /// Adds an argument fed with `value`; returns its SSA name.
  std::string addArgument(Tensor value) {
    std::string name = "%arg" + std::to_string(inputs.size());
    arguments.push_back(name + ": " + tensorTypeName(value));
    inputs.push_back(std::move(value));
    return name;
  }

  /// A fresh SSA name.
  std::string freshValue() { return "%v" + std::to_string(numValues++); }

  /// Appends `line` to the body.
  void addLine(std::string line) { body.push_back(std::move(line)); }

  /// Returns `value` of type `type` from `@main`; `label` describes the
  /// case in failure messages.
  void addResult(std::string value, std::string type, std::string label) {
    results.push_back(std::move(value));
    resultTypes.push_back(std::move(type));
    labels.push_back(std::move(label));
  }

  /// Number of results so far (one per case).
  size_t size() const { return results.size(); }

  std::string source() const {
    std::string text = "func.func @main(" + llvm::join(arguments, ", ") +
                       ") -> (" + llvm::join(resultTypes, ", ") + ") {\n";
    for (const std::string &line : body)
      text += "  " + line + "\n";
    return text + "  return " + llvm::join(results, ", ") + " : " +
           llvm::join(resultTypes, ", ") + "\n}\n";
  }

  llvm::ArrayRef<Tensor> getInputs() const { return inputs; }
  llvm::ArrayRef<std::string> getLabels() const { return labels; }

private:
  std::vector<std::string> arguments, body, results, resultTypes, labels;
  std::vector<Tensor> inputs;
  int64_t numValues = 0;
};

/// Runs modules with the reference evaluator and the JIT and requires
/// bit-identical results (floats compared by their bits).
class AgreementTest : public ::testing::Test {
protected:
  AgreementTest() {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Runs `source` on `inputs` with both backends and expects equal results;
  /// `labels[r]` describes result `r` in failure messages.
  void expectAgreement(const std::string &source, llvm::ArrayRef<Tensor> inputs,
                       llvm::ArrayRef<std::string> labels = {}) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    ASSERT_TRUE(module) << source;
    auto func = findEntryFunction(*module, "main");
    ASSERT_TRUE(bool(func)) << llvm::toString(func.takeError());
    auto reference = createReferenceRunner(*func);
    ASSERT_TRUE(bool(reference)) << llvm::toString(reference.takeError());
    auto jit = createJitRunner(*module, "main", jitOptions);
    ASSERT_TRUE(bool(jit)) << llvm::toString(jit.takeError());
    auto expected = (*reference)->run(inputs);
    ASSERT_TRUE(bool(expected)) << llvm::toString(expected.takeError());
    auto actual = (*jit)->run(inputs);
    ASSERT_TRUE(bool(actual)) << llvm::toString(actual.takeError());
    ASSERT_EQ(expected->size(), actual->size());
    for (size_t r = 0; r < expected->size(); ++r) {
      const Tensor &e = (*expected)[r], &a = (*actual)[r];
      std::string label = r < labels.size() ? labels[r] : "";
      ASSERT_EQ(e.shape(), a.shape()) << label;
      ASSERT_EQ(e.dtype(), a.dtype()) << label;
      int64_t mismatches = 0;
      for (int64_t i = 0; i < e.size(); ++i) {
        std::string expectedText, actualText;
        if (!sameElement(e, a, i, expectedText, actualText) && mismatches++ < 5)
          ADD_FAILURE() << "result " << r << " element " << i << ": evaluator "
                        << expectedText << ", jit " << actualText << "\n  in "
                        << label;
      }
      EXPECT_EQ(mismatches, 0) << label;
      ++numResultsCompared;
      numElementsCompared += e.size();
    }
  }

  void expectAgreement(const BatchedModule &module) {
    expectAgreement(module.source(), module.getInputs(), module.getLabels());
  }

  mlir::MLIRContext context;
  /// How the JIT compiles the modules.
  JitOptions jitOptions;
  /// Results and elements compared so far, for the summary a test prints.
  int64_t numResultsCompared = 0, numElementsCompared = 0;

private:
  /// Whether element `i` agrees, with both values as text.
  static bool sameElement(const Tensor &e, const Tensor &a, int64_t i,
                          std::string &expectedText, std::string &actualText) {
    if (e.dtype() != DType::F32) {
      expectedText = std::to_string(e.ints()[i]);
      actualText = std::to_string(a.ints()[i]);
      return e.ints()[i] == a.ints()[i];
    }
    uint32_t eBits, aBits;
    std::memcpy(&eBits, &e.f32()[i], 4);
    std::memcpy(&aBits, &a.f32()[i], 4);
    expectedText =
        std::to_string(e.f32()[i]) + " (bits " + std::to_string(eBits) + ")";
    actualText =
        std::to_string(a.f32()[i]) + " (bits " + std::to_string(aBits) + ")";
    return eBits == aBits;
  }
};

} // namespace compress::agreement

#endif // COMPRESS_UNITTESTS_RUNTIME_AGREEMENTTESTUTILS_H
