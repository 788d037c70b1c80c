// Each RUN line calibrates one function (entry=...) on its own samples;
// the data files hold values chosen so that every range below can be
// worked out by hand.
//
// Inputs/calibrate-3x4.npy, three samples of [1, 4]:
//   [-3, -1, 0, 1], [0.5, 2, -2, 0], [4, 0, 0, -4]
// Inputs/calibrate-outlier-1x100.npy, one sample of [1, 100]:
//   -1, 24 x -0.5, 25 x 0.5, 49 x 1.5, 2047
// Inputs/calibrate-tail-1x109.npy, one sample of [1, 109]:
//   108 x 1.0, 2048

// RUN: compress-opt %s --compress-calibrate="entry=affine calibration=%S/Inputs/calibrate-3x4.npy method=minmax" | FileCheck %s --check-prefix=MINMAX
// RUN: compress-opt %s --compress-calibrate="entry=affine calibration=%S/Inputs/calibrate-3x4.npy samples=2 method=minmax" | FileCheck %s --check-prefix=SAMPLES
// RUN: compress-opt %s --compress-calibrate="entry=affine calibration=%S/Inputs/calibrate-3x4.npy samples=2 method=percentile percentile=100" | FileCheck %s --check-prefix=P100
// RUN: compress-opt %s --compress-calibrate="entry=constants calibration=%S/Inputs/calibrate-3x4.npy method=minmax" | FileCheck %s --check-prefix=CONST
// RUN: compress-opt %s --compress-calibrate="entry=outlier calibration=%S/Inputs/calibrate-outlier-1x100.npy method=minmax" | FileCheck %s --check-prefix=OUTLIER-MINMAX
// RUN: compress-opt %s --compress-calibrate="entry=outlier calibration=%S/Inputs/calibrate-outlier-1x100.npy method=percentile percentile=99" | FileCheck %s --check-prefix=PERCENTILE
// RUN: compress-opt %s --compress-calibrate="entry=outlier calibration=%S/Inputs/calibrate-outlier-1x100.npy method=percentile percentile=100" | FileCheck %s --check-prefix=OUTLIER-MINMAX
// RUN: compress-opt %s --compress-calibrate="entry=tail calibration=%S/Inputs/calibrate-tail-1x109.npy method=minmax" | FileCheck %s --check-prefix=TAIL-MINMAX
// RUN: compress-opt %s --compress-calibrate="entry=tail calibration=%S/Inputs/calibrate-tail-1x109.npy method=mse bits=2" | FileCheck %s --check-prefix=MSE2
// RUN: compress-opt %s --compress-calibrate="entry=tail calibration=%S/Inputs/calibrate-tail-1x109.npy method=mse bits=3" | FileCheck %s --check-prefix=MSE3

//===----------------------------------------------------------------------===//
// minmax: the observed extremes, over every sample and element.
//===----------------------------------------------------------------------===//

/// x + 2 spans [-2, 6], 2 (x + 2) spans [-4, 12], and the clamp cuts that
/// to [0, 6]. The argument gets its range as an argument attribute.
// MINMAX-LABEL: func.func @affine
// MINMAX-SAME:    {compress.range = #compress.range<min = -4.000000e+00, max = 4.000000e+00, method = "minmax", samples = 3>}
// MINMAX:         tosa.add {{.*}}compress.range = #compress.range<min = -2.000000e+00, max = 6.000000e+00, method = "minmax", samples = 3>
// MINMAX:         tosa.mul {{.*}}compress.range = #compress.range<min = -4.000000e+00, max = 1.200000e+01, method = "minmax", samples = 3>
// MINMAX:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 6.000000e+00, method = "minmax", samples = 3>

/// samples=2 leaves out the third sample: x spans [-3, 2].
// SAMPLES-LABEL: func.func @affine
// SAMPLES-SAME:    {compress.range = #compress.range<min = -3.000000e+00, max = 2.000000e+00, method = "minmax", samples = 2>}
// SAMPLES:         tosa.add {{.*}}compress.range = #compress.range<min = -1.000000e+00, max = 4.000000e+00, method = "minmax", samples = 2>
// SAMPLES:         tosa.mul {{.*}}compress.range = #compress.range<min = -2.000000e+00, max = 8.000000e+00, method = "minmax", samples = 2>
// SAMPLES:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 6.000000e+00, method = "minmax", samples = 2>
/// percentile=100 is minmax, here over the same two samples: the
/// histograms of the second pass do not change the extremes.
// P100-LABEL: func.func @affine
// P100-SAME:    {compress.range = #compress.range<min = -3.000000e+00, max = 2.000000e+00, method = "percentile", samples = 2>}
// P100:         tosa.add {{.*}}compress.range = #compress.range<min = -1.000000e+00, max = 4.000000e+00, method = "percentile", samples = 2>
// P100:         tosa.mul {{.*}}compress.range = #compress.range<min = -2.000000e+00, max = 8.000000e+00, method = "percentile", samples = 2>
// P100:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 6.000000e+00, method = "percentile", samples = 2>
func.func @affine(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.add %x, %two : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %1 = tosa.mul %0, %two, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %2 = tosa.clamp %1 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}

/// Constants, ops computed from constants alone and shapes get no range.
/// x + 10 spans [6, 14]; the range is widened to contain 0.
// CONST-LABEL: func.func @constants
// CONST:         "tosa.const"()
// CONST-NOT:     compress.range
// CONST:         %[[ADD:.*]] = tosa.add {{.*}} {compress.range = #compress.range<min = 0.000000e+00, max = 1.400000e+01, method = "minmax", samples = 3>}
// CONST-NEXT:    tosa.const_shape
// CONST-NOT:     compress.range
// CONST-SAME:    !tosa.shape<2>
// CONST-NEXT:    tosa.reshape %[[ADD]], %{{.*}} {compress.range = #compress.range<min = 0.000000e+00, max = 1.400000e+01, method = "minmax", samples = 3>}
func.func @constants(%x: tensor<1x4xf32>) -> tensor<2x2xf32> {
  %ten = "tosa.const"() <{values = dense<10.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %s = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %c = tosa.reshape %ten, %s : (tensor<4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %0 = tosa.add %x, %c : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %s2 = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.reshape %0, %s2 : (tensor<1x4xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}

//===----------------------------------------------------------------------===//
// percentile: quantiles (100 - p)% and p% of a histogram of 2048 to 4096
// bins of a power-of-two width, filled in the same run that finds the range.
//===----------------------------------------------------------------------===//

/// minmax (and percentile=100) keeps the outlier at 2047.
// OUTLIER-MINMAX-LABEL: func.func @outlier
// OUTLIER-MINMAX-SAME:    {compress.range = #compress.range<min = -1.000000e+00, max = 2.047000e+03
// OUTLIER-MINMAX:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 6.000000e+00

/// The histogram of x has unit bins over [-1, 2047] (half-unit bins would
/// take 4097): 25 values in [-1, 0), 25 in [0, 1), 49 in [1, 2) and the
/// outlier in the last bin. The 1st percentile is 1 value into the 25 of
/// the first bin, -1 + 1/25 = -0.96; the 99th is the 99th value, the top of
/// [1, 2). After the clamp the bins are 1/512 wide (3073 over [0, 6]): the
/// 25 zeros, 25 x 0.5 and 49 x 1.5 fill the bin [1.5, 1.5 + 1/512), whose
/// top is the 99th percentile; the 1st is inside the bin of the zeros and
/// the range widens to 0.
// PERCENTILE-LABEL: func.func @outlier
// PERCENTILE-SAME:    {compress.range = #compress.range<min = -0.95999999999999996, max = 2.000000e+00, method = "percentile", samples = 1>}
// PERCENTILE:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 1.501953125, method = "percentile", samples = 1>
func.func @outlier(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x100xf32>) -> tensor<1x100xf32>
  return %0 : tensor<1x100xf32>
}

//===----------------------------------------------------------------------===//
// mse: the range that minimises clipping plus rounding error.
//===----------------------------------------------------------------------===//

/// minmax stretches the range to the outlier at 2048.
// TAIL-MINMAX-LABEL: func.func @tail
// TAIL-MINMAX-SAME:    {compress.range = #compress.range<min = 0.000000e+00, max = 2.048000e+03, method = "minmax", samples = 1>}
// TAIL-MINMAX:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 1.500000e+03, method = "minmax", samples = 1>

/// With the 108 ones inside and the outlier M clipped to hi, the error is
/// (M - hi)^2 + 108 (hi / L)^2 / 12 with L = 2^bits - 1 steps, least at
/// hi = M / (1 + 9 / L^2). For 2 bits that is M / 2: 1024 for the argument
/// (M = 2048, unit bins: half-unit ones would take 4097) and 750 after the
/// clamp (M = 1500, bins of 1/2).
// MSE2-LABEL: func.func @tail
// MSE2-SAME:    {compress.range = #compress.range<min = 0.000000e+00, max = 1.024000e+03, method = "mse", samples = 1>}
// MSE2:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 7.500000e+02, method = "mse", samples = 1>

/// For 3 bits, M / (1 + 9/49): 1730.17 for the argument, whose nearest edge
/// is 1730, and 1267.24 after the clamp, whose nearest edge is 1267.
// MSE3-LABEL: func.func @tail
// MSE3-SAME:    {compress.range = #compress.range<min = 0.000000e+00, max = 1.730000e+03, method = "mse", samples = 1>}
// MSE3:         tosa.clamp {{.*}}compress.range = #compress.range<min = 0.000000e+00, max = 1.267000e+03, method = "mse", samples = 1>
func.func @tail(%x: tensor<1x109xf32>) -> tensor<1x109xf32> {
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 1500.0 : f32} : (tensor<1x109xf32>) -> tensor<1x109xf32>
  return %0 : tensor<1x109xf32>
}
