//===- CalibratedRangeTest.cpp - The calibrated range of a value ----------===//
//
// getCalibratedRange finds the `compress.range` of function arguments and
// of single-result ops, and nothing for values a range cannot describe:
// results of ops with several results and arguments of nested blocks.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compression/IR/Compression.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace compress;

namespace {

constexpr const char *kSource = R"mlir(
func.func @f(%x: f32 {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 4>},
             %y: f32) {
  %0 = "test.one"(%x) {compress.range = #compress.range<min = 0.0, max = 2.0, method = "mse", samples = 4>} : (f32) -> f32
  %1:2 = "test.two"() {compress.range = #compress.range<min = 0.0, max = 3.0, method = "minmax", samples = 4>} : () -> (f32, f32)
  "test.region"() ({
  ^bb0(%a: f32):
    "test.end"() : () -> ()
  }) : () -> ()
  return
}
)mlir";

class CalibratedRangeTest : public ::testing::Test {
protected:
  CalibratedRangeTest() {
    context.loadDialect<func::FuncDialect, CompressionDialect>();
    context.allowUnregisteredDialects();
    module = parseSourceString<ModuleOp>(kSource, &context);
    func = *module->getOps<func::FuncOp>().begin();
  }

  /// The op named `name` in @f.
  Operation *op(StringRef name) {
    Operation *found = nullptr;
    func.walk([&](Operation *op) {
      if (op->getName().getStringRef() == name)
        found = op;
    });
    return found;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
};

TEST_F(CalibratedRangeTest, FunctionArgument) {
  ASSERT_TRUE(module);
  ValueRangeAttr range = getCalibratedRange(func.getArgument(0));
  ASSERT_TRUE(range);
  EXPECT_EQ(range.getMin().convertToDouble(), -1.0);
  EXPECT_EQ(range.getMax().convertToDouble(), 1.0);
  EXPECT_FALSE(getCalibratedRange(func.getArgument(1)));
}

TEST_F(CalibratedRangeTest, SingleResultOp) {
  ASSERT_TRUE(module);
  ValueRangeAttr range = getCalibratedRange(op("test.one")->getResult(0));
  ASSERT_TRUE(range);
  EXPECT_EQ(range.getMax().convertToDouble(), 2.0);
  EXPECT_EQ(range.getMethod(), "mse");
}

/// One range cannot tell which of several results it describes.
TEST_F(CalibratedRangeTest, SeveralResults) {
  ASSERT_TRUE(module);
  Operation *two = op("test.two");
  EXPECT_FALSE(getCalibratedRange(two->getResult(0)));
  EXPECT_FALSE(getCalibratedRange(two->getResult(1)));
}

/// A nested block's argument 0 is not the function's argument 0.
TEST_F(CalibratedRangeTest, NestedBlockArgument) {
  ASSERT_TRUE(module);
  Block &body = op("test.region")->getRegion(0).front();
  EXPECT_FALSE(getCalibratedRange(body.getArgument(0)));
}

/// Without the dialect there are no ranges, and no crash.
TEST(CalibratedRangeWithoutDialectTest, NoRange) {
  MLIRContext context;
  context.loadDialect<func::FuncDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      "func.func @g(%x: f32) -> f32 { return %x : f32 }", &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  EXPECT_FALSE(getCalibratedRange(func.getArgument(0)));
}

} // namespace
