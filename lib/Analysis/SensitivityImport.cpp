//===- SensitivityImport.cpp - Hessian traces read from a JSON file -------===//
//
// Traces computed by another tool, such as PyHessian during training, come
// as a JSON object keyed by compress's layer names. Reading them is parsing
// an interchange format, so it sits beside the estimators whose results it
// stands in for, where it can be tested without a pass; its diagnostics
// need only the function and the layers' ops, which the caller passes.
//
//===----------------------------------------------------------------------===//

#include "compress/Analysis/Sensitivity.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <optional>
#include <string>

using namespace mlir;
using namespace compress;

/// Reports that the file at `path` names layers that `func` does not have,
/// listing both.
static InFlightDiagnostic reportUnknownLayers(Operation *anchor,
                                              func::FuncOp func, StringRef path,
                                              SmallVector<std::string> unknown,
                                              ArrayRef<WeightLayer> layers) {
  // JSON objects are unordered; sorting keeps the message stable.
  llvm::sort(unknown);
  InFlightDiagnostic diag = anchor->emitError("sensitivity file '")
                            << path << "' names no layer of @"
                            << func.getSymName() << ": ";
  llvm::interleave(
      unknown, [&](const std::string &name) { diag << "'" << name << "'"; },
      [&] { diag << ", "; });
  diag << " (layers: ";
  llvm::interleave(
      layers, [&](const WeightLayer &layer) { diag << layer.name; },
      [&] { diag << ", "; });
  diag << ")";
  return diag;
}

/// The traces of one entry: a number is the weight trace; an object may
/// add the input's. Nothing if either is not a finite non-negative number.
static std::optional<LayerTraces> parseEntry(const llvm::json::Value &entry) {
  std::optional<double> trace = entry.getAsNumber();
  std::optional<double> activationTrace = 0.0;
  if (const llvm::json::Object *object = entry.getAsObject()) {
    trace = object->getNumber("trace");
    if (const llvm::json::Value *a = object->get("activation_trace"))
      activationTrace = a->getAsNumber();
  }
  auto valid = [](std::optional<double> v) {
    return v && std::isfinite(*v) && *v >= 0;
  };
  if (!valid(trace) || !valid(activationTrace))
    return std::nullopt;
  return LayerTraces{*trace, *activationTrace};
}

FailureOr<SensitivityEstimate>
compress::importTraces(func::FuncOp func, ArrayRef<WeightLayer> layers,
                       StringRef path) {
  // Problems with the file as a whole are the module's, which names it in
  // the pass options.
  Operation *anchor = func->getParentOfType<ModuleOp>();
  if (!anchor)
    anchor = func;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return anchor->emitError("cannot read sensitivity file '")
           << path << "': " << buffer.getError().message();
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return anchor->emitError("sensitivity file '")
           << path
           << "' is not valid JSON: " << llvm::toString(parsed.takeError());
  const llvm::json::Object *entries = parsed->getAsObject();
  if (!entries)
    return anchor->emitError("sensitivity file '")
           << path
           << "' must hold a JSON object mapping layer names to average "
              "traces";

  llvm::StringSet<> layerNames;
  for (const WeightLayer &layer : layers)
    layerNames.insert(layer.name);
  SmallVector<std::string> unknown;
  for (const auto &entry : *entries)
    if (!layerNames.contains(entry.first.str()))
      unknown.push_back(entry.first.str());
  if (!unknown.empty())
    return reportUnknownLayers(anchor, func, path, std::move(unknown), layers);

  SensitivityEstimate estimate;
  bool missing = false;
  for (const WeightLayer &layer : layers) {
    const llvm::json::Value *entry = entries->get(layer.name);
    if (!entry) {
      layer.op->emitError("sensitivity file '")
          << path << "' has no entry for layer '" << layer.name << "'";
      missing = true;
      continue;
    }
    std::optional<LayerTraces> traces = parseEntry(*entry);
    if (!traces)
      return anchor->emitError("sensitivity of layer '")
             << layer.name << "' in '" << path
             << "' must be a non-negative number or an object "
                "{\"trace\": t, \"activation_trace\": a} of them";
    estimate.traces.push_back(*traces);
  }
  if (missing)
    return failure();
  return estimate;
}
