//===- PipelineOptionsTest.cpp - compress-pipeline against its passes -----===//
//
// compress-pipeline re-declares the options of the passes it runs, so that
// `--compress-pipeline="..."` reads like one tool. These tests keep the two
// declarations from drifting apart: every pipeline option has the default
// of the pass option it sets, every option of those passes is either
// reachable from the pipeline or listed here with the reason it is not,
// and the pipeline built with its defaults gives each pass that pass's own
// defaults. The one deliberate difference, `rounding`, is checked on its
// own.
//
//===----------------------------------------------------------------------===//

#include "compress/Pipelines/Pipelines.h"
#include "compress/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <map>
#include <set>
#include <string>

using namespace mlir;
using namespace compress;

namespace {

/// Option name -> value, as the textual pipeline prints them.
using OptionValues = std::map<std::string, std::string>;

/// Parses the `{name=value ...}` that PassOptions::print writes. No default
/// holds a space, so splitting at spaces is exact. List options at their
/// default (empty) print nothing; `valueOf` reads them as "".
OptionValues parseOptionText(StringRef text) {
  OptionValues values;
  size_t open = text.find('{');
  size_t close = text.rfind('}');
  if (open == StringRef::npos || close == StringRef::npos)
    return values;
  SmallVector<StringRef> fields;
  text.slice(open + 1, close).split(fields, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef field : fields) {
    auto [name, value] = field.split('=');
    values[name.str()] = value.str();
  }
  return values;
}

/// The value of `name` in `values`, "" when it was not printed.
std::string valueOf(const OptionValues &values, const std::string &name) {
  auto it = values.find(name);
  return it == values.end() ? "" : it->second;
}

/// The defaults of a pass, as its textual form prints them.
OptionValues passDefaults(const Pass &pass) {
  std::string text;
  llvm::raw_string_ostream os(text);
  const_cast<Pass &>(pass).printAsTextualPipeline(os);
  return parseOptionText(text);
}

/// The passes compress-pipeline runs that have options, by argument.
std::map<std::string, OptionValues> passDefaultsByName() {
  std::unique_ptr<Pass> passes[] = {createCleanupPass(), createCalibratePass(),
                                    createSensitivityPass(), createPlanPass(),
                                    createPrunePass(), createQuantizePass()};
  std::map<std::string, OptionValues> defaults;
  for (const std::unique_ptr<Pass> &pass : passes)
    defaults[pass->getArgument().str()] = passDefaults(*pass);
  return defaults;
}

/// A pipeline option and the pass option it sets.
struct Mapping {
  const char *pipelineOption;
  const char *pass;
  const char *passOption;
};

const Mapping kMappings[] = {
    {"max-fold-elements", "compress-cleanup", "max-fold-elements"},
    {"calibration", "compress-calibrate", "calibration"},
    {"samples", "compress-calibrate", "samples"},
    {"calibration-method", "compress-calibrate", "method"},
    {"percentile", "compress-calibrate", "percentile"},
    {"calibration", "compress-sensitivity", "calibration"},
    {"sensitivity", "compress-sensitivity", "method"},
    {"sensitivity-samples", "compress-sensitivity", "samples"},
    {"seed", "compress-sensitivity", "seed"},
    {"probes", "compress-sensitivity", "probes"},
    {"tolerance", "compress-sensitivity", "tolerance"},
    {"weight-bits", "compress-plan", "weight-bits"},
    {"activation-bits", "compress-plan", "activation-bits"},
    {"target-size", "compress-plan", "target-size"},
    {"compression-ratio", "compress-plan", "compression-ratio"},
    {"bops-budget", "compress-plan", "bops-budget"},
    {"keep-first-last-8bit", "compress-plan", "keep-first-last-8bit"},
    {"weight-clip", "compress-plan", "weight-clip"},
    {"plan-report", "compress-plan", "report"},
    {"pareto-svg", "compress-plan", "pareto-svg"},
    {"calibration", "compress-quantize", "calibration"},
    {"weight-clip", "compress-quantize", "weight-clip"},
    {"gptq-samples", "compress-quantize", "gptq-samples"},
    {"gptq-damp", "compress-quantize", "gptq-damp"},
    {"rescale-rounding", "compress-quantize", "rescale-rounding"},
    {"report", "compress-quantize", "report"},
    {"report-samples", "compress-quantize", "report-samples"},
    {"accumulator-bits", "compress-plan", "accumulator-bits"},
    {"accumulator-bits", "compress-quantize", "accumulator-bits"},
    {"sparsity", "compress-plan", "sparsity"},
    {"sparsity-pattern", "compress-plan", "sparsity-pattern"},
    {"sparsity-pattern", "compress-prune", "pattern"},
    {"calibration", "compress-prune", "calibration"},
    {"prune-samples", "compress-prune", "samples"},
    {"gptq-damp", "compress-prune", "damp"},
    {"sparsity-pattern", "compress-quantize", "prune-pattern"},
};

/// Pipeline options whose default is derived rather than a pass default.
const std::set<std::string> kDerivedPipelineOptions = {
    // gptq when planning, nearest otherwise (RoundingIsDerived below).
    "rounding",
    // hessian: the pipeline has the calibration samples SparseGPT needs,
    // which compress-prune (default magnitude) may not be given.
    "prune",
};

/// Pass options the pipeline sets from other options or leaves alone.
const std::set<std::pair<std::string, std::string>> kUnexposedPassOptions = {
    // The widest of `activation-bits`.
    {"compress-calibrate", "bits"},
    // The widest of `weight-bits` and of `activation-bits`.
    {"compress-quantize", "weight-bits"},
    {"compress-quantize", "activation-bits"},
    // `rounding`, derived.
    {"compress-quantize", "rounding"},
    // The pipeline works on the default entry function throughout, as
    // compress-quantize (which has no `entry`) does.
    {"compress-calibrate", "entry"},
    {"compress-sensitivity", "entry"},
    {"compress-plan", "entry"},
    // `prune`, whose default differs (see kDerivedPipelineOptions).
    {"compress-prune", "method"},
    // Set when the plan may prune, prune=hessian and rounding=gptq.
    {"compress-quantize", "prune"},
    // The plan chooses each layer's sparsity; no layer is left without one.
    {"compress-prune", "sparsity"},
    {"compress-prune", "keep-dense"},
};

/// The pipeline's options with their names, including the list options
/// that print nothing at their default.
struct PipelineOptions : CompressPipelineOptions {
  std::set<std::string> names() const {
    std::set<std::string> result;
    for (const auto &entry : OptionsMap)
      result.insert(entry.first.str());
    return result;
  }
};

OptionValues pipelineDefaults() {
  std::string text;
  llvm::raw_string_ostream os(text);
  PipelineOptions options;
  options.print(os);
  OptionValues printed = parseOptionText(text);
  OptionValues values;
  for (const std::string &name : options.names())
    values[name] = valueOf(printed, name);
  return values;
}

TEST(CompressPipelineOptions, DefaultsEqualPassDefaults) {
  OptionValues pipeline = pipelineDefaults();
  std::map<std::string, OptionValues> passes = passDefaultsByName();
  for (const Mapping &m : kMappings) {
    ASSERT_TRUE(pipeline.count(m.pipelineOption))
        << "compress-pipeline has no option " << m.pipelineOption;
    EXPECT_EQ(pipeline[m.pipelineOption], valueOf(passes[m.pass], m.passOption))
        << "compress-pipeline's " << m.pipelineOption << " vs " << m.pass
        << "'s " << m.passOption;
  }
}

TEST(CompressPipelineOptions, EveryPipelineOptionSetsAPassOption) {
  for (const auto &[name, value] : pipelineDefaults()) {
    bool mapped = llvm::any_of(
        kMappings, [&](const Mapping &m) { return name == m.pipelineOption; });
    EXPECT_TRUE(mapped || kDerivedPipelineOptions.count(name))
        << "compress-pipeline's " << name << " sets no pass option";
  }
}

TEST(CompressPipelineOptions, EveryPassOptionIsReachable) {
  for (const auto &[pass, options] : passDefaultsByName())
    for (const auto &[name, value] : options) {
      bool mapped = llvm::any_of(kMappings, [&](const Mapping &m) {
        return pass == m.pass && name == m.passOption;
      });
      EXPECT_TRUE(mapped || kUnexposedPassOptions.count({pass, name}))
          << pass << "'s " << name << " is not reachable from "
          << "compress-pipeline";
    }
}

/// The options of every pass of compress-pipeline built from `options`,
/// by pass argument.
std::map<std::string, OptionValues> builtPassOptions(StringRef options) {
  CompressPipelineOptions parsed;
  EXPECT_TRUE(succeeded(parsed.parseFromString(options))) << options.str();
  MLIRContext context;
  OpPassManager pm("builtin.module");
  buildCompressPipeline(pm, parsed);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  std::map<std::string, OptionValues> built;
  llvm::Regex passWithOptions("(compress-[a-z-]+)(\\{[^{}]*\\})");
  StringRef rest = text;
  SmallVector<StringRef> groups;
  while (passWithOptions.match(rest, &groups)) {
    built[groups[1].str()] = parseOptionText(groups[2]);
    rest = rest.drop_front(groups[0].end() - rest.begin());
  }
  return built;
}

/// Every pass option of the built pipeline but those in `set` has the
/// pass's default.
void expectPassDefaults(
    const std::map<std::string, OptionValues> &built,
    const std::set<std::pair<std::string, std::string>> &set) {
  std::map<std::string, OptionValues> defaults = passDefaultsByName();
  for (const auto &[pass, options] : built) {
    if (!defaults.count(pass))
      continue;
    for (const auto &[name, value] : options) {
      if (set.count({pass, name}))
        continue;
      EXPECT_EQ(value, valueOf(defaults[pass], name))
          << "compress-pipeline sets " << pass << "'s " << name;
    }
  }
}

TEST(CompressPipelineOptions, BuiltPassesGetTheirDefaults) {
  std::map<std::string, OptionValues> built =
      builtPassOptions("calibration=x.npy");
  EXPECT_EQ(built.count("compress-sensitivity"), 0u);
  EXPECT_EQ(built.count("compress-plan"), 0u);
  expectPassDefaults(built, {{"compress-calibrate", "calibration"},
                             {"compress-quantize", "calibration"}});

  std::map<std::string, OptionValues> planned =
      builtPassOptions("calibration=x.npy compression-ratio=8");
  ASSERT_EQ(planned.count("compress-sensitivity"), 1u);
  ASSERT_EQ(planned.count("compress-plan"), 1u);
  expectPassDefaults(planned, {{"compress-calibrate", "calibration"},
                               {"compress-sensitivity", "calibration"},
                               {"compress-plan", "compression-ratio"},
                               {"compress-quantize", "calibration"},
                               {"compress-quantize", "rounding"}});
}

TEST(CompressPipelineOptions, RoundingIsDerived) {
  auto rounding = [](StringRef options) {
    return builtPassOptions(options)["compress-quantize"]["rounding"];
  };
  EXPECT_EQ(rounding("calibration=x.npy"), "nearest");
  EXPECT_EQ(rounding("calibration=x.npy compression-ratio=8"), "gptq");
  EXPECT_EQ(rounding("calibration=x.npy weight-bits=4,8"), "gptq");
  EXPECT_EQ(rounding("calibration=x.npy rounding=gptq"), "gptq");
  EXPECT_EQ(rounding("calibration=x.npy compression-ratio=8 rounding=nearest"),
            "nearest");
}

} // namespace

/// Flags read as strings (compress-aot's --kernels and --arena, the JIT's
/// options) go through the same spellings as the pipeline's options.
TEST(LowerToLLVMOptions, StringsParseByTheOptionsSpellings) {
  EXPECT_EQ(parseLoweringKernels("tosa"), LoweringKernels::Tosa);
  EXPECT_EQ(parseLoweringKernels("x86-vnni"), LoweringKernels::X86Vnni);
  EXPECT_EQ(parseLoweringKernels("vnni"), std::nullopt);
  EXPECT_EQ(parseBufferArena("heap"), BufferArena::Heap);
  EXPECT_EQ(parseBufferArena("global"), BufferArena::Global);
  EXPECT_EQ(parseBufferArena("none"), BufferArena::None);
  EXPECT_EQ(parseBufferArena(""), std::nullopt);
  EXPECT_EQ(parseOptionValue<WeightRounding>(weightRoundingValues(), "gptq"),
            WeightRounding::Gptq);
}
