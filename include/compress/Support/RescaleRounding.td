//===- RescaleRounding.td - Rounding of fixed-point rescales -*- tablegen -*-===//
//
// The one enum for the rounding of a fixed-point rescale: the reference
// arithmetic (FixedPoint.h), the kernels, the pass options and the qint
// dialect's `#qint.rounding` attribute all use it.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_SUPPORT_RESCALEROUNDING_TD
#define COMPRESS_SUPPORT_RESCALEROUNDING_TD

include "mlir/IR/EnumAttr.td"

def Support_RescaleRounding : I32Enum<"RescaleRounding",
    "rounding of a fixed-point rescale, as in tosa.rescale",
    [I32EnumCase<"Single", 0, "single_round">,
     I32EnumCase<"Double", 1, "double_round">]> {
  let cppNamespace = "::compress";
  let description = [{
    As tosa.rescale's `rounding_mode`: `single_round` adds half of the
    last step before the shift; `double_round` also rounds at 31 bits
    first when the shift exceeds 31. INEXACT_ROUND has no counterpart:
    upstream refuses to lower it.
  }];
}

#endif // COMPRESS_SUPPORT_RESCALEROUNDING_TD
