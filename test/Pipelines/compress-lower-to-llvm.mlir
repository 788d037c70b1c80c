// RUN: compress-opt %s --compress-lower-to-llvm="kernels=x86-vnni" | FileCheck %s
// RUN: compress-opt %s --compress-lower-to-llvm | FileCheck %s --check-prefix=TOSA
// RUN: not compress-opt %s --compress-lower-to-llvm="kernels=fast" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not compress-opt %s --compress-lower-to-llvm="arena=stack" 2>&1 | FileCheck %s --check-prefix=BADARENA
// RUN: compress-opt %s --compress-lower-to-llvm --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=PASSES
// RUN: compress-opt %s --compress-lower-to-llvm="kernels=x86-vnni cleanup=true arena=global sparse-kernels=65" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=PASSES-VNNI
// RUN: compress-opt %s --compress-lower-to-llvm="arena=none" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=PASSES-NO-ARENA

/// The pass list, as --dump-pass-pipeline expands the named pipeline.
/// Upstream passes' options are left out: they are upstream's defaults.
// PASSES:      Pass Manager with 20 passes:
// PASSES-NEXT: builtin.module(
// PASSES-NEXT:   func.func(
// PASSES-NEXT:     convert-qint-to-tosa,
// PASSES-NEXT:     tosa-to-linalg-named{{.*}},
// PASSES-NEXT:     tosa-to-linalg{{.*}},
// PASSES-NEXT:     tosa-to-arith{include-apply-rescale=true {{.*}}},
// PASSES-NEXT:     tosa-to-tensor,
// PASSES-NEXT:     linalg-fuse-elementwise-ops
// PASSES-NEXT:   ),
// PASSES-NEXT:   one-shot-bufferize{{.*}} bufferize-function-boundaries=true {{.*}} function-boundary-type-conversion=identity-layout-map {{.*}},
// PASSES-NEXT:   func.func(
// PASSES-NEXT:     compress-expand-strided-copies
// PASSES-NEXT:   ),
// PASSES-NEXT:   func.func(
// PASSES-NEXT:     convert-linalg-to-loops
// PASSES-NEXT:   ),
// PASSES-NEXT:   compress-plan-buffers{arena=heap},
// PASSES-NEXT:   expand-realloc{{.*}},
// PASSES-NEXT:   canonicalize{{.*}},
// PASSES-NEXT:   ownership-based-buffer-deallocation{{.*}},
// PASSES-NEXT:   canonicalize{{.*}},
// PASSES-NEXT:   buffer-deallocation-simplification,
// PASSES-NEXT:   bufferization-lower-deallocations,
// PASSES-NEXT:   cse,
// PASSES-NEXT:   canonicalize{{.*}},
// PASSES-NEXT:   expand-strided-metadata,
// PASSES-NEXT:   lower-affine,
// PASSES-NEXT:   convert-scf-to-cf{{.*}},
// PASSES-NEXT:   convert-math-to-llvm{{.*}},
// PASSES-NEXT:   convert-vector-to-llvm{{.*}},
// PASSES-NEXT:   convert-to-llvm{{.*}},
// PASSES-NEXT:   reconcile-unrealized-casts
// PASSES-NEXT: )

/// kernels=x86-vnni puts convert-qint-to-x86 first, cleanup=true
/// compress-cleanup after the export to TOSA, and the arena is passed on.
// PASSES-VNNI:      Pass Manager with 21 passes:
// PASSES-VNNI-NEXT: builtin.module(
// PASSES-VNNI-NEXT:   convert-qint-to-x86{sparse-kernels=65},
// PASSES-VNNI-NEXT:   func.func(
// PASSES-VNNI-NEXT:     convert-qint-to-tosa,
// PASSES-VNNI-NEXT:     compress-cleanup{max-fold-elements=1048576},
// PASSES-VNNI-NEXT:     tosa-to-linalg-named{{.*}},
// PASSES-VNNI:        compress-plan-buffers{arena=global},

/// arena=none leaves compress-plan-buffers out.
// PASSES-NO-ARENA:     Pass Manager with 19 passes:
// PASSES-NO-ARENA:       convert-linalg-to-loops
// PASSES-NO-ARENA-NEXT:  ),
// PASSES-NO-ARENA-NEXT:  expand-realloc{{.*}},
// PASSES-NO-ARENA-NOT:   compress-plan-buffers

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
