// RUN: compress-opt %s --split-input-file --convert-qint-to-x86 | FileCheck %s
// RUN: compress-opt %s --split-input-file --convert-qint-to-x86=sparse-kernels=101 | FileCheck %s --check-prefix=NEVER

/// A convolution, its requantize and the residual add after it become one
/// kernel: packed weights, the bias with the zero point and the u8 shift
/// folded in (100 - (128 + 0) * 3 = -284), a halo buffer, vpdpbusd, and
/// the epilogue. The weights op goes away with the ops that read it.
// CHECK-LABEL: func.func @conv_requantize_add
// CHECK-SAME: %[[X:.*]]: tensor<1x4x4x1xi8>, %[[SKIP:.*]]: tensor<1x4x4x1xi8>
// CHECK-NOT: qint.
// CHECK: arith.constant dense<[3, 0, 0, {{.*}}]> : tensor<64xi8>
// CHECK: arith.constant dense<[-284, 0, {{.*}}]> : tensor<16xi32>
// CHECK: bufferization.to_buffer %[[SKIP]] read_only
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x1xi8>
// CHECK: bufferization.to_buffer %[[X]] read_only
// CHECK: %[[HALO:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64xi8>
// CHECK: arith.xori
// CHECK: vector.maskedstore %[[HALO]]
// CHECK: func.call @llvm.x86.avx512.vpdpbusd.512
// CHECK: arith.muli {{.*}} : vector<8xi64>
// CHECK: arith.shrsi {{.*}} : vector<8xi64>
// CHECK: memref.store {{.*}} : memref<16xi8>
// CHECK: %[[Y:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NOT: qint.
// CHECK: return %[[Y]]
// CHECK: func.func private @llvm.x86.avx512.vpdpbusd.512(vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
func.func @conv_requantize_add(%x: tensor<1x4x4x1xi8>,
                               %skip: tensor<1x4x4x1xi8>)
    -> tensor<1x4x4x1xi8> {
  %w = qint.weights {bits = 4 : i64, scales = array<f32: 0.5>,
                     values = dense<3> : tensor<1x1x1x1xi8>}
      : tensor<1x1x1x1xi8>
  %b = arith.constant dense<100> : tensor<1xi32>
  %acc = qint.conv2d %x, %w, %b {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x1xi8>, tensor<1x1x1x1xi8>, tensor<1xi32>)
      -> tensor<1x4x4x1xi32>
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
      shift = array<i8: 31>, output_zp = 0 : i64, clamp_min = -128 : i64,
      clamp_max = 127 : i64} : tensor<1x4x4x1xi32> -> tensor<1x4x4x1xi8>
  %z = qint.add %y, %skip {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = 0 : i64, clamp_max = 127 : i64}
      : (tensor<1x4x4x1xi8>, tensor<1x4x4x1xi8>) -> tensor<1x4x4x1xi8>
  return %z : tensor<1x4x4x1xi8>
}

// -----

/// A matmul without a requantize stores its i32 accumulators. Its weights
/// [K, N] are packed as [N/16][K/4][16][4]; the zero point -1 folds in as
/// bias - (128 - 1) * sum(w): 0 - 127 * (1 + 2) = -381 for column 0, and
/// 0 - 127 * (-1 + 4) = -381 for column 1.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: qint.matmul
// CHECK: arith.constant dense<[1, 2, 0, 0, -1, 4, 0, 0, 0, {{.*}}]> : tensor<64xi8>
// CHECK: arith.constant dense<[-381, -381, 0, {{.*}}]> : tensor<16xi32>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x3x2xi32>
// CHECK: func.call @llvm.x86.avx512.vpdpbusd.512
// CHECK: vector.maskedstore {{.*}} : memref<6xi32>, vector<16xi1>, vector<16xi32>
// CHECK-NOT: qint.matmul
func.func @matmul(%x: tensor<1x3x2xi8>) -> tensor<1x3x2xi32> {
  %w = arith.constant dense<[[[1, -1], [2, 4]]]> : tensor<1x2x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = -1 : i64}
      : (tensor<1x3x2xi8>, tensor<1x2x2xi8>) -> tensor<1x3x2xi32>
  return %acc : tensor<1x3x2xi32>
}

// -----

/// A depthwise convolution multiplies 16 channels at a time: its weights
/// are widened to i32 per tap, [KH][KW][16], and the bias gets the same
/// correction: 5 - (128 - 28) * 2 = -195 and 0 - 100 * -3 = 300.
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: qint.depthwise_conv2d
// CHECK: arith.constant dense<[2, -3, 0, {{.*}}]> : tensor<16xi32>
// CHECK: arith.constant dense<[-195, 300, 0, {{.*}}]> : tensor<16xi32>
// CHECK: arith.extui {{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.muli {{.*}} : vector<16xi32>
// CHECK-NOT: qint.depthwise_conv2d
func.func @depthwise(%x: tensor<1x3x3x2xi8>) -> tensor<1x3x3x2xi32> {
  %w = arith.constant dense<[[[[2], [-3]]]]> : tensor<1x1x2x1xi8>
  %b = arith.constant dense<[5, 0]> : tensor<2xi32>
  %acc = qint.depthwise_conv2d %x, %w, %b {input_zp = -28 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x3x3x2xi8>, tensor<1x1x2x1xi8>, tensor<2xi32>)
      -> tensor<1x3x3x2xi32>
  return %acc : tensor<1x3x3x2xi32>
}

// -----

/// An accumulator narrower than i32 is summed in i32 and wrapped to its
/// width in the fused requantize: shifted left and arithmetically right by
/// 32 - 20 = 12.
// CHECK-LABEL: func.func @narrow_accumulator
// CHECK-NOT: qint.
// CHECK: func.call @llvm.x86.avx512.vpdpbusd.512
// CHECK: %[[AMOUNT:.*]] = arith.constant dense<12> : vector<16xi32>
// CHECK: %[[UP:.*]] = arith.shli %{{.*}}, %[[AMOUNT]] : vector<16xi32>
// CHECK: arith.shrsi %[[UP]], %[[AMOUNT]] : vector<16xi32>
// CHECK-NOT: qint.
func.func @narrow_accumulator(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8> {
  %w = arith.constant dense<1> : tensor<4x1x1x4xi8>
  %b = arith.constant dense<[524287, 0, -1, -524288]> : tensor<4xi20>
  %acc = qint.conv2d %x, %w, %b {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi20>)
      -> tensor<1x2x2x4xi20>
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
      shift = array<i8: 40>, output_zp = 0 : i64, clamp_min = -128 : i64,
      clamp_max = 127 : i64} : tensor<1x2x2x4xi20> -> tensor<1x2x2x4xi8>
  return %y : tensor<1x2x2x4xi8>
}

// -----

/// Weights read by two kernels are packed for each and removed once.
// CHECK-LABEL: func.func @shared_weights
// CHECK-NOT: qint.
// CHECK-COUNT-2: bufferization.to_tensor
// CHECK-NOT: qint.
func.func @shared_weights(%x: tensor<1x2x2x4xi8>)
    -> (tensor<1x2x2x4xi32>, tensor<1x2x2x4xi32>) {
  %w = qint.weights {bits = 8 : i64,
                     scales = array<f32: 0.5, 0.5, 0.5, 0.5>,
                     values = dense<1> : tensor<4x1x1x4xi8>}
      : tensor<4x1x1x4xi8>
  %a = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>) -> tensor<1x2x2x4xi32>
  %b = qint.conv2d %x, %w {input_zp = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x4xi8>, tensor<4x1x1x4xi8>) -> tensor<1x2x2x4xi32>
  return %a, %b : tensor<1x2x2x4xi32>, tensor<1x2x2x4xi32>
}

// -----

/// What the kernels do not take stays for convert-qint-to-tosa: weights
/// that are not constant, an accumulator narrower than i32 that no
/// requantize reads (the kernels store only i32 and i8), a weight zero
/// point, a weight matrix per batch, and a depthwise channel multiplier
/// other than 1.
// CHECK-LABEL: func.func @negative_not_lowered
// CHECK: qint.conv2d
// CHECK: qint.conv2d
// CHECK: qint.matmul
// CHECK: qint.matmul
// CHECK: qint.depthwise_conv2d
// CHECK-NOT: vpdpbusd
func.func @negative_not_lowered(%x: tensor<1x4x4x4xi8>,
                                %w: tensor<4x1x1x4xi8>,
                                %m: tensor<2x3x4xi8>)
    -> (tensor<1x4x4x4xi32>, tensor<1x4x4x4xi16>, tensor<1x3x4xi32>,
        tensor<2x3x4xi32>, tensor<1x4x4x8xi32>) {
  %a = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x4xi8>, tensor<4x1x1x4xi8>) -> tensor<1x4x4x4xi32>
  %c = arith.constant dense<1> : tensor<4x1x1x4xi8>
  %b = qint.conv2d %x, %c {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x4xi8>, tensor<4x1x1x4xi8>) -> tensor<1x4x4x4xi16>
  %r = arith.constant dense<1> : tensor<1x4x4xi8>
  %l = tensor.extract_slice %m[0, 0, 0] [1, 3, 4] [1, 1, 1]
      : tensor<2x3x4xi8> to tensor<1x3x4xi8>
  %d = qint.matmul %l, %r {lhs_zp = 0 : i64, rhs_zp = 1 : i64}
      : (tensor<1x3x4xi8>, tensor<1x4x4xi8>) -> tensor<1x3x4xi32>
  %r2 = arith.constant dense<1> : tensor<2x4x4xi8>
  %e = qint.matmul %m, %r2 {lhs_zp = 0 : i64}
      : (tensor<2x3x4xi8>, tensor<2x4x4xi8>) -> tensor<2x3x4xi32>
  %dw = arith.constant dense<1> : tensor<1x1x4x2xi8>
  %f = qint.depthwise_conv2d %x, %dw {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x4xi8>, tensor<1x1x4x2xi8>) -> tensor<1x4x4x8xi32>
  return %a, %b, %d, %e, %f : tensor<1x4x4x4xi32>, tensor<1x4x4x4xi16>,
      tensor<1x3x4xi32>, tensor<2x3x4xi32>, tensor<1x4x4x8xi32>
}

// -----

/// Weights whose 1x4 blocks are 31 of 32 zero take the sparse kernel: one
/// list entry (grid byte offset 0, the word 0x04030201 of the weights 1, 2,
/// 3, 4), a start per channel, the input copied into the pixel grid
/// through a 16x16 transpose, one broadcast weight per vpdpbusd, and the
/// sums transposed back to pixels of 16 channels. sparse-kernels=101 keeps
/// the dense kernel.
// CHECK-LABEL: func.func @sparse_conv
// CHECK-NOT: qint.
// CHECK: arith.constant dense<[0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]> : tensor<17xi32>
// CHECK: arith.constant dense<[0, 67305985]> : tensor<2xi32>
// CHECK: %[[GRID:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xi8>
// CHECK: %[[WORDS:.*]] = memref.view %[[GRID]]
// CHECK: vector.maskedload
// CHECK: vector.shuffle
// CHECK: vector.maskedstore %[[WORDS]]
// CHECK: vector.broadcast {{.*}} : i32 to vector<16xi32>
// CHECK: vector.load %[[GRID]]
// CHECK: func.call @llvm.x86.avx512.vpdpbusd.512
// CHECK: vector.shuffle
// CHECK: scf.if
// CHECK-NOT: qint.
// CHECK: return
// NEVER-LABEL: func.func @sparse_conv
// NEVER-NOT: memref.view
// NEVER: return
func.func @sparse_conv(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x16xi32> {
  %w = arith.constant dense<"0x0102030400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"> : tensor<16x1x1x8xi8>
  %y = qint.conv2d %x, %w {input_zp = -128 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x8xi8>, tensor<16x1x1x8xi8>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}
