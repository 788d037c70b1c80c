//===- PlanBuffers.cpp - One arena for a function's temporary buffers -----===//
//
// A static memory plan: every statically shaped allocation at the top level
// of a function body gets an offset in one arena, so that buffers whose
// lifetimes do not overlap share memory and a call makes one allocation (or,
// with a global arena, none) instead of one per layer.
//
// Lifetimes are measured in positions of the function's top-level ops: from
// the allocation to the last op that uses the buffer or any value that may
// alias it (BufferViewFlowAnalysis follows views, region arguments and
// results, so a use inside a loop counts at the loop). A buffer that may
// alias a function result, or reaches a call, leaves the plan: its owner is
// outside the function.
//
//===----------------------------------------------------------------------===//

#include "compress/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/Transforms/BufferViewFlowAnalysis.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace compress {
#define GEN_PASS_DEF_PLANBUFFERSPASS
#include "compress/Transforms/Passes.h.inc"
} // namespace compress

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

/// One planned buffer: the allocation, its bytes and its lifetime in
/// top-level op positions, both ends included.
struct PlannedBuffer {
  memref::AllocOp alloc;
  int64_t bytes;
  int64_t first, last;
  int64_t offset = 0;
};

/// Bytes of a statically shaped memref of integers or floats, or nothing.
std::optional<int64_t> staticBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * llvm::divideCeil(bits, 8);
}

/// The buffers of `body` that can be planned, with their lifetimes.
std::vector<PlannedBuffer> collectBuffers(Block &body,
                                          const BufferViewFlowAnalysis &flow) {
  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(body))
    position[&op] = i;
  std::vector<PlannedBuffer> buffers;
  for (Operation &op : body) {
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc || !alloc.getDynamicSizes().empty() ||
        !alloc.getSymbolOperands().empty() ||
        alloc.getType().getMemorySpace())
      continue;
    std::optional<int64_t> bytes = staticBytes(alloc.getType());
    if (!bytes || *bytes == 0)
      continue;
    int64_t last = position[&op];
    bool escapes = false;
    for (Value alias : flow.resolve(alloc.getResult())) {
      for (Operation *user : alias.getUsers()) {
        if (isa<func::ReturnOp, CallOpInterface>(user)) {
          escapes = true;
          break;
        }
        Operation *top = body.findAncestorOpInBlock(*user);
        if (!top) {
          escapes = true;
          break;
        }
        last = std::max(last, position[top]);
      }
      if (escapes)
        break;
    }
    if (!escapes)
      buffers.push_back({alloc, *bytes, position[&op], last});
  }
  return buffers;
}

/// First-fit placement, largest buffers first: each takes the lowest
/// aligned offset clear of every placed buffer whose lifetime overlaps.
/// Returns the arena's size.
int64_t placeBuffers(std::vector<PlannedBuffer> &buffers) {
  std::vector<PlannedBuffer *> order;
  for (PlannedBuffer &buffer : buffers)
    order.push_back(&buffer);
  llvm::stable_sort(order, [](PlannedBuffer *a, PlannedBuffer *b) {
    return a->bytes > b->bytes;
  });
  std::vector<PlannedBuffer *> placed;
  int64_t arenaBytes = 0;
  for (PlannedBuffer *buffer : order) {
    // Byte ranges of the placed buffers alive at the same time, in order.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (PlannedBuffer *other : placed)
      if (other->first <= buffer->last && buffer->first <= other->last)
        busy.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(busy);
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + buffer->bytes <= begin)
        break;
      offset = std::max(offset, int64_t(llvm::alignTo(end, kAlignment)));
    }
    buffer->offset = offset;
    placed.push_back(buffer);
    arenaBytes = std::max(arenaBytes, offset + buffer->bytes);
  }
  return llvm::alignTo(arenaBytes, kAlignment);
}

struct PlanBuffersPass
    : public compress::impl::PlanBuffersPassBase<PlanBuffersPass> {
  using PlanBuffersPassBase::PlanBuffersPassBase;

  void runOnOperation() override {
    if (arena == compress::BufferArena::None)
      return markAllAnalysesPreserved();
    SymbolTable symbols(getOperation());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal())
        planFunction(func, symbols);
  }

  void planFunction(func::FuncOp func, SymbolTable &symbols) {
    if (!func.getBody().hasOneBlock())
      return;
    Block &body = func.getBody().front();
    BufferViewFlowAnalysis flow(func);
    std::vector<PlannedBuffer> buffers = collectBuffers(body, flow);
    // Sharing starts to pay off with two buffers.
    if (buffers.size() < 2)
      return;
    int64_t bytes = placeBuffers(buffers);

    OpBuilder b = OpBuilder::atBlockBegin(&body);
    Location loc = func.getLoc();
    auto arenaType = MemRefType::get({bytes}, b.getI8Type());
    Value base;
    if (arena == compress::BufferArena::Global) {
      OpBuilder moduleBuilder = OpBuilder::atBlockEnd(getOperation().getBody());
      auto global = memref::GlobalOp::create(
          moduleBuilder, loc, (func.getSymName() + "_arena").str(),
          moduleBuilder.getStringAttr("private"), arenaType,
          moduleBuilder.getUnitAttr(), /*constant=*/false,
          moduleBuilder.getI64IntegerAttr(kAlignment));
      symbols.insert(global);
      base = memref::GetGlobalOp::create(b, loc, arenaType,
                                         global.getSymName());
    } else {
      base = memref::AllocOp::create(b, loc, arenaType,
                                     b.getI64IntegerAttr(kAlignment));
    }
    for (PlannedBuffer &buffer : buffers) {
      OpBuilder at(buffer.alloc);
      Value offset =
          arith::ConstantIndexOp::create(at, buffer.alloc.getLoc(),
                                         buffer.offset);
      Value view = memref::ViewOp::create(at, buffer.alloc.getLoc(),
                                          buffer.alloc.getType(), base, offset,
                                          ValueRange{});
      buffer.alloc.getResult().replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
    numPlanned += buffers.size();
    arenaBytes += bytes;
  }
};

} // namespace
