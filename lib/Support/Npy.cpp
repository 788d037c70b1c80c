//===- Npy.cpp - .npy and .npz reading and writing ------------------------===//
//
// The .npy layout follows numpy/lib/format.py; .npz archives are handled with
// libzip.
//
//===----------------------------------------------------------------------===//

#include "compress/Support/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <zip.h>

#include <algorithm>
#include <cassert>

using namespace compress;
using llvm::StringRef;
using llvm::Twine;

namespace {
/// How an element type is spelled in a .npy `descr` (without byte order).
struct NpyType {
  DType type;
  char kind;
  unsigned size;
};

struct NpyHeader {
  StringRef descr;
  bool fortranOrder = false;
  Shape shape;
};
} // namespace

/// Listed in the order used by the "supported:" part of error messages.
static constexpr NpyType npyTypes[] = {
    {DType::F32, 'f', 4}, {DType::F64, 'f', 8}, {DType::I8, 'i', 1},
    {DType::I16, 'i', 2}, {DType::I32, 'i', 4}, {DType::I64, 'i', 8},
    {DType::U8, 'u', 1},  {DType::I1, 'b', 1}};

static constexpr StringRef npyMagic("\x93NUMPY", 6);
/// numpy's ARRAY_ALIGN: data starts at a multiple of this, so files can be
/// memory mapped.
static constexpr size_t npyAlignment = 64;
/// numpy's GROWTH_AXIS_MAX_DIGITS: the header keeps room for the leading
/// dimension to grow to this many digits so it can be rewritten in place.
static constexpr size_t growthAxisMaxDigits = 21;

static llvm::Error fail(StringRef name, const Twine &reason) {
  return llvm::createStringError(name + ": " + reason);
}

//===----------------------------------------------------------------------===//
// Header dictionary
//===----------------------------------------------------------------------===//

/// Skips whitespace and consumes `token` if it comes next.
static bool eat(StringRef &text, StringRef token) {
  text = text.ltrim();
  return text.consume_front(token);
}

/// Consumes a Python string literal without escapes, as repr() writes a
/// dtype string.
static bool parseQuoted(StringRef &text, StringRef &value) {
  text = text.ltrim();
  if (text.empty() || (text.front() != '\'' && text.front() != '"'))
    return false;
  size_t end = text.find(text.front(), 1);
  if (end == StringRef::npos)
    return false;
  value = text.slice(1, end);
  text = text.drop_front(end + 1);
  return true;
}

/// Consumes a tuple of non-negative integers such as `()`, `(3,)` or
/// `(2, 3)`; the `L` suffix of Python 2 longs is accepted too.
static bool parseShape(StringRef &text, Shape &shape) {
  if (!eat(text, "("))
    return false;
  while (!eat(text, ")")) {
    text = text.ltrim();
    uint64_t dim;
    if (text.consumeInteger(10, dim) || dim > uint64_t(INT64_MAX))
      return false;
    eat(text, "L");
    shape.push_back(int64_t(dim));
    if (!eat(text, ","))
      return eat(text, ")");
  }
  return true;
}

/// Parses the dict literal numpy writes, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
static llvm::Error parseHeader(StringRef text, NpyHeader &header,
                               StringRef name) {
  auto malformed = [&](const Twine &what) {
    return fail(name, "malformed .npy header: " + what);
  };
  bool seenDescr = false, seenOrder = false, seenShape = false;
  if (!eat(text, "{"))
    return malformed("expected '{'");
  while (!eat(text, "}")) {
    StringRef key;
    if (!parseQuoted(text, key) || !eat(text, ":"))
      return malformed("expected a quoted key followed by ':'");
    if (key == "descr") {
      if (text.ltrim().starts_with("["))
        return fail(name, "unsupported structured dtype");
      if (!parseQuoted(text, header.descr))
        return malformed("'descr' is not a string");
      seenDescr = true;
    } else if (key == "fortran_order") {
      if (eat(text, "True"))
        header.fortranOrder = true;
      else if (!eat(text, "False"))
        return malformed("'fortran_order' is not True or False");
      seenOrder = true;
    } else if (key == "shape") {
      if (!parseShape(text, header.shape))
        return malformed("'shape' is not a tuple of non-negative integers");
      seenShape = true;
    } else {
      return malformed("unexpected key '" + key + "'");
    }
    if (!eat(text, ",")) {
      if (!eat(text, "}"))
        return malformed("expected ',' or '}'");
      break;
    }
  }
  if (!text.trim().empty())
    return malformed("unexpected text after '}'");
  if (!seenDescr || !seenOrder || !seenShape)
    return malformed("missing 'descr', 'fortran_order' or 'shape'");
  return llvm::Error::success();
}

/// Maps a `descr` such as `<f4` to an element type.
static llvm::Expected<NpyType> resolveDescr(StringRef descr, StringRef name) {
  StringRef code = descr;
  char order = '=';
  if (!code.empty() && StringRef("<>|=").contains(code.front())) {
    order = code.front();
    code = code.drop_front();
  }
  const NpyType *match = llvm::find_if(npyTypes, [&](const NpyType &t) {
    return code.size() == 2 && code[0] == t.kind &&
           code[1] == char('0' + t.size);
  });
  if (match == std::end(npyTypes)) {
    std::string supported;
    for (const NpyType &t : npyTypes)
      supported += (supported.empty() ? "" : ", ") + dtypeName(t.type).str();
    return fail(name, "unsupported dtype '" + descr +
                          "' (supported: " + supported + ")");
  }
  bool bigEndian = order == '>' || (order == '=' && llvm::sys::IsBigEndianHost);
  // Byte order is meaningless for single bytes; numpy treats '>u1' as '|u1'.
  if (bigEndian && match->size > 1)
    return fail(name, "big-endian dtype '" + descr + "' is not supported");
  return *match;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

template <typename Stored, typename Range>
static void encode(const Range &in, std::string &out) {
  size_t offset = out.size();
  out.resize(offset + in.size() * sizeof(Stored));
  for (size_t i = 0, e = in.size(); i != e; ++i)
    llvm::support::endian::write<Stored>(&out[offset + i * sizeof(Stored)],
                                         Stored(in[i]),
                                         llvm::endianness::little);
}

namespace {
/// What a .npy header says: the element type and shape, where the data
/// starts and how many bytes it takes.
struct NpyLayout {
  NpyType type;
  Shape shape;
  size_t dataOffset;
  uint64_t dataBytes;
};
} // namespace

/// Bytes from the start of a .npy image to the end of its header, read from
/// its first 12 bytes; 0 if `bytes` is too short to tell.
static size_t npyHeaderEnd(StringRef bytes) {
  if (bytes.size() < 10)
    return 0;
  if (uint8_t(bytes[6]) == 1)
    return 10 + llvm::support::endian::read<uint16_t>(bytes.data() + 8,
                                                      llvm::endianness::little);
  if (bytes.size() < 12)
    return 0;
  return 12 + size_t(llvm::support::endian::read<uint32_t>(
                  bytes.data() + 8, llvm::endianness::little));
}

/// Validates the magic, version and header of a .npy image; `bytes` must
/// hold at least the whole header (the data may follow or not).
static llvm::Expected<NpyLayout> parseLayout(StringRef bytes, StringRef name) {
  if (!bytes.starts_with(npyMagic))
    return fail(name, "not a .npy file (bad magic)");
  if (bytes.size() < 10)
    return fail(name, "truncated .npy header");
  unsigned major = uint8_t(bytes[6]), minor = uint8_t(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    return fail(name, "unsupported .npy format version " + Twine(major) + "." +
                          Twine(minor));
  // Version 1.0 has a 16-bit header length, later versions a 32-bit one.
  size_t prefix = major == 1 ? 10 : 12;
  size_t headerEnd = npyHeaderEnd(bytes);
  if (headerEnd == 0 || bytes.size() < headerEnd)
    return fail(name, "truncated .npy header");

  NpyHeader header;
  if (llvm::Error err = parseHeader(bytes.slice(prefix, headerEnd), header,
                                    name))
    return err;
  llvm::Expected<NpyType> type = resolveDescr(header.descr, name);
  if (!type)
    return type.takeError();
  if (header.fortranOrder)
    return fail(name, "Fortran-order arrays are not supported");

  int64_t byteCount = type->size;
  for (int64_t dim : header.shape)
    if (llvm::MulOverflow(byteCount, dim, byteCount))
      return fail(name,
                  "shape " + shapeToString(header.shape) + " is too large");
  return NpyLayout{*type, header.shape, headerEnd, uint64_t(byteCount)};
}

/// Checks that an image's data size is what its header describes.
static llvm::Error checkDataSize(const NpyLayout &layout, uint64_t size,
                                 StringRef name) {
  if (size < layout.dataBytes)
    return fail(name, "truncated data: shape " + shapeToString(layout.shape) +
                          " needs " + Twine(layout.dataBytes) +
                          " bytes, found " + Twine(size));
  // numpy writes exactly the data the header describes; more means a
  // header (or its length field) that does not describe the file.
  if (size > layout.dataBytes)
    return fail(name, "the data has " + Twine(size) + " bytes but shape " +
                          shapeToString(layout.shape) + " describes " +
                          Twine(layout.dataBytes) + " (a wrong header?)");
  return llvm::Error::success();
}

/// The shape decoded: `layout.shape` with at most `maxRows` (when not
/// negative) entries along the first axis.
static Shape decodedShape(const NpyLayout &layout, int64_t maxRows) {
  Shape shape = layout.shape;
  if (maxRows >= 0 && !shape.empty() && maxRows < shape.front())
    shape.front() = maxRows;
  return shape;
}

/// Decodes the rows `decodedShape` keeps from `data`, which holds at least
/// their bytes.
static Tensor decodeRows(const NpyLayout &layout, const char *p,
                         int64_t maxRows) {
  return Tensor::decodeLittleEndian(layout.type.type,
                                    decodedShape(layout, maxRows), p);
}

llvm::Expected<Tensor> compress::parseNpy(StringRef bytes, StringRef name,
                                         int64_t maxRows) {
  llvm::Expected<NpyLayout> layout = parseLayout(bytes, name);
  if (!layout)
    return layout.takeError();
  StringRef data = bytes.drop_front(layout->dataOffset);
  if (llvm::Error err = checkDataSize(*layout, data.size(), name))
    return err;
  return decodeRows(*layout, data.data(), maxRows);
}

/// Fails unless `path` is a regular file (devices and pipes could be read
/// without end, /dev/zero); a path that cannot be examined passes, for the
/// reader to report.
static llvm::Error checkRegularFile(StringRef path) {
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file)
    return fail(path, "not a regular file");
  return llvm::Error::success();
}

llvm::Expected<Tensor> compress::readNpy(StringRef path, int64_t maxRows) {
  if (llvm::Error err = checkRegularFile(path))
    return err;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path, maxRows);
}

std::string compress::serializeNpy(const Tensor &tensor) {
  DType stored = tensor.dtype() == DType::I48 ? DType::I64 : tensor.dtype();
  const NpyType &type = *llvm::find_if(
      npyTypes, [&](const NpyType &t) { return t.type == stored; });
  // Only one of the three vectors is in use.
  assert(tensor.f32().size() + tensor.f64().size() + tensor.ints().size() ==
             size_t(numElements(tensor.shape())) &&
         "tensor storage does not match its shape");

  std::string dict;
  llvm::raw_string_ostream os(dict);
  os << "{'descr': '" << (type.size == 1 ? '|' : '<') << type.kind << type.size
     << "', 'fortran_order': False, 'shape': (";
  llvm::interleave(tensor.shape(), os, ", ");
  os << (tensor.rank() == 1 ? ",), }" : "), }");
  if (tensor.rank() > 0)
    os.indent(growthAxisMaxDigits - std::to_string(tensor.dim(0)).size());

  // At least one space of padding, then the newline that ends the header.
  auto dataOffset = [&](size_t prefix) {
    return llvm::alignTo(prefix + dict.size() + 2, npyAlignment);
  };
  bool version2 = dataOffset(10) - 10 > UINT16_MAX;
  size_t prefix = version2 ? 12 : 10, offset = dataOffset(prefix);

  std::string out(npyMagic);
  out.reserve(offset + numElements(tensor.shape()) * type.size);
  out += char(version2 ? 2 : 1);
  out += '\0';
  char length[4];
  llvm::support::endian::write<uint32_t>(length, offset - prefix,
                                         llvm::endianness::little);
  out.append(length, prefix - 8);
  out += dict;
  out.append(offset - out.size() - 1, ' ');
  out += '\n';

  switch (tensor.dtype()) {
  case DType::F32: encode<float>(tensor.f32(), out); break;
  case DType::F64: encode<double>(tensor.f64(), out); break;
  case DType::I1:
  case DType::U8: encode<uint8_t>(tensor.ints(), out); break;
  case DType::I8: encode<int8_t>(tensor.ints(), out); break;
  case DType::I16: encode<int16_t>(tensor.ints(), out); break;
  case DType::I32: encode<int32_t>(tensor.ints(), out); break;
  case DType::I48:
  case DType::I64: encode<int64_t>(tensor.ints(), out); break;
  }
  return out;
}

/// Replaces the file at `path` atomically with `bytes`.
static llvm::Error writeFile(StringRef path, StringRef bytes) {
  llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << bytes;
    return llvm::Error::success();
  });
  if (err)
    return fail(path, "cannot write: " +
                          llvm::errorToErrorCode(std::move(err)).message());
  return llvm::Error::success();
}

llvm::Error compress::writeNpy(StringRef path, const Tensor &tensor) {
  return writeFile(path, serializeNpy(tensor));
}

//===----------------------------------------------------------------------===//
// .npz
//===----------------------------------------------------------------------===//

static std::string zipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

/// Decodes archive member `index`, a .npy image, while it is decompressed:
/// only the header and the rows kept (`maxRows`) are held in memory, and
/// the member's size is checked against its header as it streams, so a
/// member that decompresses to more than its header describes fails as
/// soon as it passes that size.
static llvm::Expected<Tensor> readMember(zip_t *archive, zip_uint64_t index,
                                         StringRef name, int64_t maxRows) {
  zip_file_t *file = zip_fopen_index(archive, index, 0);
  if (!file)
    return fail(name, Twine("cannot open member: ") + zip_strerror(archive));
  llvm::scope_exit closeFile([&] { zip_fclose(file); });
  char chunk[1 << 16];
  // Reads a chunk of the member, counts it and appends it to `kept` as far
  // as `kept` stays within `limit` bytes; false at the end of the member.
  std::string kept;
  uint64_t total = 0;
  auto readChunk = [&](uint64_t limit) -> llvm::Expected<bool> {
    zip_int64_t n = zip_fread(file, chunk, sizeof(chunk));
    if (n < 0)
      return fail(name, Twine("cannot read member: ") + zip_file_strerror(file));
    if (n == 0)
      return false;
    if (kept.size() < limit)
      kept.append(chunk, std::min<uint64_t>(uint64_t(n), limit - kept.size()));
    total += uint64_t(n);
    return true;
  };

  // The header first (its first 12 bytes give its length), unless the
  // member does not even start like a .npy image.
  size_t headerEnd = 0;
  while (headerEnd == 0 || kept.size() < headerEnd) {
    llvm::Expected<bool> more = readChunk(UINT64_MAX);
    if (!more)
      return more.takeError();
    if (!*more || (kept.size() >= npyMagic.size() &&
                   !StringRef(kept).starts_with(npyMagic)))
      break;
    headerEnd = npyHeaderEnd(kept);
  }
  llvm::Expected<NpyLayout> layout = parseLayout(kept, name);
  if (!layout)
    return layout.takeError();

  // Then the rows kept, and the rest only counted.
  uint64_t rowBytes = 0, keptBytes = layout->dataBytes;
  if (!layout->shape.empty() && layout->shape.front() > 0)
    rowBytes = layout->dataBytes / uint64_t(layout->shape.front());
  if (!layout->shape.empty())
    keptBytes = rowBytes * uint64_t(decodedShape(*layout, maxRows).front());
  uint64_t limit = layout->dataOffset + keptBytes;
  kept.reserve(std::min<uint64_t>(limit, uint64_t(1) << 30));
  while (total <= layout->dataOffset + layout->dataBytes) {
    llvm::Expected<bool> more = readChunk(limit);
    if (!more)
      return more.takeError();
    if (!*more)
      break;
  }
  if (llvm::Error err =
          checkDataSize(*layout, total - layout->dataOffset, name))
    return err;
  return decodeRows(*layout, kept.data() + layout->dataOffset, maxRows);
}

/// The arrays of an open archive (discarded on return).
static llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
readArchive(zip_t *archive, StringRef name, int64_t maxRows) {
  llvm::scope_exit closeArchive([&] { zip_discard(archive); });
  std::vector<std::pair<std::string, Tensor>> arrays;
  zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char *memberName = zip_get_name(archive, i, 0);
    if (!memberName)
      return fail(name, zip_strerror(archive));
    StringRef member(memberName);
    // Error messages name members the way archivers do: `archive(member)`.
    std::string memberPath = (name + "(" + member + ")").str();
    if (!member.ends_with(".npy"))
      return fail(memberPath, "archive member is not a .npy file");
    llvm::Expected<Tensor> tensor = readMember(archive, i, memberPath, maxRows);
    if (!tensor)
      return tensor.takeError();
    arrays.emplace_back(member.drop_back(4).str(), std::move(*tensor));
  }
  return arrays;
}

llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
compress::parseNpz(StringRef bytes, StringRef name, int64_t maxRows) {
  zip_error_t error;
  zip_error_init(&error);
  llvm::scope_exit finishError([&] { zip_error_fini(&error); });
  zip_source_t *source =
      zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source)
    return fail(name, Twine("cannot open archive: ") +
                          zip_error_strerror(&error));
  zip_t *archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!archive) {
    zip_source_free(source);
    return fail(name, Twine("cannot open archive: ") +
                          zip_error_strerror(&error));
  }
  return readArchive(archive, name, maxRows);
}

llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
compress::readNpz(StringRef path, int64_t maxRows) {
  if (llvm::Error err = checkRegularFile(path))
    return err;
  int code = 0;
  zip_t *archive = zip_open(path.str().c_str(), ZIP_RDONLY, &code);
  if (!archive)
    return fail(path, "cannot open archive: " + zipErrorText(code));
  return readArchive(archive, path, maxRows);
}

llvm::Error
compress::writeNpz(StringRef path,
                   llvm::ArrayRef<std::pair<std::string, Tensor>> arrays) {
  // libzip deletes an archive left without members instead of writing one,
  // so write the lone end-of-central-directory record np.savez() produces.
  if (arrays.empty())
    return writeFile(path, "PK\x05\x06" + std::string(18, '\0'));

  int code = 0;
  zip_t *archive =
      zip_open(path.str().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!archive)
    return fail(path, "cannot create archive: " + zipErrorText(code));
  auto abandon = [&](const Twine &reason) {
    llvm::Error err = fail(path, reason + zip_strerror(archive));
    zip_discard(archive);
    return err;
  };
  // libzip reads the sources only in zip_close(), so every image has to live
  // until then.
  std::vector<std::string> images(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    images[i] = serializeNpy(arrays[i].second);
    std::string member = arrays[i].first + ".npy";
    zip_source_t *source =
        zip_source_buffer(archive, images[i].data(), images[i].size(), 0);
    if (!source)
      return abandon("cannot add '" + member + "': ");
    zip_int64_t index =
        zip_file_add(archive, member.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      return abandon("cannot add '" + member + "': ");
    }
    if (zip_set_file_compression(archive, index, ZIP_CM_STORE, 0) != 0)
      return abandon("cannot store '" + member + "': ");
  }
  if (zip_close(archive) != 0)
    return abandon("cannot write archive: ");
  return llvm::Error::success();
}
