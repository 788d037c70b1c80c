//===- TransposeSinking.cpp - Cancel NCHW<->NHWC transpose pairs ----------===//

#include "compress/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;

void compress::populateTransposeSinkingPatterns(RewritePatternSet &patterns) {}
