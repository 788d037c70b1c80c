include "mlir/IR/OpBase.td"
include "compress/Dialect/QInt/IR/QIntOps.td"
