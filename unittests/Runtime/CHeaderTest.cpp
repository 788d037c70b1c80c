//===- CHeaderTest.cpp - Tests of the C header of compiled models ---------===//

#include "compress/Runtime/CHeader.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace compress;

namespace {

/// A header for `symbol` compiling @main of model.mlir.
CHeaderInfo makeInfo(llvm::StringRef symbol) {
  CHeaderInfo info;
  info.symbol = symbol.str();
  info.entry = "main";
  info.source = "model.mlir";
  info.mlirLibDir = "/opt/mlir/lib";
  return info;
}

/// Whether `text` contains `part`, showing the text when it does not.
::testing::AssertionResult contains(const std::string &text,
                                    llvm::StringRef part) {
  if (llvm::StringRef(text).contains(part))
    return ::testing::AssertionSuccess() << "found in:\n" << text;
  return ::testing::AssertionFailure()
         << "'" << part.str() << "' not found in:\n" << text;
}

std::string render(const CHeaderInfo &info) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writeCHeader(os, info);
  return text;
}

TEST(CHeaderTest, OneResultOneArgument) {
  CHeaderInfo info = makeInfo("lenet");
  info.args.push_back({DType::F32, {1, 1, 28, 28}});
  info.results.push_back({DType::F32, {1, 10}});
  info.imports = {"free", "malloc"};
  std::string text = render(info);

  EXPECT_TRUE(contains(text, "/* C interface of @main from model.mlir, "
                              "compiled by compress-aot.\n"));
  EXPECT_TRUE(contains(text, "#ifndef COMPRESS_AOT_LENET_H\n"
                              "#define COMPRESS_AOT_LENET_H\n\n"
                              "#include <stdint.h>\n"));
  EXPECT_TRUE(contains(text, "#ifndef COMPRESS_MEMREF_4D_F32\n"
                              "#define COMPRESS_MEMREF_4D_F32\n"
                              "typedef struct compress_memref_4d_f32 {\n"
                              "  float *allocated; /* what free() takes */\n"
                              "  float *aligned; /* base of the data */\n"
                              "  int64_t offset; /* in elements, from "
                              "aligned */\n"
                              "  int64_t sizes[4];\n"
                              "  int64_t strides[4]; /* in elements */\n"
                              "} compress_memref_4d_f32;\n#endif\n"));
  EXPECT_TRUE(contains(text, "typedef struct compress_memref_2d_f32 {"));
  // Shapes too long for one line of the comment break before the strides.
  EXPECT_TRUE(contains(text, " * arg0: float [1, 1, 28, 28], sizes = "
                              "{1, 1, 28, 28},\n"
                              " *   strides = {784, 784, 28, 1}, offset = "
                              "0.\n"));
  EXPECT_TRUE(contains(text, " * result: float [1, 10], written to "
                              "*result.\n"));
  EXPECT_TRUE(contains(text, " * Linking: the object calls\n"
                              " *   - free, malloc: the C library.\n"
                              " */\n"));
  EXPECT_TRUE(contains(text, "void lenet(compress_memref_2d_f32 *result, "
                              "const compress_memref_4d_f32 *arg0);\n"));
  EXPECT_FALSE(contains(text, "_cpu_supported"));
  EXPECT_FALSE(contains(text, "_results"));
  EXPECT_TRUE(llvm::StringRef(text).ends_with(
      "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n"
      "#endif /* COMPRESS_AOT_LENET_H */\n"));
}

TEST(CHeaderTest, SeveralResultsShareDescriptors) {
  CHeaderInfo info = makeInfo("two");
  info.args.push_back({DType::I8, {2, 3}});
  info.args.push_back({DType::I8, {2, 3}});
  info.results.push_back({DType::I8, {3, 2}});
  info.results.push_back({DType::I32, {}});
  std::string text = render(info);

  // One descriptor per memref type, whatever the shape.
  llvm::StringRef ref(text);
  EXPECT_EQ(ref.count("typedef struct compress_memref_2d_i8 {"), 1u);
  // A rank-0 descriptor has neither sizes nor strides.
  EXPECT_TRUE(contains(text, "  int64_t offset; /* in elements, from "
                              "aligned */\n} compress_memref_0d_i32;\n"));
  EXPECT_TRUE(contains(text, "typedef struct two_results {\n"
                              "  compress_memref_2d_i8 result0; /* int8_t "
                              "[3, 2] */\n"
                              "  compress_memref_0d_i32 result1; /* int32_t "
                              "[] */\n"
                              "} two_results;\n"));
  EXPECT_TRUE(contains(text, " * arg0: int8_t [2, 3], sizes = {2, 3}, "
                              "strides = {3, 1}, offset = 0.\n"
                              " * arg1: int8_t [2, 3]"));
  EXPECT_TRUE(contains(text, " * results: written to *results"));
  EXPECT_TRUE(contains(text, " * Linking: the object needs no library.\n"));
  // Too long for one line: one parameter per line.
  EXPECT_TRUE(contains(text, "void two(\n"
                              "    two_results *results,\n"
                              "    const compress_memref_2d_i8 *arg0,\n"
                              "    const compress_memref_2d_i8 *arg1);\n"));
}

TEST(CHeaderTest, NoArgumentsNoResults) {
  CHeaderInfo info = makeInfo("nothing");
  std::string text = render(info);
  EXPECT_TRUE(contains(text, "void nothing(void);\n"));
  EXPECT_FALSE(contains(text, "typedef struct"));
  EXPECT_FALSE(contains(text, "Arguments are"));
}

TEST(CHeaderTest, ElementTypes) {
  CHeaderInfo info = makeInfo("types");
  const DType types[] = {DType::F32, DType::F64, DType::I8, DType::I16,
                         DType::I32, DType::I64, DType::U8};
  for (DType type : types)
    info.args.push_back({type, {4}});
  std::string text = render(info);
  for (llvm::StringRef name : {"f32", "f64", "i8", "i16", "i32", "i64", "u8"})
    EXPECT_TRUE(contains(text, ("typedef struct compress_memref_1d_" + name +
                                 " {")
                                    .str()));
  for (llvm::StringRef spelling : {"float", "double", "int8_t", "int16_t",
                                   "int32_t", "int64_t", "uint8_t"})
    EXPECT_TRUE(contains(text, ("  " + spelling + " *aligned;").str()));
}

TEST(CHeaderTest, TypesWithoutCSpelling) {
  EXPECT_EQ(getCElementType(DType::U8), llvm::StringRef("uint8_t"));
  EXPECT_FALSE(getCElementType(DType::I1));
  EXPECT_FALSE(getCElementType(DType::I48));

  llvm::SmallVector<TensorSpec> args = {{DType::F32, {2}}};
  llvm::SmallVector<TensorSpec> results = {{DType::F32, {2}},
                                           {DType::I1, {2}}};
  EXPECT_FALSE(llvm::errorToBool(checkCHeaderTypes(args, {})));
  llvm::Error err = checkCHeaderTypes(args, results);
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            "result 1 has element type bool, which has no C type in the "
            "header");
}

TEST(CHeaderTest, CpuCheck) {
  CHeaderInfo info = makeInfo("fast");
  info.args.push_back({DType::F32, {8}});
  info.results.push_back({DType::F32, {8}});
  info.cpuFeatures = {"avx512f", "avx512bw", "avx512vnni"};
  std::string text = render(info);
  EXPECT_TRUE(contains(text,
              "static inline int fast_cpu_supported(void) {\n"
                        "  __builtin_cpu_init();\n"
                        "  return __builtin_cpu_supports(\"avx512f\") &&\n"
                        "         __builtin_cpu_supports(\"avx512bw\") &&\n"
                        "         __builtin_cpu_supports(\"avx512vnni\");\n"
                        "}\n"));
  EXPECT_TRUE(contains(text, "(avx512f, avx512bw, avx512vnni)"));
  // The check follows the prototype and precedes the end of extern "C".
  size_t prototype = text.find("void fast(");
  size_t check = text.find("fast_cpu_supported");
  size_t externEnd = text.find("} /* extern \"C\" */");
  EXPECT_LT(prototype, check);
  EXPECT_LT(check, externEnd);
}

TEST(CHeaderTest, LinkNotesGroupImports) {
  CHeaderInfo info = makeInfo("copy");
  info.args.push_back({DType::F32, {2, 2}});
  info.results.push_back({DType::F32, {2, 2}});
  info.imports = {"expf", "malloc", "memrefCopy"};
  std::string text = render(info);
  EXPECT_TRUE(contains(text, " * Linking: the object calls\n"
                              " *   - malloc: the C library.\n"
                              " *   - memrefCopy: MLIR's C runner "
                              "utilities; link with\n"
                              " *     -L/opt/mlir/lib -lmlir_c_runner_utils\n"
                              " *     -Wl,-rpath,/opt/mlir/lib\n"
                              " *   - expf: other libraries (math functions: "
                              "-lm).\n"));
}

} // namespace
