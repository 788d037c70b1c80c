// RUN: compress-opt %s --compress-lower-to-llvm="kernels=x86-vnni" | FileCheck %s
// RUN: compress-opt %s --compress-lower-to-llvm | FileCheck %s --check-prefix=TOSA
// RUN: not compress-opt %s --compress-lower-to-llvm="kernels=fast" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not compress-opt %s --compress-lower-to-llvm="arena=stack" 2>&1 | FileCheck %s --check-prefix=BADARENA

/// kernels=x86-vnni: the convolution becomes a VNNI kernel whose dot
/// product is the intrinsic, and its temporaries share one arena
/// (allocated per call by default). The default takes the TOSA path.
// CHECK-LABEL: llvm.func @main
// CHECK: llvm.call @malloc
// CHECK: llvm.call @llvm.x86.avx512.vpdpbusd.512
// CHECK: llvm.func @llvm.x86.avx512.vpdpbusd.512(vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// TOSA-LABEL: llvm.func @main
// TOSA-NOT: vpdpbusd
// BAD: Cannot find option named 'fast'
// BADARENA: Cannot find option named 'stack'
func.func @main(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x16xi8> {
  %w = arith.constant dense<1> : tensor<16x3x3x8xi8>
  %acc = qint.conv2d %x, %w {input_zp = -128 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x8xi8>, tensor<16x3x3x8xi8>) -> tensor<1x4x4x16xi32>
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
      shift = array<i8: 36>, output_zp = -128 : i64, clamp_min = -128 : i64,
      clamp_max = 127 : i64} : tensor<1x4x4x16xi32> -> tensor<1x4x4x16xi8>
  return %y : tensor<1x4x4x16xi8>
}
