//===- TensorTest.cpp - Tests of the evaluator's host tensors -------------===//

#include "compress/Support/Tensor.h"

#include "gtest/gtest.h"

using namespace compress;

namespace {

Tensor floats(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> values) {
  Tensor t(DType::F32, shape);
  std::copy(values.begin(), values.end(), t.f32().begin());
  return t;
}

TEST(TensorTest, BorrowedFloatsAreReadInPlaceAndCopiedOnWrite) {
  const float data[] = {1, 2, 3, 4, 5, 6};
  Tensor borrowed = Tensor::borrowF32({2, 3}, data);
  const Tensor &view = borrowed;
  EXPECT_EQ(view.f32().data(), data);
  EXPECT_EQ(view.size(), 6);
  EXPECT_EQ(view.getAsDouble(4), 5.0);

  // Copies, reshapes and slices read the same elements.
  Tensor copy = borrowed;
  EXPECT_EQ(static_cast<const Tensor &>(copy).f32().data(), data);
  EXPECT_EQ(borrowed.reshaped({3, 2}).getAsDouble(5), 6.0);
  EXPECT_EQ(view.sliceRows(1, 1).f32(), (std::vector<float>{4, 5, 6}));

  // A write goes to the tensor's own copy, never to the borrowed data.
  copy.f32()[0] = 10;
  EXPECT_EQ(data[0], 1.0f);
  EXPECT_NE(static_cast<const Tensor &>(copy).f32().data(), data);
  EXPECT_EQ(static_cast<const Tensor &>(copy).f32(),
            llvm::ArrayRef<float>({10, 2, 3, 4, 5, 6}));
  EXPECT_EQ(view.f32().data(), data);
}

TEST(TensorTest, RowsAreSlicedAndConcatenated) {
  Tensor a = floats({1, 2, 2}, {1, 2, 3, 4});
  Tensor b = floats({2, 2, 2}, {5, 6, 7, 8, 9, 10, 11, 12});
  Tensor ab = Tensor::concatRows({&a, &b});
  EXPECT_EQ(ab.shape(), llvm::ArrayRef<int64_t>({3, 2, 2}));
  const Tensor &abView = ab;
  EXPECT_EQ(abView.f32(), llvm::ArrayRef<float>(
                              {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  Tensor middle = ab.sliceRows(1, 1);
  EXPECT_EQ(middle.shape(), llvm::ArrayRef<int64_t>({1, 2, 2}));
  EXPECT_EQ(static_cast<const Tensor &>(middle).f32(),
            llvm::ArrayRef<float>({5, 6, 7, 8}));

  Tensor i = Tensor(DType::I8, {1, 3});
  i.ints() = {-1, 0, 1};
  Tensor j = Tensor(DType::I8, {1, 3});
  j.ints() = {2, 3, 4};
  Tensor ij = Tensor::concatRows({&i, &j});
  EXPECT_EQ(ij.ints(), (std::vector<int64_t>{-1, 0, 1, 2, 3, 4}));
  EXPECT_EQ(ij.sliceBatch(1).ints(), (std::vector<int64_t>{2, 3, 4}));
}

/// Little-endian elements at their own width: sign-extended integers,
/// unsigned bytes, floats bit for bit, and any nonzero byte as true.
TEST(TensorTest, DecodesLittleEndianElements) {
  const char i16[] = {'\x01', '\x80', '\xff', '\x7f'};
  EXPECT_EQ(Tensor::decodeLittleEndian(DType::I16, {2}, i16).ints(),
            (std::vector<int64_t>{-32767, 32767}));
  const char u8[] = {'\xff', '\x00'};
  EXPECT_EQ(Tensor::decodeLittleEndian(DType::U8, {2}, u8).ints(),
            (std::vector<int64_t>{255, 0}));
  const char i1[] = {'\x00', '\x02', '\x01'};
  EXPECT_EQ(Tensor::decodeLittleEndian(DType::I1, {3}, i1).ints(),
            (std::vector<int64_t>{0, 1, 1}));
  const char f32[] = {'\x00', '\x00', '\xc0', '\xbf'};
  Tensor floats = Tensor::decodeLittleEndian(DType::F32, {1, 1}, f32);
  EXPECT_EQ(floats.shape(), (llvm::ArrayRef<int64_t>{1, 1}));
  EXPECT_EQ(floats.f32()[0], -1.5f);
}

} // namespace
