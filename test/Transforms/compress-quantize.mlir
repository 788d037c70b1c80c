// RUN: compress-opt %s --split-input-file --compress-quantize | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-quantize="rescale-rounding=single weight-bits=4" | FileCheck %s --check-prefix=OPTS

/// A conv followed by ReLU becomes one integer conv whose requantize clamp
/// is the ReLU. Input range [-1, 1] -> scale 2/255, zero point -1 (-0.5
/// rounded away from zero); output range [0, 6] -> scale 6/255, zero point
/// -128, so the clamp starts at -128 (real 0). The bias 1/255 at scale
/// s_x * s_w[0] = (2/255) * (1/127) is 63.5, rounded to 64.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[Q:.*]] = qint.quantize %arg0 {qmax = 127 : i64, qmin = -128 : i64, scale = 0.0078431372549019607 : f64, zero_point = -1 : i64}
// CHECK: %[[W:.*]] = qint.weights {bits = 8 : i64, scales = array<f32: 0.00787401571, 0.0157480314>,
// CHECK-SAME: values = dense<{{\[\[\[\[}}127, -64]]], {{\[\[\[}}0, 127]]]]> : tensor<2x1x1x2xi8>}
// CHECK: %[[B:.*]] = arith.constant dense<[64, -64]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = qint.conv2d %[[Q]], %[[W]], %[[B]] {{.*}}input_zp = -1 : i64{{.*}} -> tensor<1x2x2x2xi32>
// CHECK: %[[Y:.*]] = qint.requantize %[[ACC]] {clamp_max = 127 : i64, clamp_min = -128 : i64, compress.layer = "conv2d_0", multiplier = array<i32: 1442928640, 1442928640>, output_zp = -128 : i64, shift = array<i8: 39, 38>}
// CHECK: %[[F:.*]] = qint.dequantize %[[Y]] {scale = 0.023529411764705882 : f64, zero_point = -128 : i64}
// CHECK-NOT: tosa.conv2d
// CHECK-NOT: tosa.clamp
// CHECK: return %[[F]]
// OPTS-LABEL: func @conv_relu
// OPTS: qint.weights {bits = 4 : i64
// OPTS-SAME: values = dense<{{\[\[\[\[}}7, -3]]], {{\[\[\[}}0, 7]]]]>
// OPTS: rounding = #qint.rounding<single_round>
func.func @conv_relu(%x: tensor<1x2x2x2xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, -0.5]]], [[[0.0, 2.0]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<[0.00392156862745098, -0.0078431372549019607]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %r = tosa.clamp %c {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32, compress.range = #compress.range<min = 0.0, max = 6.0, method = "minmax", samples = 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

/// A fully-connected layer (matmul, reshape, bias add) becomes one
/// qint.matmul with an i32 bias; the reshape moves to the integer side.
/// Every column's largest weight is 1.0, so the per-column factors are
/// equal and the requantize is per tensor.
// CHECK-LABEL: func @fully_connected
// CHECK: %[[Q:.*]] = qint.quantize %arg0
// CHECK: %[[W:.*]] = qint.weights {axis = 2 : i64, bits = 8 : i64
// CHECK: %[[B:.*]] = arith.constant dense<{{.*}}> : tensor<3xi32>
// CHECK: %[[ACC:.*]] = qint.matmul %[[Q]], %[[W]], %[[B]] {lhs_zp = -1 : i64} : (tensor<1x1x4xi8>, tensor<1x4x3xi8>, tensor<3xi32>) -> tensor<1x1x3xi32>
// CHECK: %[[Y:.*]] = qint.requantize %[[ACC]] {clamp_max = 127 : i64, clamp_min = -128 : i64, compress.layer = "matmul_0", multiplier = array<i32: 1082196480>, output_zp = -1 : i64, shift = array<i8: 38>}
// CHECK: %[[R:.*]] = tosa.reshape %[[Y]], %{{.*}} : (tensor<1x1x3xi8>, !tosa.shape<2>) -> tensor<1x3xi8>
// CHECK: qint.dequantize %[[R]]
// CHECK-NOT: tosa.matmul
// CHECK-NOT: tosa.add
func.func @fully_connected(%x: tensor<1x1x4xf32> {compress.range = #compress.range<min = -2.0, max = 2.0, method = "minmax", samples = 1>}) -> tensor<1x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.5, -1.0, 0.25], [0.1, 0.2, 0.3], [-0.5, 0.0, 1.0], [1.0, 1.0, -1.0]]]> : tensor<1x4x3xf32>}> : () -> tensor<1x4x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %s = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %s : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  %b = "tosa.const"() <{values = dense<[[0.1, -0.2, 0.3]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %a = tosa.add %r, %b {compress.range = #compress.range<min = -4.0, max = 4.0, method = "minmax", samples = 1>} : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  return %a : tensor<1x3xf32>
}

// -----

/// A residual add of two quantized values with a fused ReLU; pooling and
/// padding stay integer with unchanged parameters, and padding uses the
/// zero point (real 0).
// CHECK-LABEL: func @residual_pool_pad
// CHECK-DAG: %[[A:.*]] = qint.quantize %arg0
// CHECK-DAG: %[[B:.*]] = qint.quantize %arg1
// CHECK: %[[S:.*]] = qint.add %[[A]], %[[B]] {clamp_max = 127 : i64, clamp_min = -128 : i64, {{.*}}output_zp = -128 : i64
// CHECK: %[[M:.*]] = qint.max_pool2d %[[S]]
// CHECK: %[[P:.*]] = qint.avg_pool2d %[[M]] {acc_type = i32, input_zp = -128 : i64, {{.*}}output_zp = -128 : i64
// CHECK: %[[ZP:.*]] = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}>
// CHECK: %[[PAD:.*]] = tosa.pad %[[P]], %{{.*}}, %[[ZP]] : (tensor<1x2x2x4xi8>, !tosa.shape<8>, tensor<1xi8>) -> tensor<1x2x2x8xi8>
// CHECK: qint.dequantize %[[PAD]] {scale = {{.*}}, zero_point = -128 : i64}
func.func @residual_pool_pad(%x: tensor<1x4x4x4xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}, %y: tensor<1x4x4x4xf32> {compress.range = #compress.range<min = 0.0, max = 2.0, method = "minmax", samples = 1>}) -> tensor<1x2x2x8xf32> {
  %s = tosa.add %x, %y : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = tosa.clamp %s {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32, compress.range = #compress.range<min = 0.0, max = 3.0, method = "minmax", samples = 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %m = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.avg_pool2d %m, %z, %z {acc_type = f32, kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %pads = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 2, 2]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %p = tosa.pad %a, %pads, %z : (tensor<1x2x2x4xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x2x2x8xf32>
  return %p : tensor<1x2x2x8xf32>
}

// -----

/// negative_: an op with no integer form stays float between a dequantize
/// and (for its quantized consumer) a quantize, and is reported.
// CHECK-LABEL: func @negative_sigmoid_stays_float
// CHECK: %[[Q:.*]] = qint.quantize %arg0
// CHECK: %[[M:.*]] = qint.max_pool2d %[[Q]]
// CHECK: %[[D:.*]] = qint.dequantize %[[M]]
// CHECK: %[[S:.*]] = tosa.sigmoid %[[D]]
// CHECK: %[[Q2:.*]] = qint.quantize %[[S]] {{.*}}scale = 0.0039215686274509803 : f64, zero_point = -128 : i64
// CHECK: qint.max_pool2d %[[Q2]]
func.func @negative_sigmoid_stays_float(%x: tensor<1x4x4x1xf32> {compress.range = #compress.range<min = -4.0, max = 4.0, method = "minmax", samples = 1>}) -> tensor<1x1x1x1xf32> {
  %m = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32>
  %s = tosa.sigmoid %m {compress.range = #compress.range<min = 0.0, max = 1.0, method = "minmax", samples = 1>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %n = tosa.max_pool2d %s {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  return %n : tensor<1x1x1x1xf32>
}

// -----

/// negative_: a conv whose weights are not constant has no integer weights
/// to compute; it stays float.
// CHECK-LABEL: func @negative_dynamic_weights
// CHECK-NOT: qint.conv2d
// CHECK: tosa.conv2d
func.func @negative_dynamic_weights(%x: tensor<1x2x2x1xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}, %w: tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32> {
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %c : tensor<1x2x2x1xf32>
}

// -----

/// A plan sets the width of a layer's input; a layer behind a max pool
/// reads the tensor the pool starts from, so that tensor (here the
/// argument) gets the planned 4 bits and 3-bit weights.
// CHECK-LABEL: func.func @planned_behind_pool
// CHECK: qint.quantize %arg0 {qmax = 7 : i64, qmin = -8 : i64
// CHECK: qint.max_pool2d
// CHECK: qint.weights {bits = 3 : i64
func.func @planned_behind_pool(%x: tensor<1x2x2x1xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}) -> tensor<1x1x1x2xf32> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>, compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %0 = tosa.conv2d %p, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.plan = #compress.plan<weight_bits = 3, activation_bits = 4, sparsity = 0.0>, compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>} : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  return %0 : tensor<1x1x1x2xf32>
}
