//===- KernelBench.cpp - VNNI kernels against oneDNN ----------------------===//
//
// Throughput of compress's int8 kernels (convert-qint-to-x86, JIT-compiled
// for this CPU) against oneDNN's int8 primitives in the same process, one
// thread, batch 1:
//
// - the CPU's measured `vpdpbusd` peak (a JIT-compiled loop of independent
//   dot products), against which every kernel's GMAC/s is also given;
// - every convolution shape of ResNet-20: qint.conv2d + per-channel
//   qint.requantize to i8, against oneDNN's convolution (u8 x s8 -> s8, NHWC,
//   per-channel output scales), and two wider convolutions whose weights
//   overflow the L1 cache;
// - GEMM 256x1024x1024 and GEMV 1x4096x4096 (int8, and int4 packed
//   weights), against oneDNN's matmul (u8 x s8 -> s8);
// - the sparse kernel on weights with 50%, 75% and 90% of their 1x4 blocks
//   (along the reduction) zero, against the dense kernel of the same shape
//   (two ResNet-20 convolutions and the GEMM).
//
// Both sides get their weights in their preferred layout ahead of time and
// produce i8 outputs; each figure is the median of repeated calls.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/QIntToX86/QIntToX86.h"
#include "compress/InitAll.h"
#include "compress/Runtime/ModelRunner.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

// oneDNN reports errors by exceptions, which this build disables.
#define DNNL_THROW_ERROR(status, msg)                                          \
  do {                                                                         \
    llvm::errs() << "oneDNN error " << int(status) << ": " << (msg) << "\n";   \
    std::abort();                                                              \
  } while (0)
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>

using namespace mlir;
using namespace compress;
namespace cl = llvm::cl;

static cl::opt<double> minSeconds("min-seconds",
                                  cl::desc("Time spent per kernel and side"),
                                  cl::init(0.3));
static cl::opt<bool> onlySparse("only-sparse",
                                cl::desc("Measure only the sparse kernels "
                                         "against the dense ones"),
                                cl::init(false));
static cl::opt<bool> skipGemv("skip-gemv",
                              cl::desc("Leave out the 4096x4096 GEMVs (their "
                                       "16 MB of weights take a while to "
                                       "compile)"),
                              cl::init(false));
static cl::opt<std::string>
    dumpSources("dump-sources",
                cl::desc("Write each compress kernel's qint source to this "
                         "directory (e.g. to inspect its code with "
                         "compress-aot and objdump)"),
                cl::value_desc("dir"));

namespace {

using Clock = std::chrono::steady_clock;

/// Median seconds of one call of `fn`, over repeated calls for at least
/// --min-seconds after a warm-up.
double medianSeconds(const std::function<void()> &fn) {
  for (int i = 0; i < 3; ++i)
    fn();
  std::vector<double> times;
  auto begin = Clock::now();
  while (times.size() < 5 ||
         std::chrono::duration<double>(Clock::now() - begin).count() <
             minSeconds) {
    auto start = Clock::now();
    fn();
    times.push_back(
        std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2,
                   times.end());
  return times[times.size() / 2];
}

/// Median seconds of one call of `a` and of `b`, timed in alternation so
/// that both see the same machine (a shared core's speed drifts).
std::pair<double, double> medianSecondsBoth(const std::function<void()> &a,
                                            const std::function<void()> &b) {
  for (int i = 0; i < 3; ++i) {
    a();
    b();
  }
  std::vector<double> ta, tb;
  auto time = [](const std::function<void()> &fn) {
    auto start = Clock::now();
    fn();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  auto begin = Clock::now();
  while (ta.size() < 5 ||
         std::chrono::duration<double>(Clock::now() - begin).count() <
             2 * minSeconds) {
    ta.push_back(time(a));
    tb.push_back(time(b));
  }
  auto median = [](std::vector<double> &t) {
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return t[t.size() / 2];
  };
  return {median(ta), median(tb)};
}

std::string hexBytes(llvm::ArrayRef<int8_t> bytes) {
  std::string s = "0x";
  s.reserve(2 + 2 * bytes.size());
  for (int8_t b : bytes)
    s += llvm::formatv("{0:X-2}", uint8_t(b)).str();
  return s;
}

std::string joinInts(llvm::ArrayRef<int64_t> values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s;
}

/// A JIT-compiled entry `@main` taking one static i8 tensor and returning
/// one static tensor, called through its packed interface with a
/// preallocated input; each call's result buffer is freed.
class CompiledKernel {
public:
  CompiledKernel(MLIRContext &context, const std::string &source,
                 llvm::ArrayRef<int64_t> inputShape, int64_t resultRank,
                 int64_t sparseKernels = kDefaultSparseKernelPercent)
      : inputShape(inputShape), resultRank(resultRank) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source,
                                                               &context);
    if (!module) {
      llvm::errs() << "kernel module does not parse\n";
      std::exit(1);
    }
    JitOptions options;
    options.kernels = "x86-vnni";
    options.sparseKernels = sparseKernels;
    auto compiled = compileForJit(*module, options);
    if (!compiled) {
      llvm::errs() << llvm::toString(compiled.takeError()) << "\n";
      std::exit(1);
    }
    engine = std::move(*compiled);
    // Looked up once: a lookup by name costs about a microsecond, which
    // the small convolutions would pay on every call.
    auto packed = engine->lookupPacked("main");
    if (!packed) {
      llvm::errs() << llvm::toString(packed.takeError()) << "\n";
      std::exit(1);
    }
    entry = *packed;
    int64_t size = 1;
    for (int64_t d : inputShape)
      size *= d;
    input.resize(size);
    std::mt19937 rng(7);
    for (int8_t &v : input)
      v = int8_t(rng());
  }

  void call() {
    llvm::SmallVector<int64_t> fields;
    auto ptr = int64_t(reinterpret_cast<intptr_t>(input.data()));
    fields.append({ptr, ptr, 0});
    fields.append(inputShape.begin(), inputShape.end());
    int64_t stride = 1;
    llvm::SmallVector<int64_t> strides(inputShape.size());
    for (int64_t d = inputShape.size() - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= inputShape[d];
    }
    fields.append(strides.begin(), strides.end());
    std::vector<int64_t> result(3 + 2 * resultRank);
    llvm::SmallVector<void *> args;
    for (int64_t &f : fields)
      args.push_back(&f);
    args.push_back(result.data());
    entry(args.data());
    std::free(reinterpret_cast<void *>(result[0]));
  }

private:
  std::unique_ptr<ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;
  llvm::SmallVector<int64_t> inputShape;
  int64_t resultRank;
  std::vector<int8_t> input;
};

/// Per-channel requantize attributes for `channels` outputs of sums of
/// `terms` products, scaled so that results land inside i8.
std::string requantizeAttributes(int64_t channels, int64_t terms,
                                 std::mt19937 &rng) {
  std::vector<int64_t> multipliers, shifts;
  int64_t shift = 30 + 13 + int64_t(std::log2(double(terms))) / 2 - 7;
  for (int64_t c = 0; c < channels; ++c) {
    multipliers.push_back((int64_t(1) << 30) + int64_t(rng() % (1u << 30)));
    shifts.push_back(shift);
  }
  return llvm::formatv("multiplier = array<i32: {0}>, shift = array<i8: {1}>, "
                       "output_zp = -128 : i64, clamp_min = -128 : i64, "
                       "clamp_max = 127 : i64",
                       joinInts(multipliers), joinInts(shifts));
}

std::vector<int8_t> randomWeights(int64_t n, int64_t bits, std::mt19937 &rng) {
  int64_t hi = (int64_t(1) << (bits - 1)) - 1;
  std::vector<int8_t> w(n);
  for (int8_t &v : w)
    v = int8_t(int64_t(rng() % (2 * hi + 1)) - hi);
  return w;
}

/// Zeroes `percent` percent of the 1x4 blocks along the reduction of
/// weights laid out `[outer][reduction][inner]`, chosen at random.
void zeroBlocks(std::vector<int8_t> &w, int64_t reduction, int64_t inner,
                int64_t percent, std::mt19937 &rng) {
  int64_t outer = int64_t(w.size()) / (reduction * inner);
  std::vector<int64_t> blocks(outer * (reduction / 4) * inner);
  for (size_t b = 0; b < blocks.size(); ++b)
    blocks[b] = int64_t(b);
  std::shuffle(blocks.begin(), blocks.end(), rng);
  blocks.resize(blocks.size() * percent / 100);
  for (int64_t b : blocks) {
    int64_t i = b % inner, q = b / inner % (reduction / 4),
            x = b / inner / (reduction / 4);
    for (int64_t k = 0; k < 4; ++k)
      w[(x * reduction + 4 * q + k) * inner + i] = 0;
  }
}

/// `values` as qint.weights: dense, or packed (LSB-first bitstream) below
/// 8 bits.
std::string weightsOp(llvm::ArrayRef<int8_t> values, int64_t bits,
                      const std::string &type, int64_t channels, int64_t axis) {
  std::string scales = "0.5";
  for (int64_t c = 1; c < channels; ++c)
    scales += ", 0.5";
  std::string storage;
  if (bits == 8) {
    storage = "values = dense<\"" + hexBytes(values) + "\"> : " + type;
  } else {
    std::vector<int8_t> packed((values.size() * bits + 7) / 8, 0);
    for (size_t k = 0; k < values.size(); ++k)
      for (int64_t j = 0; j < bits; ++j)
        if ((uint8_t(values[k]) >> j) & 1) {
          size_t bit = k * bits + j;
          packed[bit / 8] = int8_t(uint8_t(packed[bit / 8]) | (1u << (bit % 8)));
        }
    storage = llvm::formatv("layout = #qint.layout<packed>, values = "
                            "dense<\"{0}\"> : tensor<{1}xi8>",
                            hexBytes(packed), packed.size());
  }
  return llvm::formatv("%w = qint.weights {{axis = {0} : i64, bits = {1} : "
                       "i64, scales = array<f32: {2}>, {3}} : {4}",
                       axis, bits, scales, storage, type);
}

//===----------------------------------------------------------------------===//
// The CPU's vpdpbusd peak
//===----------------------------------------------------------------------===//

/// GMAC/s of 24 independent `vpdpbusd` chains (64 MACs each) in a loop.
double measurePeak(MLIRContext &context) {
  std::string inits, accs, yields, types, calls, sums;
  constexpr int kChains = 24;
  for (int i = 0; i < kChains; ++i) {
    // Distinct chains: equal ones would be merged into one.
    inits += llvm::formatv("  %z{0} = arith.constant dense<{0}> : "
                           "vector<16xi32>\n",
                           i)
                 .str();
    accs += llvm::formatv("{0}%a{1} = %z{1}", i ? ", " : "", i).str();
    types += llvm::formatv("{0}vector<16xi32>", i ? ", " : "").str();
    calls += llvm::formatv("      %n{0} = func.call @llvm.x86.avx512.vpdpbusd.512"
                           "(%a{0}, %u, %s) : (vector<16xi32>, vector<64xi8>, "
                           "vector<64xi8>) -> vector<16xi32>\n",
                           i)
                 .str();
    yields += llvm::formatv("{0}%n{1}", i ? ", " : "", i).str();
    // Every chain is used, or dead ones would be removed.
    sums += i == 0 ? "  %s0 = arith.addi %r#0, %r#0 : vector<16xi32>\n"
                   : llvm::formatv("  %s{0} = arith.addi %s{1}, %r#{0} : "
                                   "vector<16xi32>\n",
                                   i, i - 1)
                         .str();
  }
  std::string source = llvm::formatv(R"(
func.func private @llvm.x86.avx512.vpdpbusd.512(vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
func.func @main(%buf: memref<128xi8>, %out: memref<16xi32>, %iters: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
{5}  %u = vector.load %buf[%c0] : memref<128xi8>, vector<64xi8>
  %s = vector.load %buf[%c64] : memref<128xi8>, vector<64xi8>
  %r:{0} = scf.for %i = %c0 to %iters step %c1 iter_args({1}) -> ({2}) {
{3}      scf.yield {4} : {2}
  }
{6}  vector.store %s{7}, %out[%c0] : memref<16xi32>, vector<16xi32>
  return
}
)",
                                     kChains, accs, types, calls, yields,
                                     inits, sums, kChains - 1);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  auto compiled = compileForJit(*module, {});
  if (!module || !compiled) {
    llvm::errs() << "the peak loop does not compile\n";
    std::exit(1);
  }
  std::vector<int8_t> buf(128, 1);
  std::vector<int32_t> out(16);
  int64_t iters = 1 << 20;
  auto call = [&] {
    auto b = int64_t(reinterpret_cast<intptr_t>(buf.data()));
    auto o = int64_t(reinterpret_cast<intptr_t>(out.data()));
    int64_t f[] = {b, b, 0, 128, 1, o, o, 0, 16, 1, iters};
    void *args[11];
    for (int i = 0; i < 11; ++i)
      args[i] = &f[i];
    llvm::cantFail((*compiled)->invokePacked("main", args));
  };
  double seconds = medianSeconds(call);
  return double(iters) * kChains * 64 / seconds / 1e9;
}

//===----------------------------------------------------------------------===//
// oneDNN
//===----------------------------------------------------------------------===//

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

/// A oneDNN primitive with its arguments, weights reordered to the
/// primitive's layout once.
struct DnnlCall {
  dnnl::primitive primitive;
  std::unordered_map<int, dnnl::memory> args;
  std::string implementation;

  void call(dnnl::stream &stream) {
    primitive.execute(stream, args);
    stream.wait();
  }
};

dnnl::memory filled(const dnnl::memory::desc &md, dnnl::engine &engine,
                    std::mt19937 &rng, int mod) {
  dnnl::memory m(md, engine);
  auto *p = static_cast<uint8_t *>(m.get_data_handle());
  for (size_t i = 0; i < md.get_size(); ++i)
    p[i] = uint8_t(rng() % mod);
  return m;
}

dnnl::memory reordered(dnnl::memory from, const dnnl::memory::desc &to,
                       dnnl::engine &engine, dnnl::stream &stream) {
  if (from.get_desc() == to)
    return from;
  dnnl::memory m(to, engine);
  dnnl::reorder(from, m).execute(stream, from, m);
  stream.wait();
  return m;
}

/// `primitive` with random source, bias and `plainWeights`-shaped weights
/// reordered to its layout, and a destination.
template <typename PrimitiveDesc>
DnnlCall bindArguments(dnnl::primitive primitive, const PrimitiveDesc &pd,
                       const dnnl::memory::desc &plainWeights,
                       dnnl::engine &engine, dnnl::stream &stream,
                       std::mt19937 &rng) {
  DnnlCall call{primitive, {}, pd.impl_info_str()};
  call.args[DNNL_ARG_SRC] = filled(pd.src_desc(), engine, rng, 256);
  call.args[DNNL_ARG_WEIGHTS] =
      reordered(filled(plainWeights, engine, rng, 255), pd.weights_desc(),
                engine, stream);
  call.args[DNNL_ARG_BIAS] = filled(pd.bias_desc(), engine, rng, 16);
  call.args[DNNL_ARG_DST] = dnnl::memory(pd.dst_desc(), engine);
  return call;
}

DnnlCall dnnlConv(int64_t h, int64_t w, int64_t c, int64_t o, int64_t k,
                  int64_t stride, dnnl::engine &engine, dnnl::stream &stream,
                  std::mt19937 &rng) {
  int64_t oh = (h + 2 - k) / stride + 1, ow = (w + 2 - k) / stride + 1;
  dnnl::memory::desc src({1, c, h, w}, dt::u8, tag::nhwc);
  dnnl::memory::desc wei({o, c, k, k}, dt::s8, tag::any);
  dnnl::memory::desc bia({o}, dt::s32, tag::x);
  dnnl::memory::desc dst({1, o, oh, ow}, dt::s8, tag::nhwc);
  dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      src, wei, bia, dst, {stride, stride}, {1, 1},
      {(oh - 1) * stride + k - h - 1, (ow - 1) * stride + k - w - 1});
  dnnl::primitive_attr attr;
  std::vector<float> scales(o);
  for (float &s : scales)
    s = 1.0f / 4096.0f * (1.0f + float(rng() % 100) / 100.0f);
  attr.set_output_scales(1 << 1, scales);
  dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);
  return bindArguments(dnnl::convolution_forward(pd), pd,
                       dnnl::memory::desc({o, c, k, k}, dt::s8, tag::ohwi),
                       engine, stream, rng);
}

DnnlCall dnnlMatmul(int64_t m, int64_t k, int64_t n, dnnl::engine &engine,
                    dnnl::stream &stream, std::mt19937 &rng) {
  dnnl::memory::desc src({m, k}, dt::u8, tag::ab);
  dnnl::memory::desc wei({k, n}, dt::s8, tag::any);
  dnnl::memory::desc bia({1, n}, dt::s32, tag::ab);
  dnnl::memory::desc dst({m, n}, dt::s8, tag::ab);
  dnnl::matmul::desc desc(src, wei, bia, dst);
  dnnl::primitive_attr attr;
  std::vector<float> scales(n, 1.0f / 65536.0f);
  attr.set_output_scales(1 << 1, scales);
  dnnl::matmul::primitive_desc pd(desc, attr, engine);
  return bindArguments(dnnl::matmul(pd), pd,
                       dnnl::memory::desc({k, n}, dt::s8, tag::ab), engine,
                       stream, rng);
}

//===----------------------------------------------------------------------===//
// compress kernels
//===----------------------------------------------------------------------===//

/// A 3x3 (`k` x `k`) convolution with padding 1 and a requantize to i8;
/// `sparsity` percent of its weights' 1x4 blocks zero.
std::string convSource(int64_t h, int64_t w, int64_t c, int64_t o, int64_t k,
                       int64_t stride, std::mt19937 &rng,
                       int64_t sparsity = 0) {
  int64_t oh = (h + 2 - k) / stride + 1, ow = (w + 2 - k) / stride + 1;
  std::string in = llvm::formatv("tensor<1x{0}x{1}x{2}xi8>", h, w, c);
  std::string wt = llvm::formatv("tensor<{0}x{1}x{1}x{2}xi8>", o, k, c);
  std::string acc = llvm::formatv("tensor<1x{0}x{1}x{2}xi32>", oh, ow, o);
  std::string out = llvm::formatv("tensor<1x{0}x{1}x{2}xi8>", oh, ow, o);
  std::vector<int64_t> bias(o);
  for (int64_t &b : bias)
    b = int64_t(rng() % 4096) - 2048;
  std::vector<int8_t> weights = randomWeights(o * k * k * c, 8, rng);
  zeroBlocks(weights, c, 1, sparsity, rng);
  return llvm::formatv(R"(func.func @main(%x: {0}) -> {3} {{
  {4}
  %b = arith.constant dense<[{5}]> : tensor<{6}xi32>
  %acc = qint.conv2d %x, %w, %b {{input_zp = -128 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: {7}, {7}>, dilation = array<i64: 1, 1>} : ({0}, {1}, tensor<{6}xi32>) -> {2}
  %y = qint.requantize %acc {{{8}} : {2} -> {3}
  return %y : {3}
})",
                       in, wt, acc, out,
                       weightsOp(weights, 8, wt, o, /*axis=*/0),
                       joinInts(bias), o, stride,
                       requantizeAttributes(o, k * k * c, rng));
}

std::string matmulSource(int64_t m, int64_t k, int64_t n, int64_t bits,
                         std::mt19937 &rng, int64_t sparsity = 0) {
  std::vector<int8_t> weights = randomWeights(k * n, bits, rng);
  zeroBlocks(weights, k, n, sparsity, rng);
  std::string lhs = llvm::formatv("tensor<1x{0}x{1}xi8>", m, k);
  std::string rhs = llvm::formatv("tensor<1x{0}x{1}xi8>", k, n);
  std::string acc = llvm::formatv("tensor<1x{0}x{1}xi32>", m, n);
  std::string out = llvm::formatv("tensor<1x{0}x{1}xi8>", m, n);
  return llvm::formatv(R"(func.func @main(%x: {0}) -> {3} {{
  {4}
  %acc = qint.matmul %x, %w {{lhs_zp = -128 : i64} : ({0}, {1}) -> {2}
  %y = qint.requantize %acc {{{5}} : {2} -> {3}
  return %y : {3}
})",
                       lhs, rhs, acc, out,
                       weightsOp(weights, bits, rhs, n, /*axis=*/2),
                       requantizeAttributes(n, k, rng));
}

/// `source`, written to --dump-sources as `name`.mlir when asked.
std::string dumped(llvm::StringRef name, std::string source) {
  if (dumpSources.empty())
    return source;
  llvm::SmallString<128> path(dumpSources.getValue());
  llvm::sys::path::append(path, name + ".mlir");
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    llvm::errs() << "cannot write " << path << ": " << ec.message() << "\n";
    std::exit(1);
  }
  os << source;
  return source;
}

struct Row {
  std::string name;
  double macs, ours, dnnl;
};

void printRow(const Row &row, double peak) {
  double oursRate = row.macs / row.ours / 1e9;
  llvm::outs() << llvm::format("%-28s %9.1f %9.1f   %5.2fx   %5.1f%%\n",
                               row.name.c_str(), oursRate,
                               row.macs / row.dnnl / 1e9, row.dnnl / row.ours,
                               100.0 * oursRate / peak);
}

/// The sparse kernel against the dense one on the same shape, timed in
/// alternation; at 50% it is asked for (sparse-kernels=0), above the
/// default threshold it is what the lowering picks.
void benchSparseKernels(MLIRContext &context, std::mt19937 &rng) {
  llvm::outs() << "\nsparse kernel (1x4 blocks zero) against the dense "
                  "kernel of the same shape:\n";
  llvm::outs() << llvm::format("%-28s %9s %9s %9s   %6s\n", "kernel",
                               "sparsity", "dense us", "sparse us",
                               "speed-up");
  struct SparseCase {
    std::string name;
    std::function<std::string(int64_t)> source;
    llvm::SmallVector<int64_t> inputShape;
    int64_t resultRank;
  };
  const SparseCase sparseCases[] = {
      {"conv 16x16x32->32 s1",
       [&](int64_t sparsity) {
         return convSource(16, 16, 32, 32, 3, 1, rng, sparsity);
       },
       {1, 16, 16, 32},
       4},
      {"conv 8x8x64->64 s1",
       [&](int64_t sparsity) {
         return convSource(8, 8, 64, 64, 3, 1, rng, sparsity);
       },
       {1, 8, 8, 64},
       4},
      {"gemm 256x1024x1024",
       [&](int64_t sparsity) {
         return matmulSource(256, 1024, 1024, 8, rng, sparsity);
       },
       {1, 256, 1024},
       3},
  };
  for (const SparseCase &c : sparseCases) {
    CompiledKernel dense(context, c.source(0), c.inputShape, c.resultRank);
    for (int64_t sparsity : {50, 75, 90}) {
      CompiledKernel sparse(context,
                            dumped(llvm::formatv("sparse-{0}-{1}",
                                                 c.name.substr(0, 4),
                                                 sparsity)
                                       .str(),
                                   c.source(sparsity)),
                            c.inputShape, c.resultRank, /*sparseKernels=*/0);
      auto [denseTime, sparseTime] = medianSecondsBoth(
          [&] { dense.call(); }, [&] { sparse.call(); });
      llvm::outs() << llvm::format("%-28s %8lld%% %9.2f %9.2f   %5.2fx\n",
                                   c.name.c_str(), (long long)sparsity,
                                   denseTime * 1e6, sparseTime * 1e6,
                                   denseTime / sparseTime);
    }
  }
}

} // namespace

// oneDNN's OpenMP runtime (libgomp) reads OMP_NUM_THREADS when it loads,
// before main, so the thread count is set through its API.
extern "C" void omp_set_num_threads(int);

int main(int argc, char **argv) {
  omp_set_num_threads(1);
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "compress VNNI kernels against oneDNN int8\n");
  if (!hostSupportsQIntToX86()) {
    llvm::errs() << "this CPU lacks AVX-512 VNNI; nothing to measure\n";
    return 1;
  }
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  std::mt19937 rng(2026);

  double peak = measurePeak(context);
  llvm::outs() << llvm::format("vpdpbusd peak (one core): %.1f GMAC/s\n\n",
                               peak);
  if (onlySparse) {
    benchSparseKernels(context, rng);
    return 0;
  }
  llvm::outs() << llvm::format("%-28s %9s %9s   %6s   %6s\n", "kernel",
                               "compress", "oneDNN", "ratio", "%peak");
  llvm::outs() << llvm::format("%-28s %9s %9s\n", "", "GMAC/s", "GMAC/s");

  struct Shape {
    int64_t h, w, c, o, stride, count;
  };
  const Shape resnet20[] = {
      {32, 32, 3, 16, 1, 1},  {32, 32, 16, 16, 1, 6}, {32, 32, 16, 32, 2, 1},
      {16, 16, 32, 32, 1, 5}, {16, 16, 32, 64, 2, 1}, {8, 8, 64, 64, 1, 5},
  };
  // A convolution of one pixel is almost nothing but the cost of a call:
  // the compiled function through its pointer, oneDNN's execute().
  double oursCall, dnnlCall;
  {
    CompiledKernel ours(context, convSource(1, 1, 4, 16, 3, 1, rng),
                        {1, 1, 1, 4}, 4);
    DnnlCall theirs = dnnlConv(1, 1, 4, 16, 3, 1, engine, stream, rng);
    std::tie(oursCall, dnnlCall) = medianSecondsBoth(
        [&] { ours.call(); }, [&] { theirs.call(stream); });
  }
  double logRatio = 0, logWorkRatio = 0, oursSeconds = 0, dnnlSeconds = 0;
  int64_t callBound = 0;
  std::string dnnlImpl;
  // Times a 3x3 convolution of shape `s` on both sides and prints its row.
  auto convRow = [&](const Shape &s) {
    int64_t oh = (s.h + 2 - 3) / s.stride + 1, ow = (s.w + 2 - 3) / s.stride + 1;
    std::string name = llvm::formatv("conv-{0}x{1}x{2}-{3}-s{4}", s.h, s.w,
                                     s.c, s.o, s.stride);
    CompiledKernel ours(
        context,
        dumped(name, convSource(s.h, s.w, s.c, s.o, 3, s.stride, rng)),
        {1, s.h, s.w, s.c}, 4);
    DnnlCall theirs = dnnlConv(s.h, s.w, s.c, s.o, 3, s.stride, engine,
                               stream, rng);
    auto [oursTime, dnnlTime] = medianSecondsBoth(
        [&] { ours.call(); }, [&] { theirs.call(stream); });
    Row row{llvm::formatv("conv {0}x{1}x{2}->{3} s{4}", s.h, s.w, s.c, s.o,
                          s.stride),
            double(oh * ow * s.o * 9 * s.c), oursTime, dnnlTime};
    printRow(row, peak);
    dnnlImpl = theirs.implementation;
    return row;
  };
  for (const Shape &s : resnet20) {
    Row row = convRow(s);
    logRatio += std::log(row.dnnl / row.ours);
    // A shape no slower than a one-pixel call has no work to compare.
    if (row.dnnl > dnnlCall && row.ours > oursCall)
      logWorkRatio += std::log((row.dnnl - dnnlCall) / (row.ours - oursCall));
    else
      ++callBound;
    oursSeconds += s.count * row.ours;
    dnnlSeconds += s.count * row.dnnl;
  }
  llvm::outs() << llvm::format(
      "ResNet-20 convolutions: geometric mean %.2fx oneDNN; all 19 layers "
      "%.1f us against %.1f us (%.2fx)\n",
      std::exp(logRatio / std::size(resnet20)), oursSeconds * 1e6,
      dnnlSeconds * 1e6, dnnlSeconds / oursSeconds);
  llvm::outs() << llvm::format(
      "  without the cost of a call (a 1x1x4->16 convolution: compress "
      "%.2f us, oneDNN %.2f us): geometric mean %.2fx\n",
      oursCall * 1e6, dnnlCall * 1e6,
      std::exp(logWorkRatio / double(std::size(resnet20) - callBound)));
  llvm::outs() << "  (oneDNN convolution: " << dnnlImpl << ")\n\n";

  // Wider layers, as in ResNet-18 and the widened models of
  // bench/compile-scale.sh: the weights of one or two blocks of 16 output
  // channels no longer fit the L1 cache.
  const Shape wide[] = {{16, 16, 128, 128, 1, 1}, {8, 8, 256, 256, 1, 1}};
  for (const Shape &s : wide)
    convRow(s);
  llvm::outs() << "\n";

  auto matmulRow = [&](CompiledKernel &ours, DnnlCall &theirs, int64_t m,
                       int64_t k, int64_t n, int64_t bits) {
    auto [oursTime, dnnlTime] = medianSecondsBoth(
        [&] { ours.call(); }, [&] { theirs.call(stream); });
    printRow({llvm::formatv("{0} {1}x{2}x{3} int{4}",
                            m == 1 ? "gemv" : "gemm", m, k, n, bits),
              double(m * k * n), oursTime, dnnlTime},
             peak);
  };
  {
    CompiledKernel ours(context,
                        dumped("gemm-256x1024x1024",
                               matmulSource(256, 1024, 1024, 8, rng)),
                        {1, 256, 1024}, 3);
    DnnlCall theirs = dnnlMatmul(256, 1024, 1024, engine, stream, rng);
    matmulRow(ours, theirs, 256, 1024, 1024, 8);
    llvm::outs() << "  (oneDNN matmul: " << theirs.implementation << ")\n";
  }
  if (!skipGemv) {
    // 4-bit weights stay packed in memory: half the bytes of int8.
    CompiledKernel int8(context, matmulSource(1, 4096, 4096, 8, rng),
                        {1, 1, 4096}, 3);
    CompiledKernel int4(context, matmulSource(1, 4096, 4096, 4, rng),
                        {1, 1, 4096}, 3);
    DnnlCall theirs = dnnlMatmul(1, 4096, 4096, engine, stream, rng);
    matmulRow(int8, theirs, 1, 4096, 4096, 8);
    matmulRow(int4, theirs, 1, 4096, 4096, 4);
    llvm::outs() << "  (oneDNN matmul: " << theirs.implementation
                 << ", int8 weights)\n";
    auto [int8Time, int4Time] =
        medianSecondsBoth([&] { int8.call(); }, [&] { int4.call(); });
    llvm::outs() << llvm::format("int4 GEMV against int8 GEMV: %.2fx\n",
                                 int8Time / int4Time);
  }

  benchSparseKernels(context, rng);
  return 0;
}
