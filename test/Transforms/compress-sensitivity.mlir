// RUN: compress-opt %s --compress-sensitivity="entry=main calibration=%S/Inputs/sensitivity-2x1x1x2.npy samples=0" | FileCheck %s --check-prefix=FISHER
// RUN: compress-opt %s --compress-sensitivity="entry=main calibration=%S/Inputs/sensitivity-2x1x1x2.npy seed=7 samples=0" | FileCheck %s --check-prefix=FISHER
// RUN: compress-opt %s --compress-sensitivity="entry=main calibration=%S/Inputs/sensitivity-2x1x1x2.npy samples=1" | FileCheck %s --check-prefix=ONE
// RUN: compress-opt %s --compress-sensitivity="entry=main method=hutchinson probes=1000 tolerance=0 calibration=%S/Inputs/sensitivity-2x1x1x2.npy samples=0" | FileCheck %s --check-prefix=HUTCH
// RUN: compress-opt %s --compress-sensitivity="entry=main method=hutchinson probes=1000 calibration=%S/Inputs/sensitivity-2x1x1x2.npy samples=0" | FileCheck %s --check-prefix=STOP
// RUN: compress-opt %s --compress-sensitivity="entry=layers method=import:%S/Inputs/sensitivity-layers.json" | FileCheck %s --check-prefix=IMPORT

//===----------------------------------------------------------------------===//
// fisher
//===----------------------------------------------------------------------===//

/// Inputs/sensitivity-2x1x1x2.npy holds two samples x of [1, 1, 1, 2]:
/// [1, 2] and [3, -1]. The convolution maps x to h = [x0, x1, 0]; the
/// matmul's two weight columns differ by d = [0, 0, -1], which is
/// orthogonal to every h, so both logits are equal and p = [1/2, 1/2].
/// Whatever label is drawn (and so for every seed), the seed
/// s = onehot(y) - p is +-[1/2, -1/2] with ||s||^2 = 1/2, and
///   matmul: ||h^T s||^2     = ||h||^2 / 2      -> 5/2 and 10/2,
///   conv:   ||(W s) x^T||^2 = ||x||^2 / 4      -> 5/4 and 10/4
/// (W s = +-d / 2). Means over the samples, divided by the 6 weights of
/// each layer: 3.75 / 6 = 0.625 and 1.875 / 6 = 0.3125.
/// Input activations: the matmul's input gradient is M s = +-d / 2, so
/// ||M s||^2 / 3 elements = 1/12; the convolution's is W^T (M s) = 0 (the
/// third filter is zero), and a zero activation trace is not printed.
// FISHER-LABEL: func.func @main
// FISHER:         tosa.conv2d {{.*}}compress.sensitivity = #compress.sensitivity<trace = 3.125000e-01, method = "fisher", samples = 2>
// FISHER:         tosa.matmul {{.*}}compress.sensitivity = #compress.sensitivity<trace = 6.250000e-01, activation_trace = {{0\.08333333333333[0-9]*}}, method = "fisher", samples = 2>

/// hutchinson estimates the same Gauss-Newton traces (for this softmax
/// output the Fisher traces above are exact); with 1000 rounds of probes
/// the estimates are within 1-2% of 0.3125, 0.625 and 1/12. The default
/// tolerance stops after far fewer rounds.
// HUTCH-LABEL: func.func @main
// HUTCH:         tosa.conv2d {{.*}}compress.sensitivity = #compress.sensitivity<trace = {{0\.31[0-9]*}}, method = "hutchinson", samples = 2000>
// HUTCH:         tosa.matmul {{.*}}compress.sensitivity = #compress.sensitivity<trace = {{0\.6[234][0-9]*}}, activation_trace = {{0\.0833[0-9]*}}, method = "hutchinson", samples = 2000>
// STOP-LABEL: func.func @main
// STOP:         tosa.conv2d {{.*}}method = "hutchinson", samples = {{[0-9][0-9]?[0-9]?}}>

/// samples=1 keeps x = [1, 2] only: 5/4 / 6 and 5/2 / 6.
// ONE-LABEL: func.func @main
// ONE:         tosa.conv2d {{.*}}compress.sensitivity = #compress.sensitivity<trace = {{0\.2083333333333333[0-9]*}}, method = "fisher", samples = 1>
// ONE:         tosa.matmul {{.*}}compress.sensitivity = #compress.sensitivity<trace = {{0\.4166666666666666[0-9]*}}, activation_trace = {{0\.08333333333333[0-9]*}}, method = "fisher", samples = 1>
func.func @main(%x: tensor<1x1x1x2xf32>) -> tensor<1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>}> : () -> tensor<3x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x3xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %h = tosa.reshape %c, %s3 : (tensor<1x1x1x3xf32>, !tosa.shape<3>) -> tensor<1x1x3xf32>
  %m = "tosa.const"() <{values = dense<[[[0.5, 0.5], [-1.0, -1.0], [2.0, 3.0]]]> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %l = tosa.matmul %h, %m, %z, %z : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

//===----------------------------------------------------------------------===//
// import
//===----------------------------------------------------------------------===//

/// Layers are named by kind and index among ops of that kind, as
/// compress-quantize names them; Inputs/sensitivity-layers.json gives
/// conv2d_0 1.5e-3, conv2d_1 0.25 (with activation trace 2), depthwise_conv2d_0
/// 4 and matmul_0 0.
// IMPORT-LABEL: func.func @layers
// IMPORT:         tosa.conv2d {{.*}}compress.sensitivity = #compress.sensitivity<trace = 1.500000e-03, method = "import", samples = 0>
// IMPORT:         tosa.depthwise_conv2d {{.*}}compress.sensitivity = #compress.sensitivity<trace = 4.000000e+00, method = "import", samples = 0>
// IMPORT:         tosa.conv2d {{.*}}compress.sensitivity = #compress.sensitivity<trace = 2.500000e-01, activation_trace = 2.000000e+00, method = "import", samples = 0>
// IMPORT:         tosa.matmul {{.*}}compress.sensitivity = #compress.sensitivity<trace = 0.000000e+00, method = "import", samples = 0>
/// A matmul of two activations has no weights and is no layer.
// IMPORT:         tosa.matmul
// IMPORT-NOT:     compress.sensitivity
// IMPORT:         return
func.func @layers(%x: tensor<1x2x2x2xf32>) -> tensor<1x1x1xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w0 = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c0 = tosa.conv2d %x, %w0, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %wd = "tosa.const"() <{values = dense<2.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %d = tosa.depthwise_conv2d %c0, %wd, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %w1 = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %c1 = tosa.conv2d %d, %w1, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %c1, %s : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %wm = "tosa.const"() <{values = dense<1.0> : tensor<1x8x1xf32>}> : () -> tensor<1x8x1xf32>
  %m = tosa.matmul %f, %wm, %z, %z : (tensor<1x1x8xf32>, tensor<1x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %mm = tosa.matmul %m, %m, %z, %z : (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %mm : tensor<1x1x1xf32>
}
