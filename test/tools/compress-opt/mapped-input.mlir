// compress-opt releases the pages of a memory-mapped input once it is
// parsed. A diagnostic emitted later by a pass still quotes its source line:
// this file, padded to well over the size LLVM maps rather than reads, has
// its error at the end.
//
// RUN: %python -c "import sys; sys.stdout.write('// padding\n' * 8192)" > %t.mlir
// RUN: cat %s >> %t.mlir
// RUN: not compress-opt %t.mlir --compress-narrow-accumulators="accumulator-bits=20" 2>&1 | FileCheck %s

// CHECK: error: accumulator of layer 'fc' is not proven to fit accumulator-bits=20
// CHECK-NEXT: %acc = qint.matmul %x, %w {lhs_zp = -128 : i64}
// CHECK-NEXT: ^
func.func @too_wide(%x: tensor<1x1x576xi8>) -> tensor<1x1x2xi8> {
  %w = arith.constant dense<127> : tensor<1x576x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = -128 : i64}
      : (tensor<1x1x576xi8>, tensor<1x576x2xi8>) -> tensor<1x1x2xi32>
  %y = qint.requantize %acc {compress.layer = "fc", multiplier = array<i32: 1073741824>,
                             shift = array<i8: 40>, output_zp = 0 : i64,
                             clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x1x2xi32> -> tensor<1x1x2xi8>
  return %y : tensor<1x1x2xi8>
}
