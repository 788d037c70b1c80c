#include "compress/Dialect/QInt/IR/QInt.h"
#include "compress/Support/Tensor.h"
#include "compress/Transforms/Passes.h"
