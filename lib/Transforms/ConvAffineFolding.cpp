//===- ConvAffineFolding.cpp - Fold batch norm into convolutions ----------===//

#include "compress/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;

void compress::populateConvAffineFoldingPatterns(RewritePatternSet &patterns) {
}
