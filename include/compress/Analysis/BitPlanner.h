//===- BitPlanner.h - Exact mixed-precision bit-width planning --*- C++ -*-===//
//
// The planner chooses, for every layer of a network, one compression option
// (weight bits, activation bits, sparsity) so that the total predicted error is as
// small as possible while the model fits a size budget and, optionally, a
// BOPs and a latency budget. Layers whose activations must share one width
// (layers reading one quantized tensor) form tie groups; a layer can be pinned to
// a subset of its options (keep the first and last layers at 8 bits).
//
// The planner knows nothing of the IR: the caller measures each option
// (bytes, BOPs, latency, Hessian-weighted error) and the planner only
// optimises over those numbers. That keeps it testable against brute force
// and usable by any front end. docs/Planner.md describes the formulation.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_BITPLANNER_H
#define COMPRESS_ANALYSIS_BITPLANNER_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compress {

/// One way to quantize a layer, with what it costs and how much error it is
/// predicted to add.
struct PlanOption {
  unsigned weightBits = 8;
  unsigned activationBits = 8;
  /// The fraction of the layer's weights pruned, in [0, 1).
  double sparsity = 0.0;
  /// Bytes of the layer's stored weights under this option (with the
  /// sparse layout's mask when pruned).
  int64_t bytes = 0;
  /// Bit operations (MACs times weight bits times activation bits).
  int64_t bops = 0;
  /// Predicted latency of the layer, in any unit shared by all layers.
  double latency = 0.0;
  /// Predicted error, e.g. Hessian trace times the quantization
  /// perturbation (HAWQ's Omega). Must be finite and non-negative.
  double error = 0.0;
};

/// A layer and the options it may choose from.
struct PlanLayer {
  std::string name;
  std::vector<PlanOption> options;
  /// Indices into `options` the layer is pinned to; empty means any option.
  std::vector<int> allowedOptions;
};

/// The whole planning problem. Unset budgets do not constrain the plan.
struct PlanProblem {
  std::vector<PlanLayer> layers;
  std::optional<int64_t> sizeBudget;
  std::optional<int64_t> bopsBudget;
  std::optional<double> latencyBudget;
  /// Groups of layer indices whose chosen options must have equal
  /// activation bits. A layer may appear in several groups.
  std::vector<std::vector<int>> tieGroups;
};

/// A chosen option per layer and the totals it leads to.
struct Plan {
  /// Index into `PlanLayer::options`, one per layer.
  std::vector<int> choice;
  double error = 0.0;
  int64_t bytes = 0;
  int64_t bops = 0;
  double latency = 0.0;
};

/// Latency sums are floating point, so a plan whose latency exceeds the
/// budget by this relative amount or less still counts as meeting it; both
/// solvers use the same rule so that their answers can be compared.
inline constexpr double kLatencyRelativeSlack = 1e-9;

/// Checks that `problem` is well formed: every layer has options, values are
/// finite and non-negative, and pins and tie groups name existing options
/// and layers.
llvm::Error verifyPlanProblem(const PlanProblem &problem);

/// The totals of `choice` (one option index per layer).
Plan evaluatePlan(const PlanProblem &problem, const std::vector<int> &choice);

/// Whether `plan` respects the pins, the budgets and the tie groups.
bool isPlanFeasible(const PlanProblem &problem, const Plan &plan);

/// Solves the problem exactly as an integer linear programme (GLPK). Fails
/// with a message naming the violated budget when no plan meets the budgets,
/// and on malformed problems.
llvm::Expected<Plan> solvePlan(const PlanProblem &problem);

/// Solves the problem by enumerating all plans. Meant for tests and tiny
/// problems: fails when there are more than `maxPlans` combinations.
llvm::Expected<Plan> solvePlanExhaustively(const PlanProblem &problem,
                                           uint64_t maxPlans = 1u << 24);

/// Plans that trade size against error: sorted by increasing bytes and
/// strictly decreasing error, each optimal for a size budget equal to its
/// own bytes (the other budgets, ties and pins of `problem` still apply;
/// its size budget, if set, caps the sweep).
///
/// The frontier is walked exactly, one breakpoint per solve, from the
/// largest useful size downwards. When that takes more than half of
/// `maxSolves`, the rest of the size range is sampled at evenly spaced
/// budgets instead, so the frontier stays complete at the large end and
/// approximate, though made of optimal plans, at the small end. Returns an
/// empty frontier when no plan meets the other budgets.
llvm::Expected<std::vector<Plan>> paretoFrontier(const PlanProblem &problem,
                                                 unsigned maxSolves = 256);

} // namespace compress

#endif // COMPRESS_ANALYSIS_BITPLANNER_H
