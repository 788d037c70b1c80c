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

template <typename Stored, typename Out>
static void decode(const char *data, std::vector<Out> &out) {
  for (size_t i = 0, e = out.size(); i != e; ++i)
    out[i] = Out(llvm::support::endian::read<Stored>(data + i * sizeof(Stored),
                                                     llvm::endianness::little));
}

template <typename Stored, typename In>
static void encode(const std::vector<In> &in, std::string &out) {
  size_t offset = out.size();
  out.resize(offset + in.size() * sizeof(Stored));
  for (size_t i = 0, e = in.size(); i != e; ++i)
    llvm::support::endian::write<Stored>(&out[offset + i * sizeof(Stored)],
                                         Stored(in[i]),
                                         llvm::endianness::little);
}

llvm::Expected<Tensor> compress::parseNpy(StringRef bytes, StringRef name,
                                         int64_t maxRows) {
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
  if (bytes.size() < prefix)
    return fail(name, "truncated .npy header");
  uint64_t headerLength = major == 1
                              ? llvm::support::endian::read<uint16_t>(
                                    bytes.data() + 8, llvm::endianness::little)
                              : llvm::support::endian::read<uint32_t>(
                                    bytes.data() + 8, llvm::endianness::little);
  if (bytes.size() - prefix < headerLength)
    return fail(name, "truncated .npy header");

  NpyHeader header;
  if (llvm::Error err =
          parseHeader(bytes.substr(prefix, headerLength), header, name))
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
  StringRef data = bytes.drop_front(prefix + headerLength);
  if (data.size() < uint64_t(byteCount))
    return fail(name, "truncated data: shape " + shapeToString(header.shape) +
                          " needs " + Twine(byteCount) + " bytes, found " +
                          Twine(data.size()));
  // numpy writes exactly the data the header describes; more means a
  // header (or its length field) that does not describe the file.
  if (data.size() > uint64_t(byteCount))
    return fail(name, "the data has " + Twine(data.size()) +
                          " bytes but shape " + shapeToString(header.shape) +
                          " describes " + Twine(byteCount) +
                          " (a wrong header?)");

  Shape shape = header.shape;
  if (maxRows >= 0 && !shape.empty() && maxRows < shape.front())
    shape.front() = maxRows;
  Tensor tensor(type->type, shape);
  const char *p = data.data();
  switch (type->type) {
  case DType::F32: decode<float>(p, tensor.f32()); break;
  case DType::F64: decode<double>(p, tensor.f64()); break;
  case DType::I1:
    for (size_t i = 0, e = tensor.ints().size(); i != e; ++i)
      tensor.ints()[i] = p[i] != 0;
    break;
  case DType::I8: decode<int8_t>(p, tensor.ints()); break;
  case DType::I16: decode<int16_t>(p, tensor.ints()); break;
  case DType::I32: decode<int32_t>(p, tensor.ints()); break;
  case DType::I64: decode<int64_t>(p, tensor.ints()); break;
  case DType::U8: decode<uint8_t>(p, tensor.ints()); break;
  case DType::I48: llvm_unreachable("no .npy dtype maps to int48");
  }
  return tensor;
}

llvm::Expected<Tensor> compress::readNpy(StringRef path, int64_t maxRows) {
  // Devices and pipes could be read without end (/dev/zero).
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return fail(path, "cannot read: " + ec.message());
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return fail(path, "not a regular file");
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

/// Reads the uncompressed bytes of archive member `index`.
static llvm::Error readMember(zip_t *archive, zip_uint64_t index,
                              StringRef name, std::string &bytes) {
  zip_stat_t stat;
  // The size is only a hint: a corrupt archive may claim anything.
  if (zip_stat_index(archive, index, 0, &stat) == 0 &&
      (stat.valid & ZIP_STAT_SIZE))
    bytes.reserve(std::min<zip_uint64_t>(stat.size, zip_uint64_t(1) << 30));
  zip_file_t *file = zip_fopen_index(archive, index, 0);
  if (!file)
    return fail(name, Twine("cannot open member: ") + zip_strerror(archive));
  llvm::scope_exit closeFile([&] { zip_fclose(file); });
  char chunk[1 << 16];
  zip_int64_t n;
  while ((n = zip_fread(file, chunk, sizeof(chunk))) > 0)
    bytes.append(chunk, size_t(n));
  if (n < 0)
    return fail(name, Twine("cannot read member: ") + zip_file_strerror(file));
  return llvm::Error::success();
}

llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
compress::readNpz(StringRef path) {
  int code = 0;
  zip_t *archive = zip_open(path.str().c_str(), ZIP_RDONLY, &code);
  if (!archive)
    return fail(path, "cannot open archive: " + zipErrorText(code));
  llvm::scope_exit closeArchive([&] { zip_discard(archive); });

  std::vector<std::pair<std::string, Tensor>> arrays;
  zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char *memberName = zip_get_name(archive, i, 0);
    if (!memberName)
      return fail(path, zip_strerror(archive));
    StringRef member(memberName);
    // Error messages name members the way archivers do: `archive(member)`.
    std::string name = (path + "(" + member + ")").str();
    if (!member.ends_with(".npy"))
      return fail(name, "archive member is not a .npy file");
    std::string bytes;
    if (llvm::Error err = readMember(archive, i, name, bytes))
      return err;
    llvm::Expected<Tensor> tensor = parseNpy(bytes, name);
    if (!tensor)
      return tensor.takeError();
    arrays.emplace_back(member.drop_back(4).str(), std::move(*tensor));
  }
  return arrays;
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
