//===- NpyTest.cpp - Tests of .npy and .npz reading and writing -----------===//

#include "compress/Support/Npy.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <zip.h>

#include <limits>

using namespace compress;
using llvm::StringRef;

namespace {

const DType allDTypes[] = {DType::F32, DType::F64, DType::I1,  DType::I8,
                           DType::I16, DType::I32, DType::I64, DType::U8};

/// Shapes of ranks 0 to 4, plus an empty one.
const std::vector<Shape> testShapes = {{},        {5},          {2, 3},
                                       {2, 1, 3}, {2, 3, 1, 2}, {0, 3}};

/// A tensor whose elements cover negative, fractional and extreme values.
Tensor makeTensor(DType type, llvm::ArrayRef<int64_t> shape) {
  Tensor tensor(type, shape);
  for (int64_t i = 0; i < tensor.size(); ++i) {
    if (type == DType::F32)
      tensor.f32()[i] = i == 1 ? std::numeric_limits<float>::infinity()
                               : float(i) * 0.37f - 1.5f;
    else if (type == DType::F64)
      tensor.f64()[i] =
          i == 1 ? std::numeric_limits<double>::max() : double(i) * 0.37 - 1.5;
    else if (i == 0)
      tensor.ints()[i] = intMin(type);
    else if (i == 1)
      tensor.ints()[i] = intMax(type);
    else
      tensor.ints()[i] = wrapInt(i * 37 - 50, type);
  }
  return tensor;
}

void expectSameTensor(const Tensor &expected, const Tensor &actual) {
  EXPECT_EQ(expected.dtype(), actual.dtype());
  EXPECT_EQ(expected.shape(), actual.shape());
  EXPECT_EQ(expected.f32(), actual.f32());
  EXPECT_EQ(expected.f64(), actual.f64());
  EXPECT_EQ(expected.ints(), actual.ints());
}

/// The message of a failed result, or "" if it succeeded.
template <typename T> std::string errorText(llvm::Expected<T> result) {
  return result ? std::string() : llvm::toString(result.takeError());
}

/// A version 1.0 .npy image with the given header text, unpadded.
std::string npyImage(StringRef dict, StringRef data = StringRef()) {
  std::string image("\x93NUMPY\x01\x00", 8);
  image += char(dict.size() + 1);
  image += char((dict.size() + 1) >> 8);
  return image + dict.str() + "\n" + data.str();
}

/// A fresh temporary file, removed when the test ends.
class TempFile {
public:
  explicit TempFile(StringRef suffix) {
    EXPECT_FALSE(
        llvm::sys::fs::createTemporaryFile("npytest", suffix, pathStorage));
  }
  ~TempFile() { llvm::sys::fs::remove(pathStorage); }
  StringRef path() const { return pathStorage; }

private:
  llvm::SmallString<128> pathStorage;
};

/// Writes an archive of arbitrary members, stored uncompressed.
void writeZip(StringRef path,
              llvm::ArrayRef<std::pair<const char *, StringRef>> members) {
  zip_t *archive =
      zip_open(path.str().c_str(), ZIP_CREATE | ZIP_TRUNCATE, nullptr);
  ASSERT_NE(archive, nullptr);
  for (const auto &[name, bytes] : members) {
    zip_source_t *source =
        zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    zip_int64_t index = zip_file_add(archive, name, source, 0);
    ASSERT_GE(index, 0);
    zip_set_file_compression(archive, index, ZIP_CM_STORE, 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

void writeBytes(StringRef path, StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec);
  os << bytes;
}

/// Exactly what numpy writes for np.arange(6, dtype=np.int16).reshape(2, 3).
const std::string numpyInt16Bytes =
    std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
    "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }" +
    std::string(58, ' ') + "\n" + std::string("\0\0\1\0\2\0\3\0\4\0\5\0", 12);

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

TEST(NpyTest, SerializeParseRoundTrip) {
  for (DType type : allDTypes) {
    for (const Shape &shape : testShapes) {
      SCOPED_TRACE(dtypeName(type).str() + " " + shapeToString(shape));
      Tensor tensor = makeTensor(type, shape);
      std::string image = serializeNpy(tensor);
      llvm::Expected<Tensor> parsed = parseNpy(image, "roundtrip.npy");
      ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
      expectSameTensor(tensor, *parsed);
    }
  }
}

TEST(NpyTest, HeaderLayout) {
  for (DType type : allDTypes) {
    for (const Shape &shape : testShapes) {
      std::string image = serializeNpy(makeTensor(type, shape));
      size_t headerLength = uint8_t(image[8]) | uint8_t(image[9]) << 8;
      size_t dataOffset = 10 + headerLength;
      EXPECT_EQ(StringRef(image).substr(0, 8),
                StringRef("\x93NUMPY\x01\x00", 8));
      EXPECT_EQ(dataOffset % 64, 0u);
      EXPECT_EQ(image[dataOffset - 1], '\n');
      EXPECT_EQ(image.size() - dataOffset,
                size_t(numElements(shape)) * ((intBitWidth(type) + 7) / 8));
    }
  }
  auto header = [](DType type, llvm::ArrayRef<int64_t> shape) {
    std::string image = serializeNpy(Tensor(type, shape));
    return image.substr(10, image.find('}') - 9);
  };
  EXPECT_EQ(header(DType::F32, {}),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
  EXPECT_EQ(header(DType::F64, {3}),
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
  EXPECT_EQ(header(DType::I1, {2, 3}),
            "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(header(DType::U8, {1, 2, 3}),
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 3), }");
  EXPECT_EQ(header(DType::I8, {4}),
            "{'descr': '|i1', 'fortran_order': False, 'shape': (4,), }");
  EXPECT_EQ(header(DType::I32, {4}),
            "{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }");
}

TEST(NpyTest, ParsesNumpyBytes) {
  llvm::Expected<Tensor> parsed = parseNpy(numpyInt16Bytes, "arange.npy");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->dtype(), DType::I16);
  EXPECT_EQ(parsed->shape(), llvm::ArrayRef<int64_t>({2, 3}));
  EXPECT_EQ(parsed->ints(), std::vector<int64_t>({0, 1, 2, 3, 4, 5}));
}

/// maxRows decodes the leading entries of the first axis only, and still
/// checks the whole file against its header.
TEST(NpyTest, DecodesLeadingRows) {
  llvm::Expected<Tensor> first =
      parseNpy(numpyInt16Bytes, "arange.npy", /*maxRows=*/1);
  ASSERT_TRUE(bool(first)) << llvm::toString(first.takeError());
  EXPECT_EQ(first->shape(), llvm::ArrayRef<int64_t>({1, 3}));
  EXPECT_EQ(first->ints(), std::vector<int64_t>({0, 1, 2}));
  llvm::Expected<Tensor> all =
      parseNpy(numpyInt16Bytes, "arange.npy", /*maxRows=*/5);
  ASSERT_TRUE(bool(all)) << llvm::toString(all.takeError());
  EXPECT_EQ(all->shape(), llvm::ArrayRef<int64_t>({2, 3}));
  std::string truncated(numpyInt16Bytes);
  truncated.pop_back();
  llvm::Expected<Tensor> bad = parseNpy(truncated, "arange.npy", 1);
  EXPECT_FALSE(bool(bad));
  llvm::consumeError(bad.takeError());
}

TEST(NpyTest, SerializesLikeNumpy) {
  Tensor tensor(DType::I16, {2, 3});
  for (int64_t i = 0; i < 6; ++i)
    tensor.ints()[i] = i;
  EXPECT_EQ(serializeNpy(tensor), numpyInt16Bytes);
}

TEST(NpyTest, AcceptsHeaderVariants) {
  // Format 2.0 and 3.0 differ from 1.0 only in a 32-bit header length.
  std::string dict =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
  std::string data("\0\0\0\0\0\0\xf0\x3f\0\0\0\0\0\0\0\xc0", 16);
  for (char major : {'\x02', '\x03'}) {
    std::string image = std::string("\x93NUMPY", 6) + major + '\0' +
                        char(dict.size()) + std::string(3, '\0') + dict + data;
    llvm::Expected<Tensor> parsed = parseNpy(image, "v2.npy");
    ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
    EXPECT_EQ(parsed->f64(), std::vector<double>({1.0, -2.0}));
  }

  // Key order, quotes, spacing, native byte order and Python 2 longs vary
  // between writers.
  llvm::Expected<Tensor> parsed = parseNpy(
      npyImage("{\"shape\":(3L,),\"fortran_order\":False,\"descr\":\"=i4\"}",
               StringRef("\1\0\0\0\xff\xff\xff\xff\2\0\0\0", 12)),
      "variant.npy");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->dtype(), DType::I32);
  EXPECT_EQ(parsed->ints(), std::vector<int64_t>({1, -1, 2}));

  // Byte order does not apply to single bytes, and any non-zero byte is true.
  parsed = parseNpy(npyImage("{'descr': '|b1', 'fortran_order': False, "
                             "'shape': (3,)}",
                             StringRef("\0\1\7", 3)),
                    "bool.npy");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->dtype(), DType::I1);
  EXPECT_EQ(parsed->ints(), std::vector<int64_t>({0, 1, 1}));
  parsed = parseNpy(npyImage("{'descr': '>u1', 'fortran_order': False, "
                             "'shape': (1,)}",
                             StringRef("\xff", 1)),
                    "u8.npy");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->ints(), std::vector<int64_t>({255}));
}

TEST(NpyTest, Int48IsWrittenAsInt64) {
  Tensor tensor(DType::I48, {2});
  tensor.ints() = {intMin(DType::I48), intMax(DType::I48)};
  llvm::Expected<Tensor> parsed = parseNpy(serializeNpy(tensor), "i48.npy");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->dtype(), DType::I64);
  EXPECT_EQ(parsed->ints(), tensor.ints());
}

TEST(NpyTest, FileRoundTrip) {
  for (DType type : allDTypes) {
    SCOPED_TRACE(dtypeName(type).str());
    TempFile file("npy");
    Tensor tensor = makeTensor(type, {2, 3, 4});
    ASSERT_FALSE(bool(writeNpy(file.path(), tensor)));
    llvm::Expected<Tensor> read = readNpy(file.path());
    ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
    expectSameTensor(tensor, *read);
  }
}

TEST(NpyErrorTest, BadMagic) {
  std::string image = numpyInt16Bytes;
  image[1] = 'X';
  std::string message = errorText(parseNpy(image, "mnist.npy"));
  EXPECT_NE(message.find("mnist.npy"), std::string::npos) << message;
  EXPECT_NE(message.find("bad magic"), std::string::npos) << message;
  EXPECT_NE(errorText(parseNpy("", "empty.npy")).find("empty.npy: not a .npy"),
            std::string::npos);
}

TEST(NpyErrorTest, UnsupportedVersion) {
  std::string image = numpyInt16Bytes;
  image[6] = '\x04';
  EXPECT_EQ(errorText(parseNpy(image, "mnist.npy")),
            "mnist.npy: unsupported .npy format version 4.0");
}

TEST(NpyErrorTest, BigEndian) {
  std::string message = errorText(parseNpy(
      npyImage("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
               StringRef("\0\0\0\0", 4)),
      "mnist.npy"));
  EXPECT_EQ(message, "mnist.npy: big-endian dtype '>f4' is not supported");
}

TEST(NpyErrorTest, FortranOrder) {
  std::string message = errorText(parseNpy(
      npyImage("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
               StringRef("\0\0\0\0", 4)),
      "mnist.npy"));
  EXPECT_EQ(message, "mnist.npy: Fortran-order arrays are not supported");
}

TEST(NpyErrorTest, UnsupportedDtype) {
  for (StringRef descr : {"<c8", "|O", "<U5", "<u4", "<f2", "|V8", ""}) {
    std::string message = errorText(
        parseNpy(npyImage(("{'descr': '" + descr +
                           "', 'fortran_order': False, 'shape': (1,), }")
                              .str(),
                          StringRef("\0\0\0\0\0\0\0\0", 8)),
                 "mnist.npy"));
    EXPECT_EQ(message, ("mnist.npy: unsupported dtype '" + descr +
                        "' (supported: float32, float64, int8, int16, int32, "
                        "int64, uint8, bool)")
                           .str());
  }
  std::string message = errorText(
      parseNpy(npyImage("{'descr': [('x', '<f4')], 'fortran_order': False, "
                        "'shape': (1,), }"),
               "mnist.npy"));
  EXPECT_EQ(message, "mnist.npy: unsupported structured dtype");
}

TEST(NpyErrorTest, TruncatedData) {
  std::string image = numpyInt16Bytes;
  image.pop_back();
  EXPECT_EQ(errorText(parseNpy(image, "mnist.npy")),
            "mnist.npy: truncated data: shape [2, 3] needs 12 bytes, found 11");
}

TEST(NpyErrorTest, TruncatedHeader) {
  for (size_t length : {7, 9, 40, 127}) {
    std::string message = errorText(
        parseNpy(StringRef(numpyInt16Bytes).take_front(length), "mnist.npy"));
    EXPECT_NE(message.find("mnist.npy: "), std::string::npos) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  }
}

TEST(NpyErrorTest, MalformedHeader) {
  for (StringRef dict :
       {"", "{", "[]", "{'descr': '<f4', 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1 2), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x",
        "{'descr': '<f4', 'fortran_order': False, 'shape': "
        "(99999999999999999999,), }",
        "{'descr: '<f4'}"}) {
    std::string message = errorText(parseNpy(npyImage(dict), "mnist.npy"));
    EXPECT_NE(message.find("mnist.npy: malformed .npy header"),
              std::string::npos)
        << dict.str() << " -> " << message;
  }
  EXPECT_NE(
      errorText(parseNpy(npyImage("{'descr': '<f8', 'fortran_order': False, "
                                  "'shape': (4294967296, 4294967296), }"),
                         "huge.npy"))
          .find("huge.npy: shape [4294967296, 4294967296] is too large"),
      std::string::npos);
}

TEST(NpyErrorTest, MissingFile) {
  std::string path;
  {
    TempFile file("npy");
    path = file.path().str();
  }
  std::string message = errorText(readNpy(path));
  EXPECT_NE(message.find(path + ": cannot read: "), std::string::npos)
      << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

//===----------------------------------------------------------------------===//
// .npz
//===----------------------------------------------------------------------===//

/// np.savez_compressed's layout: deflated members whose local headers carry
/// zip64 extra fields. Holds a = np.arange(6, dtype=np.int16).reshape(2, 3)
/// and b = np.array([0.5, -1, 2], dtype=np.float32).
const char savezCompressedBytes[] =
    "\x50\x4b\x03\x04\x2d\x00\x00\x00\x08\x00\x00\x00\x21\x58\x1a\x4e"
    "\x98\x7e\xff\xff\xff\xff\xff\xff\xff\xff\x05\x00\x14\x00\x61\x2e"
    "\x6e\x70\x79\x01\x00\x10\x00\x8c\x00\x00\x00\x00\x00\x00\x00\x52"
    "\x00\x00\x00\x00\x00\x00\x00\x9b\xec\x17\xea\x1b\x10\xc9\xc8\x50"
    "\xc6\x50\xad\x9e\x92\x5a\x9c\x5c\xa4\x6e\xa5\xa0\x6e\x93\x69\xa4"
    "\xae\xa3\xa0\x9e\x96\x5f\x54\x52\x94\x98\x17\x9f\x5f\x94\x92\x0a"
    "\x12\x77\x4b\xcc\x29\x4e\x05\x8a\x17\x67\x24\x16\xa4\x02\xf9\x1a"
    "\x46\x3a\x0a\xc6\x9a\x3a\x0a\xb5\x0a\x64\x03\x2e\x06\x06\x46\x06"
    "\x26\x06\x66\x06\x16\x06\x56\x06\x00\x50\x4b\x03\x04\x2d\x00\x00"
    "\x00\x08\x00\x00\x00\x21\x58\x27\x33\xe8\x13\xff\xff\xff\xff\xff"
    "\xff\xff\xff\x05\x00\x14\x00\x62\x2e\x6e\x70\x79\x01\x00\x10\x00"
    "\x8c\x00\x00\x00\x00\x00\x00\x00\x4f\x00\x00\x00\x00\x00\x00\x00"
    "\x9b\xec\x17\xea\x1b\x10\xc9\xc8\x50\xc6\x50\xad\x9e\x92\x5a\x9c"
    "\x5c\xa4\x6e\xa5\xa0\x6e\x93\x66\xa2\xae\xa3\xa0\x9e\x96\x5f\x54"
    "\x52\x94\x98\x17\x9f\x5f\x94\x92\x0a\x12\x77\x4b\xcc\x29\x4e\x05"
    "\x8a\x17\x67\x24\x16\xa4\x02\xf9\x1a\xc6\x3a\x9a\x3a\x0a\xb5\x0a"
    "\x14\x00\x2e\x06\x06\x06\x7b\x06\x86\x86\xfd\x40\xda\x01\x00\x50"
    "\x4b\x01\x02\x2d\x03\x2d\x00\x00\x00\x08\x00\x00\x00\x21\x58\x1a"
    "\x4e\x98\x7e\x52\x00\x00\x00\x8c\x00\x00\x00\x05\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00\x61\x2e\x6e"
    "\x70\x79\x50\x4b\x01\x02\x2d\x03\x2d\x00\x00\x00\x08\x00\x00\x00"
    "\x21\x58\x27\x33\xe8\x13\x4f\x00\x00\x00\x8c\x00\x00\x00\x05\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x89\x00\x00\x00"
    "\x62\x2e\x6e\x70\x79\x50\x4b\x05\x06\x00\x00\x00\x00\x02\x00\x02"
    "\x00\x66\x00\x00\x00\x0f\x01\x00\x00\x00\x00";
const StringRef savezCompressed(savezCompressedBytes,
                                sizeof(savezCompressedBytes) - 1);

TEST(NpzTest, RoundTrip) {
  std::vector<std::pair<std::string, Tensor>> arrays = {
      {"weights", makeTensor(DType::F32, {3, 4})},
      {"bias", makeTensor(DType::F64, {4})},
      {"scale", makeTensor(DType::I8, {})},
      {"labels", makeTensor(DType::I64, {5})},
      {"mask", makeTensor(DType::I1, {2, 2, 1, 3})},
      {"a_first_name_after_others", makeTensor(DType::U8, {0})}};
  TempFile file("npz");
  ASSERT_FALSE(bool(writeNpz(file.path(), arrays)));
  auto read = readNpz(file.path());
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  ASSERT_EQ(read->size(), arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    SCOPED_TRACE(arrays[i].first);
    EXPECT_EQ((*read)[i].first, arrays[i].first);
    expectSameTensor(arrays[i].second, (*read)[i].second);
  }
}

TEST(NpzTest, EmptyArchive) {
  TempFile file("npz");
  ASSERT_FALSE(bool(writeNpz(file.path(), {})));
  auto read = readNpz(file.path());
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_TRUE(read->empty());
}

TEST(NpzTest, ReadsCompressedArchive) {
  TempFile file("npz");
  writeBytes(file.path(), savezCompressed);
  auto read = readNpz(file.path());
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].first, "a");
  EXPECT_EQ((*read)[0].second.dtype(), DType::I16);
  EXPECT_EQ((*read)[0].second.shape(), llvm::ArrayRef<int64_t>({2, 3}));
  EXPECT_EQ((*read)[0].second.ints(), std::vector<int64_t>({0, 1, 2, 3, 4, 5}));
  EXPECT_EQ((*read)[1].first, "b");
  EXPECT_EQ((*read)[1].second.f32(), std::vector<float>({0.5f, -1.0f, 2.0f}));
}

/// An archive held in memory reads like one on disk; maxRows keeps the
/// leading entries of each array (of a stored and of a deflated member).
TEST(NpzTest, ParsesInMemoryAndDecodesLeadingRows) {
  auto read = parseNpz(savezCompressed, "mem.npz", /*maxRows=*/1);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].second.shape(), llvm::ArrayRef<int64_t>({1, 3}));
  EXPECT_EQ((*read)[0].second.ints(), std::vector<int64_t>({0, 1, 2}));
  EXPECT_EQ((*read)[1].second.f32(), std::vector<float>({0.5f}));

  // A member far larger than a read chunk, and an empty one.
  Tensor large = makeTensor(DType::F32, {50000, 4});
  TempFile file("npz");
  ASSERT_FALSE(bool(writeNpz(
      file.path(), {{"x", large}, {"empty", makeTensor(DType::I8, {0, 3})}})));
  read = readNpz(file.path(), /*maxRows=*/2);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_EQ((*read)[0].second.shape(), llvm::ArrayRef<int64_t>({2, 4}));
  EXPECT_EQ((*read)[0].second.f32(),
            std::vector<float>(large.f32().begin(), large.f32().begin() + 8));
  EXPECT_EQ((*read)[1].second.shape(), llvm::ArrayRef<int64_t>({0, 3}));
  read = readNpz(file.path());
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  expectSameTensor(large, (*read)[0].second);
}

TEST(NpzErrorTest, MissingFile) {
  std::string path;
  {
    TempFile file("npz");
    path = file.path().str();
  }
  std::string message = errorText(readNpz(path));
  EXPECT_NE(message.find(path + ": cannot open archive: No such file"),
            std::string::npos)
      << message;
}

TEST(NpzErrorTest, CorruptArchive) {
  TempFile file("npz");
  writeBytes(file.path(), "this is not a zip archive");
  std::string message = errorText(readNpz(file.path()));
  EXPECT_NE(
      message.find(file.path().str() + ": cannot open archive: Not a zip"),
      std::string::npos)
      << message;

  // Damage the deflated data of member b.npy so that its CRC fails.
  std::string damaged = savezCompressed.str();
  damaged[0xc0] ^= 0x55;
  writeBytes(file.path(), damaged);
  message = errorText(readNpz(file.path()));
  EXPECT_NE(message.find(file.path().str() + "(b.npy): "), std::string::npos)
      << message;
}

TEST(NpzErrorTest, BadMember) {
  TempFile file("npz");
  std::string truncated = numpyInt16Bytes.substr(0, 130);
  writeZip(file.path(),
           {{"good.npy", numpyInt16Bytes}, {"bad.npy", truncated}});
  EXPECT_EQ(errorText(readNpz(file.path())),
            file.path().str() + "(bad.npy): truncated data: shape [2, 3] "
                                "needs 12 bytes, found 2");
  writeZip(file.path(), {{"notes.txt", "hello"}});
  EXPECT_EQ(errorText(readNpz(file.path())),
            file.path().str() +
                "(notes.txt): archive member is not a .npy file");
}

/// Members are checked against their headers as they decompress, and
/// devices are refused before anything is read.
TEST(NpzErrorTest, MemberSizeAndSource) {
  TempFile file("npz");
  writeZip(file.path(), {{"long.npy", numpyInt16Bytes + "xx"}});
  EXPECT_EQ(errorText(readNpz(file.path())),
            file.path().str() + "(long.npy): the data has 14 bytes but shape "
                                "[2, 3] describes 12 (a wrong header?)");
  writeZip(file.path(), {{"text.npy", "not an array"}});
  EXPECT_EQ(errorText(readNpz(file.path())),
            file.path().str() + "(text.npy): not a .npy file (bad magic)");
  writeZip(file.path(), {{"short.npy", numpyInt16Bytes.substr(0, 40)}});
  EXPECT_EQ(errorText(readNpz(file.path())),
            file.path().str() + "(short.npy): truncated .npy header");
  EXPECT_EQ(errorText(readNpz("/dev/zero")), "/dev/zero: not a regular file");
  EXPECT_EQ(errorText(parseNpz("PK not a zip", "mem.npz")),
            "mem.npz: cannot open archive: Not a zip archive");
}

TEST(NpzErrorTest, DuplicateNames) {
  TempFile file("npz");
  Tensor tensor(DType::F32, {2});
  llvm::Error err = writeNpz(file.path(), {{"x", tensor}, {"x", tensor}});
  std::string message = llvm::toString(std::move(err));
  EXPECT_NE(message.find(file.path().str() + ": cannot add 'x.npy': "),
            std::string::npos)
      << message;
}

} // namespace
