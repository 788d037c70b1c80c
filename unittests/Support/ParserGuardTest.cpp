//===- ParserGuardTest.cpp - Inputs that crash MLIR 22's parser -----------===//

#include "compress/Support/ParserGuard.h"

#include "gtest/gtest.h"

using namespace compress;

namespace {

TEST(ParserGuard, FindsIndexDenseArrays) {
  auto hazard = findParserHazard("module attributes {x = array<index: 1>} {}");
  ASSERT_TRUE(hazard);
  EXPECT_EQ(hazard->offset, 29u);
  EXPECT_EQ(hazard->line, 1u);
  EXPECT_EQ(hazard->column, 30u);

  // Spaces, line breaks and comments between the tokens.
  hazard = findParserHazard("a\nb = array <\n  // c\n  index>");
  ASSERT_TRUE(hazard);
  EXPECT_EQ(hazard->line, 4u);
  EXPECT_EQ(hazard->column, 3u);
  EXPECT_TRUE(findParserHazard("array<index>"));
}

TEST(ParserGuard, FollowsTypeAliases) {
  auto hazard = findParserHazard("!a = index\n!b = !a\nx = array<!b: 1>");
  ASSERT_TRUE(hazard);
  EXPECT_NE(hazard->message.find("!b is an alias of index"), std::string::npos);
  // An alias redefined to something else (invalid MLIR, but not a crash).
  EXPECT_FALSE(findParserHazard("!a = i64\nx = array<!a: 1>"));
  EXPECT_FALSE(findParserHazard("!a = tensor<4xindex>\nx = array<!a: 1>"));
}

TEST(ParserGuard, IgnoresHarmlessText) {
  EXPECT_FALSE(findParserHazard(""));
  EXPECT_FALSE(findParserHazard("x = array<i64: 1, 2>, y = array<f32>"));
  EXPECT_FALSE(findParserHazard("x = \"array<index: 1>\""));
  EXPECT_FALSE(findParserHazard("x = \"\\\"array<index: 1>\""));
  EXPECT_FALSE(findParserHazard("// array<index: 1>\nx = 1"));
  EXPECT_FALSE(findParserHazard("%array<index"));
  EXPECT_FALSE(findParserHazard("x.array<index: 1>"));
  EXPECT_FALSE(findParserHazard("array<indexed: 1>"));
  EXPECT_FALSE(findParserHazard("tensor<4xindex>, memref<index>"));
  // Unterminated strings and truncated text end the scan.
  EXPECT_FALSE(findParserHazard("x = \"array<index"));
  EXPECT_FALSE(findParserHazard("x = \"a\\\"array<index"));
  EXPECT_FALSE(findParserHazard("x = \"ends in an escape \\"));
  EXPECT_FALSE(findParserHazard("array<"));
}

TEST(ParserGuard, FindsHazardsAfterStrings) {
  // Escaped quotes and backslashes inside a string do not end it; the text
  // after its closing quote is scanned.
  std::optional<ParserHazard> hazard = findParserHazard(
      "x = \"a\\\"b\\\\\" y = \"0xCAFE\" z = array<index: 1>");
  ASSERT_TRUE(hazard);
  EXPECT_EQ(hazard->offset, 36u);
  EXPECT_FALSE(findParserHazard("x = \"a\\\" z = array<index: 1>\""));
}

} // namespace
