//===- QIntToX86.cpp - qint kernels as AVX-512 VNNI code ------------------===//
//
// Lowers `qint.conv2d`, `qint.depthwise_conv2d` and `qint.matmul` (i8
// activations, constant weights, i32 accumulators), fused with the
// `qint.requantize` and residual `qint.add` that follow them, to loops of
// vector code around `vpdpbusd`. This file holds the pass; KernelMatching
// reads ops into a KernelSpec, KernelEmitter and the *Kernel files emit it.
//
// Why this shape: the CPU's int8 dot product (`vpdpbusd`, 64 u8 x s8
// products summed in groups of four into 16 i32 lanes) only pays off when
// the four reduction bytes of 16 output channels sit in one 64-byte vector
// and each activation quadruple is broadcast to all lanes. So weights are
// repacked at compile time to `[O/16][KH][KW][C/4][16][4]`, activations stay
// NHWC (four consecutive channels are one 32-bit broadcast), and a tile of
// XB output pixels x OB blocks of 16 channels is accumulated in registers
// (XB * OB <= 24 of the 32 zmm registers). `vpdpbusd` wraps in i32 exactly
// as qint's i32 accumulator does, so the result equals the reference
// evaluator's bit for bit; the unsigned operand is the activation shifted
// by 128, whose correction, like the input zero point's, is a per-channel
// constant folded into the bias.
//
// The code is emitted on buffers inside the tensor program
// (`bufferization.to_buffer` of the input, `bufferization.to_tensor` of the
// result) so that one-shot bufferization and the rest of
// compress-lower-to-llvm treat it like any other op.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToX86/QIntToX86.h"

#include "KernelEmitter.h"

#include "compress/Dialect/QInt/IR/QInt.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/TargetParser/Host.h"

namespace compress {
#define GEN_PASS_DEF_CONVERTQINTTOX86PASS
#include "compress/Conversion/Passes.h.inc"
} // namespace compress

using namespace mlir;
using namespace compress;
using namespace compress::qint;
using namespace compress::x86;

static constexpr llvm::StringLiteral kRequiredFeatures[] = {
    "avx512f", "avx512bw", "avx512vnni"};

ArrayRef<StringRef> compress::getQIntToX86RequiredFeatures() {
  static const SmallVector<StringRef> features(std::begin(kRequiredFeatures),
                                               std::end(kRequiredFeatures));
  return features;
}

bool compress::hostSupportsQIntToX86() {
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  return llvm::all_of(kRequiredFeatures, [&](StringRef feature) {
    return host.lookup(feature);
  });
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {

/// The name of `vpdpbusd`'s LLVM intrinsic. The kernels call it as a
/// function declared under that name, which is how LLVM IR declares
/// intrinsics: the translation to LLVM IR yields the intrinsic itself, with
/// its attributes (`memory(none)`). `llvm.call_intrinsic` would say the same
/// but has unknown memory effects, which compress-lower-to-llvm's
/// ownership-based buffer deallocation rejects.
constexpr llvm::StringLiteral kDotProduct = "llvm.x86.avx512.vpdpbusd.512";

struct ConvertQIntToX86Pass
    : public compress::impl::ConvertQIntToX86PassBase<ConvertQIntToX86Pass> {
  using ConvertQIntToX86PassBase::ConvertQIntToX86PassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (sparseKernels < 0) {
      module.emitError("convert-qint-to-x86: sparse-kernels must be at "
                       "least 0, got ")
          << int64_t(sparseKernels);
      return signalPassFailure();
    }
    // Matched one at a time, as the kernels before them have replaced their
    // inputs.
    SmallVector<Operation *> candidates;
    module.walk([&](Operation *op) {
      if (isa<Conv2DOp, DepthwiseConv2DOp, MatmulOp>(op))
        candidates.push_back(op);
    });
    func::FuncOp dotProduct;
    // Weights shared by several kernels are listed once.
    llvm::SetVector<Operation *> weights;
    for (Operation *op : candidates) {
      std::optional<KernelSpec> spec = matchKernel(op);
      if (!spec)
        continue;
      spec->sparse = useSparseKernel(*spec, sparseKernels);
      if (!dotProduct)
        dotProduct = getDotProductDeclaration(module);
      if (auto w = op->getOperand(1).getDefiningOp<WeightsOp>())
        weights.insert(w);
      ImplicitLocOpBuilder b(spec->root->getLoc(), spec->root);
      Value result = KernelEmitter(b, *spec, dotProduct).emit();
      spec->root->getResult(0).replaceAllUsesWith(result);
      for (Operation *replaced : llvm::reverse(spec->replaced))
        replaced->erase();
      ++numKernels;
      numSparseKernels += spec->sparse;
      numFusedRequantize += spec->requantize.has_value();
      numFusedAdd += spec->add.has_value();
    }
    // The packed copies replace the weights that only the kernels read.
    for (Operation *w : weights)
      if (w->use_empty())
        w->erase();
  }

  static func::FuncOp getDotProductDeclaration(ModuleOp module) {
    if (auto existing = module.lookupSymbol<func::FuncOp>(kDotProduct))
      return existing;
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto acc = VectorType::get({kLanes}, b.getI32Type());
    auto bytes = VectorType::get({kLanes * kGroup}, b.getI8Type());
    auto decl = func::FuncOp::create(
        b, module.getLoc(), kDotProduct,
        b.getFunctionType({acc, bytes, bytes}, {acc}));
    decl.setPrivate();
    return decl;
  }
};

} // namespace

