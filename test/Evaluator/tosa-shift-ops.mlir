// The reference evaluator's integer shifts (which the TOSA export of packed
// sub-byte weights uses) against upstream MLIR's TOSA lowering (JIT), bit
// for bit: logical left and right shifts of the element's bit pattern, and
// the arithmetic right shift with and without rounding, on i32 and i8
// values of both signs.

// RUN: compress-run %s --input %S/Inputs/x_3x6x6x4.npy -o %t.ref.npy
// RUN: compress-run %s --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.ref.npy --tolerance 0 | FileCheck %s
// CHECK: max_abs_diff: 0{{$}}

func.func @main(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x20xf32> {
  %big = "tosa.const"() <{values = dense<[[[[100000.0, -70000.0, 3000.0, -255.0]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %shift0 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %scaled = tosa.mul %x, %big, %shift0 : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x6x6x4xf32>
  %i = tosa.cast %scaled : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xi32>
  %amounts = "tosa.const"() <{values = dense<[[[[0, 3, 17, 31]]]]> : tensor<1x1x1x4xi32>}> : () -> tensor<1x1x1x4xi32>
  %l = tosa.logical_left_shift %i, %amounts : (tensor<1x6x6x4xi32>, tensor<1x1x1x4xi32>) -> tensor<1x6x6x4xi32>
  %r = tosa.logical_right_shift %i, %amounts : (tensor<1x6x6x4xi32>, tensor<1x1x1x4xi32>) -> tensor<1x6x6x4xi32>
  %a = tosa.arithmetic_right_shift %i, %amounts {round = false} : (tensor<1x6x6x4xi32>, tensor<1x1x1x4xi32>) -> tensor<1x6x6x4xi32>
  %ar = tosa.arithmetic_right_shift %i, %amounts {round = true} : (tensor<1x6x6x4xi32>, tensor<1x1x1x4xi32>) -> tensor<1x6x6x4xi32>
  %b = tosa.cast %i : (tensor<1x6x6x4xi32>) -> tensor<1x6x6x4xi8>
  %amounts8 = "tosa.const"() <{values = dense<[[[[1, 4, 6, 7]]]]> : tensor<1x1x1x4xi8>}> : () -> tensor<1x1x1x4xi8>
  %b8 = tosa.logical_right_shift %b, %amounts8 : (tensor<1x6x6x4xi8>, tensor<1x1x1x4xi8>) -> tensor<1x6x6x4xi8>
  %b32 = tosa.cast %b8 : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi32>
  %c = tosa.concat %l, %r, %a, %ar, %b32 {axis = 3 : i32} : (tensor<1x6x6x4xi32>, tensor<1x6x6x4xi32>, tensor<1x6x6x4xi32>, tensor<1x6x6x4xi32>, tensor<1x6x6x4xi32>) -> tensor<1x6x6x20xi32>
  %f = tosa.cast %c : (tensor<1x6x6x20xi32>) -> tensor<1x6x6x20xf32>
  return %f : tensor<1x6x6x20xf32>
}
