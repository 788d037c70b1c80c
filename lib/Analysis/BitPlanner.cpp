//===- BitPlanner.cpp - Exact mixed-precision bit-width planning ----------===//
//
// The planning problem is a multiple-choice knapsack with extra rows, which
// is NP-hard in general but tiny in practice (tens to hundreds of layers,
// a handful of options each). An integer programme solved by branch and
// bound finds the true optimum in milliseconds there, so the planner never
// settles for a greedy or Lagrangian answer that may miss the best plan.
//
// GLPK works in floating point with tolerances, so four things protect the
// exactness of its answer:
// - options that another option of the same layer dominates are dropped
//   before the solve, in exact arithmetic, which shrinks the programme;
// - the objective is shifted by each layer's smallest error and rescaled,
//   so error differences sit far above GLPK's absolute tolerances, and
//   budget rows are normalised to magnitudes near 1;
// - each plan found bounds the optimum, which rules out every option whose
//   excess error alone exceeds the plan's; the programme is solved again
//   without them until nothing more can be ruled out, so the coefficients
//   GLPK finally compares span a small range;
// - the returned plan is re-checked in integer arithmetic; a plan that only
//   met a budget within GLPK's tolerance is cut off and the solve repeated.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/BitPlanner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

using namespace compress;

//===----------------------------------------------------------------------===//
// Problem checks and plan evaluation
//===----------------------------------------------------------------------===//

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::string layerName(const PlanProblem &problem, size_t layer) {
  const std::string &name = problem.layers[layer].name;
  return name.empty() ? llvm::formatv("#{0}", layer).str() : name;
}

llvm::Error compress::verifyPlanProblem(const PlanProblem &problem) {
  for (auto [index, layer] : llvm::enumerate(problem.layers)) {
    std::string name = layerName(problem, index);
    if (layer.options.empty())
      return makeError("layer " + name + " has no options");
    for (const PlanOption &option : layer.options) {
      if (option.bytes < 0 || option.bops < 0)
        return makeError("layer " + name + " has negative bytes or BOPs");
      if (!std::isfinite(option.error) || option.error < 0.0 ||
          !std::isfinite(option.latency) || option.latency < 0.0)
        return makeError("layer " + name +
                         " has a negative or non-finite error or latency");
    }
    for (int allowed : layer.allowedOptions)
      if (allowed < 0 || size_t(allowed) >= layer.options.size())
        return makeError("layer " + name + " is pinned to option " +
                         llvm::Twine(allowed) + ", which does not exist");
  }
  for (const std::vector<int> &group : problem.tieGroups)
    for (int layer : group)
      if (layer < 0 || size_t(layer) >= problem.layers.size())
        return makeError("tie group names layer " + llvm::Twine(layer) +
                         ", which does not exist");
  if (problem.latencyBudget && !std::isfinite(*problem.latencyBudget))
    return makeError("the latency budget is not finite");
  return llvm::Error::success();
}

Plan compress::evaluatePlan(const PlanProblem &problem,
                            const std::vector<int> &choice) {
  Plan plan;
  plan.choice = choice;
  for (auto [layer, option] : llvm::zip_equal(problem.layers, choice)) {
    const PlanOption &chosen = layer.options[option];
    plan.error += chosen.error;
    plan.bytes += chosen.bytes;
    plan.bops += chosen.bops;
    plan.latency += chosen.latency;
  }
  return plan;
}

static bool meetsLatency(double latency, std::optional<double> budget) {
  return !budget || latency <= *budget + kLatencyRelativeSlack *
                                             std::max(1.0, std::fabs(*budget));
}

/// Whether the chosen options of every tie group share activation bits.
static bool meetsTies(const PlanProblem &problem,
                      const std::vector<int> &choice) {
  for (const std::vector<int> &group : problem.tieGroups)
    for (int layer : group)
      if (problem.layers[layer].options[choice[layer]].activationBits !=
          problem.layers[group.front()]
              .options[choice[group.front()]]
              .activationBits)
        return false;
  return true;
}

static bool isAllowed(const PlanLayer &layer, int option) {
  return layer.allowedOptions.empty() ||
         llvm::is_contained(layer.allowedOptions, option);
}

bool compress::isPlanFeasible(const PlanProblem &problem, const Plan &plan) {
  if (plan.choice.size() != problem.layers.size())
    return false;
  for (auto [layer, option] : llvm::zip_equal(problem.layers, plan.choice))
    if (option < 0 || size_t(option) >= layer.options.size() ||
        !isAllowed(layer, option))
      return false;
  return (!problem.sizeBudget || plan.bytes <= *problem.sizeBudget) &&
         (!problem.bopsBudget || plan.bops <= *problem.bopsBudget) &&
         meetsLatency(plan.latency, problem.latencyBudget) &&
         meetsTies(problem, plan.choice);
}

/// The options of each layer that pins allow.
static std::vector<std::vector<int>>
allowedOptions(const PlanProblem &problem) {
  std::vector<std::vector<int>> allowed;
  for (const PlanLayer &layer : problem.layers) {
    std::vector<int> &options = allowed.emplace_back();
    for (int option = 0, e = layer.options.size(); option < e; ++option)
      if (isAllowed(layer, option))
        options.push_back(option);
  }
  return allowed;
}

/// The error for a problem without a plan. A budget below the sum of the
/// per-layer minima cannot be met by anything, and saying which one is the
/// most useful message; otherwise the budgets only conflict in combination.
static llvm::Error infeasibleError(const PlanProblem &problem) {
  int64_t minBytes = 0, minBops = 0;
  double minLatency = 0.0;
  for (auto [layer, options] :
       llvm::zip_equal(problem.layers, allowedOptions(problem))) {
    int64_t bytes = std::numeric_limits<int64_t>::max();
    int64_t bops = std::numeric_limits<int64_t>::max();
    double latency = std::numeric_limits<double>::infinity();
    for (int option : options) {
      bytes = std::min(bytes, layer.options[option].bytes);
      bops = std::min(bops, layer.options[option].bops);
      latency = std::min(latency, layer.options[option].latency);
    }
    minBytes += bytes;
    minBops += bops;
    minLatency += latency;
  }
  if (problem.sizeBudget && minBytes > *problem.sizeBudget)
    return makeError(llvm::formatv("no plan meets the size budget of {0} "
                                   "bytes: the smallest plan needs {1}",
                                   *problem.sizeBudget, minBytes));
  if (problem.bopsBudget && minBops > *problem.bopsBudget)
    return makeError(llvm::formatv("no plan meets the BOPs budget of {0}: "
                                   "the cheapest plan needs {1}",
                                   *problem.bopsBudget, minBops));
  if (!meetsLatency(minLatency, problem.latencyBudget))
    return makeError(llvm::formatv("no plan meets the latency budget of {0}: "
                                   "the fastest plan needs {1}",
                                   *problem.latencyBudget, minLatency));
  return makeError("no plan meets the size, BOPs and latency budgets "
                   "together with the tie groups and pinned layers");
}

//===----------------------------------------------------------------------===//
// Exhaustive search
//===----------------------------------------------------------------------===//

namespace {
/// Depth-first enumeration of all plans. Costs are non-negative, so a
/// partial plan already over a budget is abandoned with all its completions.
struct ExhaustiveSearch {
  const PlanProblem &problem;
  std::vector<std::vector<int>> options;
  std::vector<int> choice;
  std::optional<Plan> best;

  void visit(size_t layer, int64_t bytes, int64_t bops, double latency,
             double error) {
    if ((problem.sizeBudget && bytes > *problem.sizeBudget) ||
        (problem.bopsBudget && bops > *problem.bopsBudget) ||
        !meetsLatency(latency, problem.latencyBudget))
      return;
    if (layer == problem.layers.size()) {
      if (!meetsTies(problem, choice))
        return;
      // Re-evaluate in layer order so the error is summed exactly as
      // solvePlan sums it, making the two comparable bit for bit.
      Plan plan = evaluatePlan(problem, choice);
      if (!best || plan.error < best->error)
        best = std::move(plan);
      return;
    }
    for (int option : options[layer]) {
      const PlanOption &o = problem.layers[layer].options[option];
      choice[layer] = option;
      visit(layer + 1, bytes + o.bytes, bops + o.bops, latency + o.latency,
            error + o.error);
    }
  }
};
} // namespace

llvm::Expected<Plan> compress::solvePlanExhaustively(const PlanProblem &problem,
                                                     uint64_t maxPlans) {
  if (llvm::Error error = verifyPlanProblem(problem))
    return error;
  ExhaustiveSearch search{problem,
                          allowedOptions(problem),
                          std::vector<int>(problem.layers.size()),
                          {}};
  uint64_t plans = 1;
  for (const std::vector<int> &options : search.options) {
    if (options.empty())
      return makeError("a pinned layer allows no option");
    if (plans > maxPlans / options.size())
      return makeError(llvm::formatv(
          "more than {0} plans: too many to enumerate", maxPlans));
    plans *= options.size();
  }
  search.visit(0, 0, 0, 0.0, 0.0);
  if (!search.best)
    return infeasibleError(problem);
  return std::move(*search.best);
}

//===----------------------------------------------------------------------===//
// Integer programme
//===----------------------------------------------------------------------===//

/// Drops options that another option of the same layer makes pointless: one
/// with the same activation bits (so ties cannot tell them apart) and no
/// more error and no more of any budgeted resource. Keeping a single one of
/// identical options also removes symmetric branches from the search.
static std::vector<std::vector<int>>
undominatedOptions(const PlanProblem &problem) {
  std::vector<std::vector<int>> allowed = allowedOptions(problem);
  auto noWorse = [&](const PlanOption &a, const PlanOption &b) {
    return a.activationBits == b.activationBits && a.error <= b.error &&
           (!problem.sizeBudget || a.bytes <= b.bytes) &&
           (!problem.bopsBudget || a.bops <= b.bops) &&
           (!problem.latencyBudget || a.latency <= b.latency);
  };
  std::vector<std::vector<int>> kept;
  for (auto [layer, options] : llvm::zip_equal(problem.layers, allowed)) {
    std::vector<int> &survivors = kept.emplace_back();
    for (auto [position, option] : llvm::enumerate(options)) {
      const PlanOption &candidate = layer.options[option];
      bool dominated = false;
      for (auto [otherPosition, other] : llvm::enumerate(options)) {
        if (otherPosition == position)
          continue;
        const PlanOption &rival = layer.options[other];
        // Of two options no worse than each other, keep the first.
        if (noWorse(rival, candidate) &&
            (!noWorse(candidate, rival) || otherPosition < position)) {
          dominated = true;
          break;
        }
      }
      if (!dominated)
        survivors.push_back(option);
    }
  }
  return kept;
}

namespace {
/// What the programme minimises: the plan's error, or its bytes when the
/// frontier needs the smallest feasible model.
enum class PlanObjective { Error, Bytes };

/// One GLPK problem object, freed on every path.
struct GlpkProblem {
  glp_prob *prob = glp_create_prob();
  ~GlpkProblem() { glp_delete_prob(prob); }
};

/// Sparse constraint matrix in GLPK's 1-based triplet form.
struct Triplets {
  std::vector<int> rows{0}, cols{0};
  std::vector<double> values{0.0};
  void add(int row, int col, double value) {
    rows.push_back(row);
    cols.push_back(col);
    values.push_back(value);
  }
};
} // namespace

static double objectiveValue(const PlanOption &option, PlanObjective kind) {
  return kind == PlanObjective::Error ? option.error : double(option.bytes);
}

namespace {
/// The integer programme over `options` (per layer, the option indices
/// that may be chosen) as a GLPK problem, built one kind of row at a time.
class Programme {
public:
  Programme(const PlanProblem &problem,
            const std::vector<std::vector<int>> &options, PlanObjective kind)
      : problem(problem), options(options), kind(kind) {}

  /// Columns x(i,o), "layer i takes option o", with their objective.
  void addChoices();
  /// One option per layer.
  void addOneChoicePerLayer();
  /// The budget on `resource`, as one row.
  void addBudget(double budget,
                 llvm::function_ref<double(const PlanOption &)> resource);
  /// Tied groups choose one activation width together.
  void addTies();
  /// Cuts that exclude each plan of `excluded`.
  void addExclusions(const std::vector<std::vector<int>> &excluded);
  /// The option of each layer in the optimum, or std::nullopt when the
  /// programme has no feasible solution.
  llvm::Expected<std::optional<std::vector<int>>> solve();

private:
  const PlanOption &option(size_t layer, int index) const {
    return problem.layers[layer].options[index];
  }

  const PlanProblem &problem;
  const std::vector<std::vector<int>> &options;
  PlanObjective kind;
  GlpkProblem glpk;
  Triplets matrix;
  /// The column of each layer's candidates, in the order of `options`.
  std::vector<std::vector<int>> column;
};
} // namespace

void Programme::addChoices() {
  glp_set_obj_dir(glpk.prob, GLP_MIN);
  // Objective: each layer's smallest value is a constant that every plan
  // pays, so only the excess over it enters the programme, scaled so that
  // the largest excess is 1e6. Differences down to 1e-13 of the largest
  // excess stay above GLPK's absolute tolerances (about 1e-7), and smaller
  // ones cannot move the total error by a relative 1e-13.
  std::vector<double> layerMinimum;
  double largestExcess = 0.0;
  for (auto [layer, candidates] : llvm::enumerate(options)) {
    double minimum = std::numeric_limits<double>::infinity();
    for (int o : candidates)
      minimum = std::min(minimum, objectiveValue(option(layer, o), kind));
    for (int o : candidates)
      largestExcess = std::max(
          largestExcess, objectiveValue(option(layer, o), kind) - minimum);
    layerMinimum.push_back(minimum);
  }
  double scale = largestExcess > 0.0 ? 1e6 / largestExcess : 1.0;

  column.assign(problem.layers.size(), {});
  for (auto [layer, candidates] : llvm::enumerate(options)) {
    int first = glp_add_cols(glpk.prob, candidates.size());
    for (auto [position, o] : llvm::enumerate(candidates)) {
      int col = first + position;
      column[layer].push_back(col);
      glp_set_col_kind(glpk.prob, col, GLP_BV);
      glp_set_obj_coef(
          glpk.prob, col,
          (objectiveValue(option(layer, o), kind) - layerMinimum[layer]) *
              scale);
    }
  }
}

void Programme::addOneChoicePerLayer() {
  for (size_t layer = 0; layer < options.size(); ++layer) {
    int row = glp_add_rows(glpk.prob, 1);
    glp_set_row_bnds(glpk.prob, row, GLP_FX, 1.0, 1.0);
    for (int col : column[layer])
      matrix.add(row, col, 1.0);
  }
}

void Programme::addBudget(
    double budget, llvm::function_ref<double(const PlanOption &)> resource) {
  // Divided by the budget (or the largest amount) so that bytes in the
  // billions and BOPs in the thousands reach GLPK at the same magnitude;
  // its presolver misjudges rows with huge coefficients.
  double magnitude = std::fabs(budget);
  for (auto [layer, candidates] : llvm::enumerate(options))
    for (int o : candidates)
      magnitude = std::max(magnitude, resource(option(layer, o)));
  if (magnitude == 0.0)
    magnitude = 1.0;
  int row = glp_add_rows(glpk.prob, 1);
  glp_set_row_bnds(glpk.prob, row, GLP_UP, 0.0, budget / magnitude);
  for (auto [layer, candidates] : llvm::enumerate(options))
    for (auto [position, o] : llvm::enumerate(candidates))
      if (double amount = resource(option(layer, o)))
        matrix.add(row, column[layer][position], amount / magnitude);
}

void Programme::addTies() {
  // A group chooses one activation width through indicators y(g,a), and
  // every member's options of width a together equal y(g,a). A width some
  // member lacks is thereby forbidden to the whole group. y need not be
  // integer: it equals a sum of binaries.
  for (const std::vector<int> &group : problem.tieGroups) {
    std::set<unsigned> widths;
    for (int layer : group)
      for (int o : options[layer])
        widths.insert(option(layer, o).activationBits);
    for (unsigned width : widths) {
      int indicator = glp_add_cols(glpk.prob, 1);
      glp_set_col_bnds(glpk.prob, indicator, GLP_DB, 0.0, 1.0);
      for (int layer : group) {
        int row = glp_add_rows(glpk.prob, 1);
        glp_set_row_bnds(glpk.prob, row, GLP_FX, 0.0, 0.0);
        matrix.add(row, indicator, -1.0);
        for (auto [position, o] : llvm::enumerate(options[layer]))
          if (option(layer, o).activationBits == width)
            matrix.add(row, column[layer][position], 1.0);
      }
    }
  }
}

void Programme::addExclusions(const std::vector<std::vector<int>> &excluded) {
  // At most n-1 of a plan's n columns.
  for (const std::vector<int> &plan : excluded) {
    int row = glp_add_rows(glpk.prob, 1);
    glp_set_row_bnds(glpk.prob, row, GLP_UP, 0.0, double(plan.size()) - 1.0);
    for (auto [layer, o] : llvm::enumerate(plan)) {
      auto it = llvm::find(options[layer], o);
      if (it != options[layer].end())
        matrix.add(row, column[layer][it - options[layer].begin()], 1.0);
    }
  }
}

llvm::Expected<std::optional<std::vector<int>>> Programme::solve() {
  glp_prob *prob = glpk.prob;
  glp_load_matrix(prob, matrix.rows.size() - 1, matrix.rows.data(),
                  matrix.cols.data(), matrix.values.data());

  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  parm.mip_gap = 0.0;
  // Integrality and pruning tolerances tighter than GLPK's defaults (1e-5
  // and 1e-7), so that neither a nearly integral point nor a node whose
  // bound is only slightly better than the incumbent is taken for done.
  parm.tol_int = 1e-9;
  parm.tol_obj = 1e-12;
  int previousOutput = glp_term_out(GLP_OFF);
  int status = glp_intopt(prob, &parm);
  glp_term_out(previousOutput);
  if (status == GLP_ENOPFS || status == GLP_ENODFS)
    return std::nullopt;
  if (status != 0)
    return makeError(
        llvm::formatv("GLPK failed to solve the plan (code {0})", status));
  int mipStatus = glp_mip_status(prob);
  if (mipStatus == GLP_NOFEAS)
    return std::nullopt;
  if (mipStatus != GLP_OPT)
    return makeError(llvm::formatv(
        "GLPK stopped without an optimal plan (status {0})", mipStatus));

  std::vector<int> choice;
  for (auto [layer, candidates] : llvm::enumerate(options)) {
    int chosen = -1;
    for (auto [position, o] : llvm::enumerate(candidates))
      if (glp_mip_col_val(prob, column[layer][position]) > 0.5) {
        if (chosen >= 0)
          return makeError("GLPK chose two options for one layer");
        chosen = o;
      }
    if (chosen < 0)
      return makeError("GLPK chose no option for a layer");
    choice.push_back(chosen);
  }
  return choice;
}

/// Solves the integer programme over `options` (per layer, the option
/// indices that may be chosen), excluding every plan in `excluded`. Returns
/// std::nullopt when it has no feasible solution.
static llvm::Expected<std::optional<std::vector<int>>>
solveProgramme(const PlanProblem &problem,
               const std::vector<std::vector<int>> &options, PlanObjective kind,
               const std::vector<std::vector<int>> &excluded) {
  Programme programme(problem, options, kind);
  programme.addChoices();
  programme.addOneChoicePerLayer();
  if (problem.sizeBudget)
    programme.addBudget(double(*problem.sizeBudget),
                        [](const PlanOption &o) { return double(o.bytes); });
  if (problem.bopsBudget)
    programme.addBudget(double(*problem.bopsBudget),
                        [](const PlanOption &o) { return double(o.bops); });
  if (problem.latencyBudget)
    programme.addBudget(*problem.latencyBudget,
                        [](const PlanOption &o) { return o.latency; });
  programme.addTies();
  programme.addExclusions(excluded);
  return programme.solve();
}

/// Solves with GLPK, re-checking the answer exactly. GLPK accepts a budget
/// row violated within its feasibility tolerance; such a plan is excluded
/// and the programme solved again, which loses no feasible plan.
static llvm::Expected<std::optional<Plan>>
solveFeasibly(const PlanProblem &problem,
              const std::vector<std::vector<int>> &options,
              PlanObjective kind) {
  constexpr unsigned kMaxResolves = 64;
  std::vector<std::vector<int>> excluded;
  for (unsigned attempt = 0; attempt <= kMaxResolves; ++attempt) {
    auto choice = solveProgramme(problem, options, kind, excluded);
    if (!choice)
      return choice.takeError();
    if (!*choice)
      return std::nullopt;
    Plan plan = evaluatePlan(problem, **choice);
    if (isPlanFeasible(problem, plan))
      return plan;
    excluded.push_back(std::move(**choice));
  }
  return makeError("GLPK kept returning plans that exceed a budget");
}

static double objectiveOf(const Plan &plan, PlanObjective kind) {
  return kind == PlanObjective::Error ? plan.error : double(plan.bytes);
}

/// Solves to optimality despite GLPK's tolerances. Its simplex judges
/// reduced costs relative to the largest objective coefficients, so when
/// some options cost 1e3 more than their layer's best, differences of 1e-7
/// elsewhere can go unnoticed (measured: plans 0.2% worse than optimal on
/// random problems). Any plan bounds the optimum: an option whose excess
/// over its layer's best exceeds the plan's total excess cannot be part of
/// a better plan, since every other layer adds a non-negative excess. Such
/// options are dropped and the programme solved again on the smaller
/// spread of coefficients, until no option can be dropped.
static llvm::Expected<std::optional<Plan>>
solveExactly(const PlanProblem &problem, std::vector<std::vector<int>> options,
             PlanObjective kind) {
  auto incumbent = solveFeasibly(problem, options, kind);
  while (incumbent && *incumbent) {
    const Plan &plan = **incumbent;
    std::vector<double> minimum;
    double excess = 0.0;
    for (auto [index, candidates] : llvm::enumerate(options)) {
      const PlanLayer &layer = problem.layers[index];
      double best = std::numeric_limits<double>::infinity();
      for (int option : candidates)
        best = std::min(best, objectiveValue(layer.options[option], kind));
      minimum.push_back(best);
      excess += objectiveValue(layer.options[plan.choice[index]], kind) - best;
    }
    // The slack keeps rounding in the sums from dropping an option that
    // ties with the bound.
    double bound = excess * (1.0 + 1e-12) + 1e-300;
    bool dropped = false;
    for (auto [index, candidates] : llvm::enumerate(options)) {
      const PlanLayer &layer = problem.layers[index];
      size_t before = candidates.size();
      llvm::erase_if(candidates, [&](int option) {
        return option != plan.choice[index] &&
               objectiveValue(layer.options[option], kind) - minimum[index] >
                   bound;
      });
      dropped |= candidates.size() != before;
    }
    if (!dropped)
      break;
    auto next = solveFeasibly(problem, options, kind);
    if (!next)
      return next.takeError();
    // The incumbent stays feasible for the smaller programme, so only a
    // better plan can replace it.
    if (!*next || objectiveOf(**next, kind) >= objectiveOf(plan, kind))
      break;
    incumbent = std::move(next);
  }
  return incumbent;
}

/// The optimal plan, or std::nullopt when no plan meets the budgets.
static llvm::Expected<std::optional<Plan>>
solveVerified(const PlanProblem &problem) {
  if (llvm::Error error = verifyPlanProblem(problem))
    return error;
  std::vector<std::vector<int>> options = undominatedOptions(problem);
  for (auto [index, candidates] : llvm::enumerate(options))
    if (candidates.empty())
      return makeError("layer " + layerName(problem, index) +
                       " is pinned to no option");
  if (problem.layers.empty())
    return std::optional<Plan>(Plan());
  return solveExactly(problem, options, PlanObjective::Error);
}

llvm::Expected<Plan> compress::solvePlan(const PlanProblem &problem) {
  auto plan = solveVerified(problem);
  if (!plan)
    return plan.takeError();
  if (!*plan)
    return infeasibleError(problem);
  return std::move(**plan);
}

//===----------------------------------------------------------------------===//
// Pareto frontier
//===----------------------------------------------------------------------===//

llvm::Expected<std::vector<Plan>>
compress::paretoFrontier(const PlanProblem &problem, unsigned maxSolves) {
  if (llvm::Error error = verifyPlanProblem(problem))
    return error;
  std::vector<Plan> plans;
  unsigned solves = 0;
  auto solveFor = [&](std::optional<int64_t> budget) {
    PlanProblem bounded = problem;
    bounded.sizeBudget = budget;
    ++solves;
    return solveVerified(bounded);
  };

  // The smallest feasible model bounds the sweep from below.
  std::vector<std::vector<int>> allowed = allowedOptions(problem);
  if (llvm::any_of(allowed, [](auto &options) { return options.empty(); }))
    return makeError("a pinned layer allows no option");
  if (problem.layers.empty())
    return std::vector<Plan>{Plan()};
  auto smallest = solveExactly(problem, allowed, PlanObjective::Bytes);
  if (!smallest)
    return smallest.takeError();
  if (!*smallest)
    return plans;
  int64_t lowest = (*smallest)->bytes;

  // Exact walk: the optimum under budget B has some size b <= B and stays
  // optimal for every budget in [b, B], so the next breakpoint lies below b.
  std::optional<int64_t> budget = problem.sizeBudget;
  unsigned walkLimit = std::max(1u, maxSolves / 2);
  while (solves < walkLimit && (!budget || *budget >= lowest)) {
    auto plan = solveFor(budget);
    if (!plan)
      return plan.takeError();
    if (!*plan)
      break;
    budget = (*plan)->bytes - 1;
    plans.push_back(std::move(**plan));
  }

  // Evenly spaced budgets over what the walk did not reach.
  if (budget && *budget >= lowest && solves < maxSolves) {
    int64_t steps = std::min<int64_t>(maxSolves - solves, *budget - lowest + 1);
    for (int64_t step = 0; step < steps; ++step) {
      int64_t sample =
          lowest + (steps > 1 ? (*budget - lowest) * step / (steps - 1) : 0);
      auto plan = solveFor(sample);
      if (!plan)
        return plan.takeError();
      if (*plan)
        plans.push_back(std::move(**plan));
    }
  }

  // Keep the non-dominated plans: by increasing bytes, each must have less
  // error than every smaller one.
  llvm::sort(plans, [](const Plan &a, const Plan &b) {
    return a.bytes != b.bytes ? a.bytes < b.bytes : a.error < b.error;
  });
  std::vector<Plan> frontier;
  for (Plan &plan : plans)
    if (frontier.empty() || plan.error < frontier.back().error) {
      if (!frontier.empty() && frontier.back().bytes == plan.bytes)
        continue;
      frontier.push_back(std::move(plan));
    }
  return frontier;
}
