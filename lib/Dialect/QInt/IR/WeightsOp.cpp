//===- WeightsOp.cpp - qint.weights: layouts, verifier, storage -----------===//
//
// The storage side of `qint.weights`: decoding its dense, packed and sparse
// layouts, the verifier that checks them, and the choice of the smallest
// layout that compress-pack-weights and the quantizer's byte counts share.
// Its range inference is with the other ops' in QIntOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Dialect/QInt/Utils/WeightPacking.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace compress;
using namespace compress::qint;

//===----------------------------------------------------------------------===//
// WeightsOp
//===----------------------------------------------------------------------===//

std::pair<int64_t, int64_t> WeightsOp::getValueBounds() {
  int64_t bits = getBitsAttr().getInt();
  if (!getIsSigned())
    return {0, (int64_t(1) << bits) - 1};
  if (bits == 1)
    return {-1, 1};
  int64_t hi = (int64_t(1) << (bits - 1)) - 1;
  return {-hi, hi};
}

/// The elements of an i8 attribute, unless it cannot be read element by
/// element (resource-backed attributes such as dense_resource).
static std::optional<std::vector<int8_t>> readInt8s(ElementsAttr attr) {
  // Dense i8 data is one byte per element: copied at once, as weights as
  // large as a model's are read by every verification.
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr);
      dense && dense.getElementType().isInteger(8)) {
    if (dense.isSplat())
      return std::vector<int8_t>(dense.getNumElements(),
                                 dense.getSplatValue<int8_t>());
    ArrayRef<char> raw = dense.getRawData();
    return std::vector<int8_t>(raw.begin(), raw.end());
  }
  auto values = attr.tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  std::vector<int8_t> result;
  result.reserve(attr.getNumElements());
  for (const APInt &v : *values)
    result.push_back(int8_t(v.getSExtValue()));
  return result;
}

int64_t WeightsOp::getNumWeights() {
  return getResult().getType().getNumElements();
}

/// An i8 attribute's elements as bytes (see readInt8s).
static std::optional<std::vector<uint8_t>> readBytes(ElementsAttr attr) {
  std::optional<std::vector<int8_t>> values = readInt8s(attr);
  if (!values)
    return std::nullopt;
  return std::vector<uint8_t>(values->begin(), values->end());
}

SmallVector<int64_t> WeightsOp::getBlockShape() {
  if (std::optional<ArrayRef<int64_t>> block = getBlock())
    return SmallVector<int64_t>(*block);
  return SmallVector<int64_t>(getResult().getType().getRank(), 1);
}

std::vector<int8_t> WeightsOp::getUnpackedValues() {
  if (getLayout() == WeightLayout::dense) {
    std::optional<std::vector<int8_t>> values = readInt8s(getValues());
    assert(values && "checked by the verifier");
    return std::move(*values);
  }
  std::optional<std::vector<uint8_t>> stored = readBytes(getValues());
  assert(stored && "checked by the verifier");
  int64_t bits = getBitsAttr().getInt();
  switch (getLayout()) {
  case WeightLayout::dense:
    break;
  case WeightLayout::packed:
    return unpackWeights(*stored, getNumWeights(), bits, getIsSigned());
  case WeightLayout::sparse: {
    std::optional<std::vector<uint8_t>> mask = readBytes(*getMask());
    assert(mask && "checked by the verifier");
    WeightBlocks blocks(getResult().getType().getShape(), getBlockShape());
    return decodeSparseWeights(*mask, *stored, blocks, bits, getIsSigned());
  }
  }
  llvm_unreachable("unknown weight layout");
}

int64_t WeightsOp::getStorageBytes() {
  int64_t bytes = cast<ShapedType>(getValues().getType()).getNumElements() +
                  4 * int64_t(getScales().size());
  if (ElementsAttr mask = getMaskAttr())
    bytes += mask.getNumElements();
  return bytes;
}

/// Checks that an LSB-first bitstream of `usedBits` bits in `bytes` leaves
/// the unused high bits of its last byte zero.
static LogicalResult verifyStreamEnd(WeightsOp op, StringRef name,
                                     ArrayRef<uint8_t> bytes,
                                     int64_t usedBits) {
  int64_t lastBits = usedBits % 8;
  if (lastBits && !bytes.empty() && (bytes.back() >> lastBits) != 0)
    return op.emitOpError() << name << " must leave the " << 8 - lastBits
                            << " unused high bits of the last byte zero";
  return success();
}

/// Checks the storage of packed weights: byte count and padding bits.
static LogicalResult verifyPackedStorage(WeightsOp op, ShapedType valuesType,
                                         ArrayRef<int8_t> bytes) {
  int64_t bits = op.getBitsAttr().getInt();
  if (bits == 8)
    return op.emitOpError("packed layout needs fewer than 8 bits; 8-bit "
                          "weights are stored dense");
  auto type = op.getResult().getType();
  if (!type.hasStaticShape())
    return op.emitOpError("packed layout needs a static result shape");
  int64_t count = type.getNumElements();
  int64_t expected = getPackedByteCount(count, bits);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != expected)
    return op.emitOpError() << "packed layout expects values of type tensor<"
                            << expected << "xi8> (" << count << " fields of "
                            << bits << " bits), got " << valuesType;
  return verifyStreamEnd(op, "packed values",
                         ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(
                                               bytes.data()),
                                           bytes.size()),
                         count * bits);
}

/// Checks the storage of sparse weights: block shape, mask and value bytes.
static LogicalResult verifySparseStorage(WeightsOp op, ShapedType valuesType,
                                         ArrayRef<uint8_t> bytes) {
  auto type = op.getResult().getType();
  int64_t bits = op.getBitsAttr().getInt();
  if (!type.hasStaticShape())
    return op.emitOpError("sparse layout needs a static result shape");
  if (op.getIsSigned() && bits == 1)
    return op.emitOpError("sparse layout cannot hold binary weights, which "
                          "have no zero");
  SmallVector<int64_t> block = op.getBlockShape();
  if (int64_t(block.size()) != type.getRank() ||
      llvm::any_of(block, [](int64_t b) { return b < 1; }))
    return op.emitOpError() << "block needs " << type.getRank()
                            << " positive extents, one per dimension";
  ElementsAttr maskAttr = op.getMaskAttr();
  if (!maskAttr)
    return op.emitOpError("sparse layout needs a mask");
  std::optional<std::vector<uint8_t>> mask = readBytes(maskAttr);
  WeightBlocks blocks(type.getShape(), block);
  int64_t numBlocks = blocks.getNumBlocks();
  auto maskType = cast<ShapedType>(maskAttr.getType());
  if (!mask || !maskType.getElementType().isInteger(8) ||
      maskType.getRank() != 1 ||
      maskType.getDimSize(0) != getPackedByteCount(numBlocks, 1))
    return op.emitOpError() << "sparse layout expects a mask of type tensor<"
                            << getPackedByteCount(numBlocks, 1)
                            << "xi8> (one bit per block, " << numBlocks
                            << " blocks), got " << maskAttr.getType();
  if (failed(verifyStreamEnd(op, "mask", *mask, numBlocks)))
    return failure();
  int64_t kept = countKeptWeights(*mask, blocks);
  int64_t expected = getPackedByteCount(kept, bits);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != expected)
    return op.emitOpError() << "sparse layout expects values of type tensor<"
                            << expected << "xi8> (" << kept
                            << " kept weights of " << bits << " bits), got "
                            << valuesType;
  return verifyStreamEnd(op, "sparse values", bytes, kept * bits);
}

LogicalResult WeightsOp::verify() {
  auto type = getResult().getType();
  auto valuesType = cast<ShapedType>(getValues().getType());
  WeightLayout layout = getLayout();
  bool packed = layout == WeightLayout::packed;
  bool sparse = layout == WeightLayout::sparse;
  if (!sparse && (getMaskAttr() || getBlockAttr()))
    return emitOpError("mask and block belong to the sparse layout");
  if (layout == WeightLayout::dense &&
      valuesType.getShape() != type.getShape())
    return emitOpError("values shape does not match the result type");
  if (!valuesType.getElementType().isInteger(8))
    return emitOpError("values must be i8");
  // The values are checked (and read by the evaluator) element by element,
  // which resource-backed attributes such as dense_resource do not allow.
  std::optional<std::vector<int8_t>> stored = readInt8s(getValues());
  if (!stored)
    return emitOpError("values must be readable element by element, as "
                       "dense<...> is");
  if (!getIsSigned() && getBitsAttr().getInt() > 7)
    return emitOpError("unsigned weights need at most 7 bits in i8 storage");
  if (packed && failed(verifyPackedStorage(*this, valuesType, *stored)))
    return failure();
  if (sparse &&
      failed(verifySparseStorage(
          *this, valuesType,
          std::vector<uint8_t>(stored->begin(), stored->end()))))
    return failure();
  int64_t axis = getAxisAttr().getInt();
  if (axis < 0 || axis >= type.getRank())
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << type.getRank();
  if (int64_t(getScales().size()) != type.getDimSize(axis))
    return emitOpError() << "expects " << type.getDimSize(axis)
                         << " scales (one per slice along axis " << axis
                         << "), got " << getScales().size();
  for (float s : getScales())
    if (!(s > 0.0f) || !std::isfinite(s))
      return emitOpError("scales must be positive and finite");
  auto [lo, hi] = getValueBounds();
  bool binary = getIsSigned() && getBitsAttr().getInt() == 1;
  // A packed signed field can hold -2^(bits-1), outside the narrow range.
  std::vector<int8_t> values =
      layout == WeightLayout::dense ? *stored : getUnpackedValues();
  for (int64_t index = 0, e = values.size(); index < e; ++index) {
    int64_t x = values[index];
    if (x < lo || x > hi || (binary && x == 0))
      return emitOpError() << "value " << x << " at flat index " << index
                           << " does not fit " << getBitsAttr().getInt() << "-bit "
                           << (getIsSigned() ? "signed" : "unsigned")
                           << " weights";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Weight storage
//===----------------------------------------------------------------------===//

/// The bytes of the values and mask of `values` stored sparse in blocks:
/// one pass over the values, without WeightBlocks' element order.
static int64_t getSparseBytes(ArrayRef<int8_t> values, ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> block, int64_t bits) {
  int64_t count = values.size();
  if (llvm::all_of(block, [](int64_t b) { return b == 1; }))
    return getPackedByteCount(count, 1) +
           getPackedByteCount(count - llvm::count(values, 0), bits);
  // Each block's size and whether it holds a nonzero.
  int64_t numBlocks = getNumBlocks(shape, block);
  std::vector<int32_t> sizes(numBlocks, 0);
  std::vector<uint8_t> nonzero(numBlocks, 0);
  forEachElementBlock(shape, block, [&](int64_t e, int64_t b) {
    ++sizes[b];
    nonzero[b] |= values[e] != 0;
  });
  int64_t kept = 0;
  for (int64_t b = 0; b < numBlocks; ++b)
    kept += nonzero[b] ? sizes[b] : 0;
  return getPackedByteCount(numBlocks, 1) + getPackedByteCount(kept, bits);
}

WeightStorage compress::qint::chooseWeightStorage(
    ArrayRef<int8_t> values, ArrayRef<int64_t> shape, int64_t bits,
    bool isSigned, std::optional<int64_t> reductionAxis, bool trySparse) {
  int64_t count = values.size();
  WeightStorage best{WeightLayout::dense, {}, count};
  if (bits < 8)
    best = {WeightLayout::packed, {}, getPackedByteCount(count, bits)};
  if (!trySparse || (isSigned && bits == 1))
    return best;
  // No sparse layout stores fewer than a mask bit per 4 weights and every
  // nonzero weight: most quantized layers that were not pruned end here.
  int64_t nonzero = count - llvm::count(values, 0);
  if (getPackedByteCount(count, 1) / 4 + getPackedByteCount(nonzero, bits) >=
      best.bytes)
    return best;
  SmallVector<SmallVector<int64_t>> blocks;
  if (reductionAxis && *reductionAxis >= 0 &&
      *reductionAxis < int64_t(shape.size())) {
    SmallVector<int64_t> block(shape.size(), 1);
    block[*reductionAxis] = 4;
    blocks.push_back(block);
  }
  blocks.push_back(SmallVector<int64_t>(shape.size(), 1));
  for (const SmallVector<int64_t> &block : blocks) {
    int64_t bytes = getSparseBytes(values, shape, block, bits);
    if (bytes < best.bytes)
      best = {WeightLayout::sparse, block, bytes};
  }
  return best;
}

std::optional<int64_t> compress::qint::getWeightReductionAxis(Operation *op) {
  if (isa<Conv2DOp>(op))
    return cast<ShapedType>(op->getOperand(1).getType()).getRank() - 1;
  if (isa<MatmulOp>(op))
    return cast<ShapedType>(op->getOperand(1).getType()).getRank() - 2;
  return std::nullopt;
}
