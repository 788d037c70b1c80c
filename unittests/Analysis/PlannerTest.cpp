//===- PlannerTest.cpp - Tests of the exact bit-width planner -------------===//
//
// The integer-programme planner of compress/Analysis/BitPlanner.h against
// brute force: random small problems whose errors span nine orders of
// magnitude, with budgets (some impossible), tie groups and pinned layers,
// must reach the exhaustive optimum. Hand-made cases pin down the meaning of
// ties and pins, and the Pareto frontier is checked point by point against
// the frontier of all plans.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/BitPlanner.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <random>
#include <vector>

using namespace compress;

namespace {

PlanOption option(unsigned weightBits, unsigned activationBits, int64_t bytes,
                  double error) {
  PlanOption o;
  o.weightBits = weightBits;
  o.activationBits = activationBits;
  o.bytes = bytes;
  o.bops = bytes * activationBits;
  o.latency = double(bytes);
  o.error = error;
  return o;
}

/// Relative closeness for objectives; two zero objectives are equal.
bool nearlyEqual(double a, double b, double relative) {
  return std::fabs(a - b) <= relative * std::max(std::fabs(a), std::fabs(b));
}

std::string errorText(llvm::Error error) {
  return llvm::toString(std::move(error));
}

/// A random problem: 2..6 layers of 2..5 options, errors log-uniform in
/// [1e-6, 1e3], budgets drawn around the reachable range so that some are
/// tight, some loose and some impossible.
PlanProblem randomProblem(std::mt19937_64 &rng) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  PlanProblem problem;
  int layers = uniform(2, 6);
  int64_t minBytes = 0, maxBytes = 0, minBops = 0, maxBops = 0;
  double minLatency = 0, maxLatency = 0;
  for (int i = 0; i < layers; ++i) {
    PlanLayer layer;
    layer.name = "layer" + std::to_string(i);
    int options = uniform(2, 5);
    for (int o = 0; o < options; ++o) {
      PlanOption opt;
      opt.weightBits = std::array<unsigned, 3>{2, 4, 8}[uniform(0, 2)];
      opt.activationBits = chance(0.5) ? 4 : 8;
      opt.bytes = uniform(1, 1000);
      opt.bops = uniform(1, 10000);
      opt.latency = 10.0 * unit(rng);
      opt.error = std::pow(10.0, -6.0 + 9.0 * unit(rng));
      layer.options.push_back(opt);
    }
    if (chance(0.2)) {
      for (int o = 0; o < options; ++o)
        if (chance(0.5))
          layer.allowedOptions.push_back(o);
      if (layer.allowedOptions.empty())
        layer.allowedOptions.push_back(uniform(0, options - 1));
    }
    auto [lo, hi] =
        std::minmax_element(layer.options.begin(), layer.options.end(),
                            [](auto &a, auto &b) { return a.bytes < b.bytes; });
    minBytes += lo->bytes;
    maxBytes += hi->bytes;
    auto [blo, bhi] =
        std::minmax_element(layer.options.begin(), layer.options.end(),
                            [](auto &a, auto &b) { return a.bops < b.bops; });
    minBops += blo->bops;
    maxBops += bhi->bops;
    auto [llo, lhi] = std::minmax_element(
        layer.options.begin(), layer.options.end(),
        [](auto &a, auto &b) { return a.latency < b.latency; });
    minLatency += llo->latency;
    maxLatency += lhi->latency;
    problem.layers.push_back(std::move(layer));
  }
  auto between = [&](double lo, double hi) {
    return lo + (hi - lo) * unit(rng);
  };
  problem.sizeBudget =
      int64_t(between(0.9 * double(minBytes), double(maxBytes)));
  if (chance(0.5))
    problem.bopsBudget =
        int64_t(between(0.9 * double(minBops), double(maxBops)));
  if (chance(0.3))
    problem.latencyBudget = between(0.9 * minLatency, maxLatency);
  if (chance(0.5)) {
    int groups = uniform(1, 2);
    for (int g = 0; g < groups; ++g) {
      std::vector<int> group;
      for (int i = 0; i < layers; ++i)
        if (chance(0.5))
          group.push_back(i);
      if (group.size() >= 2)
        problem.tieGroups.push_back(group);
    }
  }
  return problem;
}

/// The frontier of all plans, by enumeration: sorted by bytes, each with
/// less error than all smaller plans.
std::vector<std::pair<int64_t, double>>
exhaustiveFrontier(const PlanProblem &problem) {
  std::vector<Plan> all;
  std::vector<int> choice(problem.layers.size(), 0);
  std::function<void(size_t)> visit = [&](size_t layer) {
    if (layer == problem.layers.size()) {
      Plan plan = evaluatePlan(problem, choice);
      if (isPlanFeasible(problem, plan))
        all.push_back(plan);
      return;
    }
    for (size_t o = 0; o < problem.layers[layer].options.size(); ++o) {
      choice[layer] = o;
      visit(layer + 1);
    }
  };
  visit(0);
  std::sort(all.begin(), all.end(), [](const Plan &a, const Plan &b) {
    return a.bytes != b.bytes ? a.bytes < b.bytes : a.error < b.error;
  });
  std::vector<std::pair<int64_t, double>> frontier;
  for (const Plan &plan : all)
    if ((frontier.empty() || plan.error < frontier.back().second) &&
        (frontier.empty() || plan.bytes != frontier.back().first))
      frontier.emplace_back(plan.bytes, plan.error);
  return frontier;
}

TEST(BitPlanner, SingleLayerTakesBestOptionThatFits) {
  PlanProblem problem;
  problem.layers.push_back(
      {"conv",
       {option(8, 8, 100, 0.01), option(4, 8, 50, 0.5), option(2, 8, 25, 4.0)},
       {}});
  problem.sizeBudget = 60;
  auto plan = solvePlan(problem);
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_EQ(plan->choice, std::vector<int>{1});
  EXPECT_EQ(plan->bytes, 50);
  EXPECT_DOUBLE_EQ(plan->error, 0.5);
}

TEST(BitPlanner, IdenticalOptionsGiveTheCommonError) {
  PlanProblem problem;
  for (int i = 0; i < 4; ++i)
    problem.layers.push_back(
        {"", std::vector<PlanOption>(3, option(4, 8, 10, 0.25)), {}});
  problem.sizeBudget = 40;
  auto plan = solvePlan(problem);
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_EQ(plan->bytes, 40);
  EXPECT_DOUBLE_EQ(plan->error, 1.0);
}

TEST(BitPlanner, EmptyProblemHasEmptyPlan) {
  auto plan = solvePlan(PlanProblem());
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_TRUE(plan->choice.empty());
}

/// Untied, each layer would take a different activation width; the tie
/// makes one of them accept its worse option, and it must be the cheaper
/// concession (b moves to 4 bits at error 3, not a to 8 bits at error 5).
TEST(BitPlanner, TieGroupForcesTheCheaperConcession) {
  PlanProblem problem;
  problem.layers.push_back(
      {"a", {option(4, 4, 10, 0.1), option(4, 8, 10, 5.0)}, {}});
  problem.layers.push_back(
      {"b", {option(4, 8, 10, 0.1), option(4, 4, 10, 3.0)}, {}});
  problem.sizeBudget = 100;
  auto untied = solvePlan(problem);
  ASSERT_TRUE(bool(untied)) << errorText(untied.takeError());
  EXPECT_EQ(untied->choice, (std::vector<int>{0, 0}));
  problem.tieGroups = {{0, 1}};
  auto tied = solvePlan(problem);
  ASSERT_TRUE(bool(tied)) << errorText(tied.takeError());
  EXPECT_EQ(tied->choice, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(tied->error, 3.1);
}

/// A width one member of a group lacks is closed to the whole group.
TEST(BitPlanner, TieGroupExcludesWidthsAMemberLacks) {
  PlanProblem problem;
  problem.layers.push_back(
      {"a", {option(4, 4, 10, 0.0), option(8, 8, 20, 1.0)}, {}});
  problem.layers.push_back({"b", {option(8, 8, 20, 1.0)}, {}});
  problem.tieGroups = {{0, 1}};
  auto plan = solvePlan(problem);
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_EQ(plan->choice, (std::vector<int>{1, 0}));
}

TEST(BitPlanner, PinnedLayerKeepsItsOptions) {
  PlanProblem problem;
  problem.layers.push_back(
      {"first", {option(8, 8, 100, 1.0), option(4, 8, 50, 0.5)}, {0}});
  problem.layers.push_back(
      {"mid", {option(8, 8, 100, 1.0), option(4, 8, 50, 2.0)}, {}});
  problem.sizeBudget = 150;
  auto plan = solvePlan(problem);
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_EQ(plan->choice, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(plan->error, 3.0);
}

TEST(BitPlanner, ImpossibleBudgetsAreReportedByName) {
  PlanProblem problem;
  problem.layers.push_back(
      {"a", {option(8, 8, 100, 1.0), option(4, 8, 50, 2.0)}, {}});
  problem.layers.push_back(
      {"b", {option(8, 8, 100, 1.0), option(4, 4, 50, 2.0)}, {}});
  problem.sizeBudget = 99;
  auto plan = solvePlan(problem);
  ASSERT_FALSE(bool(plan));
  EXPECT_EQ(errorText(plan.takeError()),
            "no plan meets the size budget of 99 bytes: the smallest plan "
            "needs 100");

  // 150 bytes would fit a 4-bit activation in b, but a lacks that width,
  // so under the tie the smallest plan needs 160 bytes.
  problem.tieGroups = {{0, 1}};
  problem.layers[0].options.back() = option(4, 8, 60, 2.0);
  problem.sizeBudget = 160;
  plan = solvePlan(problem);
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_EQ(plan->choice, (std::vector<int>{1, 0}));
  problem.sizeBudget = 150;
  plan = solvePlan(problem);
  ASSERT_FALSE(bool(plan));
  EXPECT_EQ(errorText(plan.takeError()),
            "no plan meets the size, BOPs and latency budgets together with "
            "the tie groups and pinned layers");
}

TEST(BitPlanner, MalformedProblemsAreRejected) {
  PlanProblem problem;
  problem.layers.push_back({"a", {option(8, 8, 1, 1.0)}, {3}});
  auto plan = solvePlan(problem);
  ASSERT_FALSE(bool(plan));
  EXPECT_EQ(errorText(plan.takeError()),
            "layer a is pinned to option 3, which does not exist");
  problem.layers[0].allowedOptions.clear();
  problem.tieGroups = {{0, 1}};
  EXPECT_FALSE(bool(solvePlan(problem)));
  EXPECT_FALSE(bool(solvePlanExhaustively(problem)));
  problem.tieGroups.clear();
  problem.layers[0].options[0].error = std::nan("");
  plan = solvePlan(problem);
  ASSERT_FALSE(bool(plan));
  llvm::consumeError(plan.takeError());
}

/// A difference of 1e-6 decides the plan while the other layers choose
/// between errors near 1e3 and 1.5e3: exactly the case where a solver's
/// tolerances could pick the wrong plan.
TEST(BitPlanner, TinyDifferencesBesideHugeErrorsDecide) {
  PlanProblem problem;
  for (int i = 0; i < 8; ++i)
    problem.layers.push_back(
        {"", {option(8, 8, 10, 1000.0 + i), option(4, 8, 5, 1500.0 + i)}, {}});
  // The budget lets only one of x and y keep 8 bits; y gains 1e-6 more.
  problem.layers.push_back(
      {"x", {option(8, 8, 10, 1e-6), option(4, 8, 5, 2e-6)}, {}});
  problem.layers.push_back(
      {"y", {option(8, 8, 10, 1e-6), option(4, 8, 5, 3e-6)}, {}});
  problem.sizeBudget = 8 * 10 + 10 + 5;
  auto plan = solvePlan(problem);
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  EXPECT_EQ(plan->choice[8], 1);
  EXPECT_EQ(plan->choice[9], 0);
}

TEST(BitPlanner, MatchesExhaustiveSearchOnRandomProblems) {
  std::mt19937_64 rng(20260101);
  int feasible = 0, infeasible = 0;
  for (int trial = 0; trial < 300; ++trial) {
    PlanProblem problem = randomProblem(rng);
    auto expected = solvePlanExhaustively(problem);
    auto actual = solvePlan(problem);
    if (!expected) {
      ++infeasible;
      std::string reason = errorText(expected.takeError());
      ASSERT_FALSE(bool(actual)) << "trial " << trial << ": " << reason;
      EXPECT_EQ(errorText(actual.takeError()), reason);
      continue;
    }
    ++feasible;
    ASSERT_TRUE(bool(actual))
        << "trial " << trial << ": " << errorText(actual.takeError());
    EXPECT_TRUE(isPlanFeasible(problem, *actual)) << "trial " << trial;
    EXPECT_TRUE(nearlyEqual(actual->error, expected->error, 1e-9))
        << "trial " << trial << ": " << actual->error << " vs "
        << expected->error;
    // The plan's totals are those of its choices.
    Plan recomputed = evaluatePlan(problem, actual->choice);
    EXPECT_EQ(recomputed.bytes, actual->bytes);
    EXPECT_EQ(recomputed.error, actual->error);
  }
  // Budgets are drawn so that both outcomes are exercised often.
  EXPECT_GT(feasible, 100);
  EXPECT_GT(infeasible, 20);
}

/// Joint options, as compress-plan builds them with sparsity=: every weight
/// width at every sparsity, bytes shrinking with both (values of the kept
/// weights plus a mask bit per weight when pruned), errors growing with
/// both. The planner does not care what an option is, but the search over
/// width x sparsity must still be exact.
TEST(BitPlanner, JointBitsAndSparsityMatchExhaustiveSearch) {
  std::mt19937_64 rng(20261207);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 20; ++trial) {
    PlanProblem problem;
    int64_t minBytes = 0, maxBytes = 0;
    for (int i = 0; i < 4; ++i) {
      PlanLayer layer;
      layer.name = "layer" + std::to_string(i);
      int64_t weights = 1000 * (1 + int64_t(9 * unit(rng)));
      double trace = std::pow(10.0, -2.0 + 4.0 * unit(rng));
      double energy = unit(rng);
      int64_t lo = INT64_MAX, hi = 0;
      for (unsigned bits : {2u, 3u, 4u, 8u})
        for (double sparsity : {0.0, 0.5, 0.75, 0.9}) {
          PlanOption option;
          option.weightBits = bits;
          option.sparsity = sparsity;
          double kept = double(weights) * (1.0 - sparsity);
          option.bytes = int64_t(std::ceil(kept * bits / 8.0)) +
                         (sparsity > 0.0 ? (weights + 7) / 8 : 0);
          option.error =
              trace * (std::pow(2.0, -2.0 * bits) * kept +
                       energy * std::pow(sparsity, 2.0) * double(weights));
          layer.options.push_back(option);
          lo = std::min(lo, option.bytes);
          hi = std::max(hi, option.bytes);
        }
      minBytes += lo;
      maxBytes += hi;
      problem.layers.push_back(std::move(layer));
    }
    problem.sizeBudget =
        minBytes + int64_t(unit(rng) * 0.5 * double(maxBytes - minBytes));
    auto expected = solvePlanExhaustively(problem);
    auto actual = solvePlan(problem);
    ASSERT_TRUE(bool(expected)) << errorText(expected.takeError());
    ASSERT_TRUE(bool(actual)) << errorText(actual.takeError());
    EXPECT_TRUE(isPlanFeasible(problem, *actual)) << "trial " << trial;
    EXPECT_TRUE(nearlyEqual(actual->error, expected->error, 1e-9))
        << "trial " << trial << ": " << actual->error << " vs "
        << expected->error;
  }
}

TEST(BitPlanner, FrontierIsMonotoneAndOptimalAtEveryPoint) {
  std::mt19937_64 rng(7);
  int checkedPoints = 0;
  for (int trial = 0; trial < 60; ++trial) {
    PlanProblem problem = randomProblem(rng);
    problem.sizeBudget.reset();
    auto frontier = paretoFrontier(problem, 1000);
    ASSERT_TRUE(bool(frontier))
        << "trial " << trial << ": " << errorText(frontier.takeError());
    auto expected = exhaustiveFrontier(problem);
    ASSERT_EQ(frontier->size(), expected.size()) << "trial " << trial;
    for (size_t i = 0; i < frontier->size(); ++i) {
      const Plan &point = (*frontier)[i];
      if (i > 0) {
        EXPECT_GT(point.bytes, (*frontier)[i - 1].bytes);
        EXPECT_LT(point.error, (*frontier)[i - 1].error);
      }
      EXPECT_EQ(point.bytes, expected[i].first) << "trial " << trial;
      EXPECT_TRUE(nearlyEqual(point.error, expected[i].second, 1e-9));
      PlanProblem bounded = problem;
      bounded.sizeBudget = point.bytes;
      EXPECT_TRUE(isPlanFeasible(bounded, point));
      auto optimum = solvePlanExhaustively(bounded);
      ASSERT_TRUE(bool(optimum)) << errorText(optimum.takeError());
      EXPECT_TRUE(nearlyEqual(point.error, optimum->error, 1e-9));
      ++checkedPoints;
    }
  }
  EXPECT_GT(checkedPoints, 100);
}

/// With too few solves to walk every breakpoint, the frontier is still
/// monotone and made of optimal plans.
TEST(BitPlanner, SampledFrontierStaysOptimal) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    PlanProblem problem = randomProblem(rng);
    problem.sizeBudget.reset();
    auto frontier = paretoFrontier(problem, 6);
    ASSERT_TRUE(bool(frontier)) << errorText(frontier.takeError());
    for (size_t i = 0; i < frontier->size(); ++i) {
      const Plan &point = (*frontier)[i];
      if (i > 0) {
        EXPECT_GT(point.bytes, (*frontier)[i - 1].bytes);
        EXPECT_LT(point.error, (*frontier)[i - 1].error);
      }
      PlanProblem bounded = problem;
      bounded.sizeBudget = point.bytes;
      auto optimum = solvePlanExhaustively(bounded);
      ASSERT_TRUE(bool(optimum)) << errorText(optimum.takeError());
      EXPECT_TRUE(nearlyEqual(point.error, optimum->error, 1e-9));
    }
  }
}

/// A network-sized problem: 20 layers with 7 options each (7^20 plans, far
/// beyond enumeration), a tie group and pinned end layers. The plan must be
/// feasible and no single-layer change may improve it.
TEST(BitPlanner, SolvesTwentyLayersWithSevenOptions) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const unsigned widths[7][2] = {{8, 8}, {6, 8}, {4, 8}, {3, 8},
                                 {4, 4}, {2, 8}, {2, 4}};
  PlanProblem problem;
  int64_t fullBytes = 0;
  for (int i = 0; i < 20; ++i) {
    PlanLayer layer;
    layer.name = "layer" + std::to_string(i);
    double params = std::pow(10.0, 3.0 + 3.0 * unit(rng));
    double trace = std::pow(10.0, -4.0 + 6.0 * unit(rng));
    for (auto [w, a] : widths) {
      PlanOption o;
      o.weightBits = w;
      o.activationBits = a;
      o.bytes = int64_t(std::ceil(params * w / 8));
      o.bops = int64_t(params * 49) * w * a;
      o.latency = params * (w + a) * 1e-6;
      o.error = trace * params * std::pow(2.0, -2.0 * w) * (a == 4 ? 4.0 : 1.0);
      layer.options.push_back(o);
    }
    fullBytes += layer.options[0].bytes;
    problem.layers.push_back(std::move(layer));
  }
  problem.layers.front().allowedOptions = {0};
  problem.layers.back().allowedOptions = {0};
  problem.tieGroups = {{3, 4, 5}, {10, 11}};
  problem.sizeBudget = fullBytes / 2;

  auto start = std::chrono::steady_clock::now();
  auto plan = solvePlan(problem);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_TRUE(bool(plan)) << errorText(plan.takeError());
  std::cout << "20 layers x 7 options: " << seconds * 1e3 << " ms\n";
  EXPECT_TRUE(isPlanFeasible(problem, *plan));
  for (size_t i = 0; i < problem.layers.size(); ++i)
    for (size_t o = 0; o < 7; ++o) {
      std::vector<int> choice = plan->choice;
      choice[i] = o;
      Plan neighbour = evaluatePlan(problem, choice);
      if (isPlanFeasible(problem, neighbour)) {
        EXPECT_GE(neighbour.error, plan->error * (1 - 1e-12));
      }
    }

  start = std::chrono::steady_clock::now();
  auto frontier = paretoFrontier(problem, 64);
  seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_TRUE(bool(frontier)) << errorText(frontier.takeError());
  std::cout << "frontier of " << frontier->size()
            << " points: " << seconds * 1e3 << " ms\n";
  EXPECT_GT(frontier->size(), 10u);
}

} // namespace
