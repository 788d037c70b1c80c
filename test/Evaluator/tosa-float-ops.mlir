// The reference evaluator against upstream MLIR's TOSA lowering (JIT) on
// every float op the evaluator supports, on three random inputs. Float
// results agree within 1e-5; integer results (argmax, cast, table) exactly.
// Each function is its own entry point.

// RUN: compress-run %s --entry conv --input %S/Inputs/x_3x6x6x4.npy -o %t.conv.npy
// RUN: compress-run %s --entry conv --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.conv.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry depthwise --input %S/Inputs/x_3x6x6x4.npy -o %t.depthwise.npy
// RUN: compress-run %s --entry depthwise --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.depthwise.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry matmul --input %S/Inputs/x_3x6x6x4.npy -o %t.matmul.npy
// RUN: compress-run %s --entry matmul --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.matmul.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry elementwise --input %S/Inputs/x_3x6x6x4.npy -o %t.elementwise.npy
// RUN: compress-run %s --entry elementwise --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.elementwise.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry maxpool --input %S/Inputs/x_3x6x6x4.npy -o %t.maxpool.npy
// RUN: compress-run %s --entry maxpool --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.maxpool.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry avgpool --input %S/Inputs/x_3x6x6x4.npy -o %t.avgpool.npy
// RUN: compress-run %s --entry avgpool --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.avgpool.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry movement --input %S/Inputs/x_3x6x6x4.npy -o %t.movement.npy
// RUN: compress-run %s --entry movement --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.movement.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry reduce --input %S/Inputs/x_3x6x6x4.npy -o %t.reduce.npy
// RUN: compress-run %s --entry reduce --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.reduce.npy --tolerance 1e-5 | FileCheck %s
// RUN: compress-run %s --entry argmax --input %S/Inputs/x_3x6x6x4.npy -o %t.argmax.npy
// RUN: compress-run %s --entry argmax --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.argmax.npy --tolerance 0 | FileCheck %s
// RUN: compress-run %s --entry cast_table --input %S/Inputs/x_3x6x6x4.npy -o %t.cast_table.npy
// RUN: compress-run %s --entry cast_table --input %S/Inputs/x_3x6x6x4.npy --backend jit --compare %t.cast_table.npy --tolerance 0 | FileCheck %s
// CHECK: max_abs_diff:

func.func @conv(%x: tensor<1x6x6x4xf32>) -> tensor<1x3x3x3xf32> {
  %w = "tosa.const"() <{values = dense<[-0.0952, 0.1195, 0.8484, -0.0687, 0.0157, 0.1748, -0.6307, 0.0238, 0.2598, 0.5860, -0.8118, -0.3932, -0.8187, 0.6193, 0.3869, -0.9162, 0.9644, 0.9295, 0.3078, 0.2311, -0.6850, -0.9700, 0.0568, -0.8809, -0.6196, -0.5161, -0.9398, -0.0721, -0.1189, 0.6849, 0.0382, 0.2806, -0.0005, 0.3249, -0.0853, -0.4437, 0.9953, 0.9914, 0.6804, 0.4156, -0.3694, -0.5407, -0.4219, -0.8596, 0.5326, -0.1992, 0.6932, -0.2270, 0.9161, 0.6946, -0.9989, -0.5806, 0.8205, -0.0600, 0.9607, -0.2052, -0.8539, 0.2589, 0.5570, -0.4604, -0.8257, -0.3348, 0.9282, 0.5161, -0.7640, -0.5072, -0.7979, -0.8802, 0.5940, -0.6446, 0.1186, -0.1052, -0.6186, 0.4638, -0.7381, 0.2874, -0.7670, -0.1585, -0.5743, -0.4604, 0.9419, 0.6068, -0.3917, 0.7697, -0.5786, -0.2115, 0.7088, 0.2837, -0.7993, 0.9786, -0.5735, -0.4834, 0.5454, -0.3421, -0.4074, -0.8532, -0.8198, 0.1655, -0.5140, 0.2026, -0.2566, -0.0936, 0.9183, -0.0326, 0.1491, 0.7331, -0.6343, -0.6917]> : tensor<108xf32>}> : () -> tensor<108xf32>
  %ws = tosa.const_shape {values = dense<[3, 3, 3, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %w4 = tosa.reshape %w, %ws : (tensor<108xf32>, !tosa.shape<4>) -> tensor<3x3x3x4xf32>
  %b = "tosa.const"() <{values = dense<[0.8168, 0.6356, -0.5010]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w4, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xf32>, tensor<3x3x3x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32>
  return %y : tensor<1x3x3x3xf32>
}

func.func @depthwise(%x: tensor<1x6x6x4xf32>) -> tensor<1x4x4x8xf32> {
  %w = "tosa.const"() <{values = dense<[-0.6204, 0.4788, 0.8808, -0.6068, 0.9003, 0.7644, 0.2071, -0.1571, -0.7923, -0.9226, 0.9254, -0.5232, 0.4092, -0.4860, 0.6474, 0.1929, -0.4131, -0.6491, 0.4407, -0.8624, -0.5432, 0.1187, 0.7048, 0.2286, -0.4396, 0.8347, -0.5920, -0.9669, -0.4616, -0.1086, -0.8791, -0.6475, -0.2624, 0.1443, -0.7368, -0.2757, 0.7819, 0.9610, 0.3139, 0.3824, 0.1689, -0.7193, -0.9298, -0.9642, 0.8204, 0.4019, 0.9255, -0.9575, 0.2724, -0.0355, 0.4610, -0.3622, 0.9987, -0.8495, 0.0922, 0.4740, 0.8004, 0.4742, 0.4074, 0.5865, 0.8300, -0.2963, 0.3703, 0.8017, 0.7422, -0.1657, 0.5811, 0.7269, 0.1456, 0.2499, -0.2353, 0.1654]> : tensor<72xf32>}> : () -> tensor<72xf32>
  %ws = tosa.const_shape {values = dense<[3, 3, 4, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %w4 = tosa.reshape %w, %ws : (tensor<72xf32>, !tosa.shape<4>) -> tensor<3x3x4x2xf32>
  %b = "tosa.const"() <{values = dense<[0.2177, -0.8396, 0.2788, 0.9866, 0.7596, 0.4564, -0.2231, 0.4701]> : tensor<8xf32>}> : () -> tensor<8xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w4, %b, %z, %z {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

func.func @matmul(%x: tensor<1x6x6x4xf32>) -> tensor<1x36x5xf32> {
  %s = tosa.const_shape {values = dense<[1, 36, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %x, %s : (tensor<1x6x6x4xf32>, !tosa.shape<3>) -> tensor<1x36x4xf32>
  %w = "tosa.const"() <{values = dense<[[0.1619, -0.1190, 0.6767, -0.8324, 0.5004], [-0.9404, 0.2026, -0.0381, -0.5396, 0.3967], [-0.0055, 0.2290, 0.8409, -0.4883, -0.9774], [-0.3979, 0.3563, -0.5949, -0.6608, 0.8114]]> : tensor<4x5xf32>}> : () -> tensor<4x5xf32>
  %ws = tosa.const_shape {values = dense<[1, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w3 = tosa.reshape %w, %ws : (tensor<4x5xf32>, !tosa.shape<3>) -> tensor<1x4x5xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %r, %w3, %z, %z : (tensor<1x36x4xf32>, tensor<1x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x36x5xf32>
  return %y : tensor<1x36x5xf32>
}

func.func @elementwise(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %c = "tosa.const"() <{values = dense<[[[[0.3200, -0.1161, 0.7835, -0.3461]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %d = "tosa.const"() <{values = dense<[[[[1.1659, 0.6985, 0.9309, 1.3060]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %one = "tosa.const"() <{values = dense<1.0> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.add %x, %c : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x6x6x4xf32>
  %1 = tosa.sub %0, %d : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x6x6x4xf32>
  %2 = tosa.mul %1, %d, %shift : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x6x6x4xf32>
  %3 = tosa.maximum %2, %c : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x6x6x4xf32>
  %4 = tosa.minimum %3, %d : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x6x6x4xf32>
  %5 = tosa.clamp %2 {max_val = 1.5 : f32, min_val = -0.75 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %6 = tosa.sigmoid %5 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %7 = tosa.tanh %2 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %8 = tosa.exp %5 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %a = tosa.abs %2 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %a1 = tosa.add %a, %one : (tensor<1x6x6x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x6x6x4xf32>
  %9 = tosa.log %a1 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %10 = tosa.reciprocal %a1 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %11 = tosa.rsqrt %a1 : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %s0 = tosa.add %4, %6 : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %s1 = tosa.add %s0, %7 : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %s2 = tosa.mul %s1, %8, %shift : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>, tensor<1xi8>) -> tensor<1x6x6x4xf32>
  %s3 = tosa.sub %s2, %9 : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %s4 = tosa.add %s3, %10 : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %s5 = tosa.mul %s4, %11, %shift : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>, tensor<1xi8>) -> tensor<1x6x6x4xf32>
  return %s5 : tensor<1x6x6x4xf32>
}

func.func @maxpool(%x: tensor<1x6x6x4xf32>) -> tensor<1x3x3x4xf32> {
  %y = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}

func.func @avgpool(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.avg_pool2d %x, %z, %z {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

func.func @movement(%x: tensor<1x6x6x4xf32>) -> tensor<2x4x8x6xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x4x6x6xf32>
  %pads = tosa.const_shape {values = dense<[0, 0, 0, 0, 1, 1, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %pv = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = tosa.pad %t, %pads, %pv : (tensor<1x4x6x6xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x4x8x6xf32>
  %st = tosa.const_shape {values = dense<[0, 1, 2, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sz = tosa.const_shape {values = dense<[1, 2, 5, 6]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sl = tosa.slice %p, %st, %sz : (tensor<1x4x8x6xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x5x6xf32>
  %m = tosa.const_shape {values = dense<[1, 1, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %ti = tosa.tile %sl, %m : (tensor<1x2x5x6xf32>, !tosa.shape<4>) -> tensor<1x2x5x6xf32>
  %rs = tosa.const_shape {values = dense<[1, 2, 3, 10]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %ti, %rs : (tensor<1x2x5x6xf32>, !tosa.shape<4>) -> tensor<1x2x3x10xf32>
  %rb = tosa.const_shape {values = dense<[1, 2, 5, 6]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r2 = tosa.reshape %r, %rb : (tensor<1x2x3x10xf32>, !tosa.shape<4>) -> tensor<1x2x5x6xf32>
  %m2 = tosa.const_shape {values = dense<[2, 1, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t2 = tosa.tile %r2, %m2 : (tensor<1x2x5x6xf32>, !tosa.shape<4>) -> tensor<2x2x5x6xf32>
  %sl2 = tosa.slice %p, %st, %sz : (tensor<1x4x8x6xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x5x6xf32>
  %c = tosa.concat %t2, %t2 {axis = 1 : i32} : (tensor<2x2x5x6xf32>, tensor<2x2x5x6xf32>) -> tensor<2x4x5x6xf32>
  %c2 = tosa.concat %c, %c {axis = 2 : i32} : (tensor<2x4x5x6xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x10x6xf32>
  %st3 = tosa.const_shape {values = dense<[0, 0, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sz3 = tosa.const_shape {values = dense<[2, 4, 8, 6]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.slice %c2, %st3, %sz3 : (tensor<2x4x10x6xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x4x8x6xf32>
  return %y : tensor<2x4x8x6xf32>
}

func.func @reduce(%x: tensor<1x6x6x4xf32>) -> tensor<1x1x6x2xf32> {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x6x6x4xf32>) -> tensor<1x1x6x4xf32>
  %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<1x6x6x4xf32>) -> tensor<1x1x6x4xf32>
  %c = tosa.concat %s, %m {axis = 3 : i32} : (tensor<1x1x6x4xf32>, tensor<1x1x6x4xf32>) -> tensor<1x1x6x8xf32>
  %r = tosa.reduce_sum %c {axis = 3 : i32} : (tensor<1x1x6x8xf32>) -> tensor<1x1x6x1xf32>
  %q = tosa.reduce_max %c {axis = 3 : i32} : (tensor<1x1x6x8xf32>) -> tensor<1x1x6x1xf32>
  %y = tosa.concat %r, %q {axis = 3 : i32} : (tensor<1x1x6x1xf32>, tensor<1x1x6x1xf32>) -> tensor<1x1x6x2xf32>
  return %y : tensor<1x1x6x2xf32>
}

func.func @argmax(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6xi32> {
  %y = tosa.argmax %x {axis = 3 : i32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6xi32>
  return %y : tensor<1x6x6xi32>
}

func.func @cast_table(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %k = "tosa.const"() <{values = dense<80.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s = tosa.mul %x, %k, %shift : (tensor<1x6x6x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x6x6x4xf32>
  %q = tosa.cast %s : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xi8>
  %t = "tosa.const"() <{values = dense<[-117, -80, -43, -6, 31, 68, 105, -114, -77, -40, -3, 34, 71, 108, -111, -74, -37, 0, 37, 74, 111, -108, -71, -34, 3, 40, 77, 114, -105, -68, -31, 6, 43, 80, 117, -102, -65, -28, 9, 46, 83, 120, -99, -62, -25, 12, 49, 86, 123, -96, -59, -22, 15, 52, 89, 126, -93, -56, -19, 18, 55, 92, -127, -90, -53, -16, 21, 58, 95, -124, -87, -50, -13, 24, 61, 98, -121, -84, -47, -10, 27, 64, 101, -118, -81, -44, -7, 30, 67, 104, -115, -78, -41, -4, 33, 70, 107, -112, -75, -38, -1, 36, 73, 110, -109, -72, -35, 2, 39, 76, 113, -106, -69, -32, 5, 42, 79, 116, -103, -66, -29, 8, 45, 82, 119, -100, -63, -26, 11, 48, 85, 122, -97, -60, -23, 14, 51, 88, 125, -94, -57, -20, 17, 54, 91, -128, -91, -54, -17, 20, 57, 94, -125, -88, -51, -14, 23, 60, 97, -122, -85, -48, -11, 26, 63, 100, -119, -82, -45, -8, 29, 66, 103, -116, -79, -42, -5, 32, 69, 106, -113, -76, -39, -2, 35, 72, 109, -110, -73, -36, 1, 38, 75, 112, -107, -70, -33, 4, 41, 78, 115, -104, -67, -30, 7, 44, 81, 118, -101, -64, -27, 10, 47, 84, 121, -98, -61, -24, 13, 50, 87, 124, -95, -58, -21, 16, 53, 90, 127, -92, -55, -18, 19, 56, 93, -126, -89, -52, -15, 22, 59, 96, -123, -86, -49, -12, 25, 62, 99, -120, -83, -46, -9, 28, 65, 102]> : tensor<256xi8>}> : () -> tensor<256xi8>
  %l = tosa.table %q, %t : (tensor<1x6x6x4xi8>, tensor<256xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.cast %l : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

