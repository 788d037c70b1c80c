// RUN: compress-opt %s --split-input-file --compress-cleanup | FileCheck %s
// RUN: compress-opt %s --compress-cleanup --mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS

// Debian's LLVM 22 is built without LLVM statistics (NDEBUG), so the report
// it prints has no counters and only its presence can be checked here; with
// statistics enabled it lists transposes-removed, batch-norm-ops-folded and
// constants-folded under CleanupPass.
// STATS: Pass statistics report
// STATS-NOT: error

//===----------------------------------------------------------------------===//
// Layout: transposes move towards their users until they cancel.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_pair_cancels
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x3x4xf32>)
// CHECK-NOT:     tosa.transpose
// CHECK:         return %[[X]]
func.func @transpose_pair_cancels(%arg0: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32>
  return %1 : tensor<1x2x3x4xf32>
}

// -----

/// The permutations compose to (1, 2, 0), not the identity: one transpose
/// must stay.
// CHECK-LABEL: func.func @negative_transpose_pair_not_inverse
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]] {perms = array<i32: 1, 2, 0>}
// CHECK-NOT:     tosa.transpose
// CHECK:         return %[[T]]
func.func @negative_transpose_pair_not_inverse(%arg0: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @sink_through_unary
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>)
// CHECK-DAG:     %[[ZP:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}>
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[CLAMP:.*]] = tosa.clamp %[[X]] {{.*}} -> tensor<1x5x6x3xf32>
// CHECK:         %[[NEG:.*]] = tosa.negate %[[CLAMP]], %[[ZP]], %[[ZP]] : {{.*}} -> tensor<1x5x6x3xf32>
// CHECK:         %[[SIG:.*]] = tosa.sigmoid %[[NEG]] : {{.*}} -> tensor<1x5x6x3xf32>
// CHECK:         %[[CAST:.*]] = tosa.cast %[[SIG]] : {{.*}} -> tensor<1x5x6x3xf16>
// CHECK:         return %[[CAST]]
func.func @sink_through_unary(%arg0: tensor<1x5x6x3xf32>) -> tensor<1x5x6x3xf16> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.clamp %0 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
  %2 = tosa.negate %1, %zp, %zp : (tensor<1x3x5x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x5x6xf32>
  %3 = tosa.sigmoid %2 : (tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
  %4 = tosa.cast %3 : (tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf16>
  %5 = tosa.transpose %4 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x6xf16>) -> tensor<1x5x6x3xf16>
  return %5 : tensor<1x5x6x3xf16>
}

// -----

/// The 1xCx1x1 constant is transposed along (to 1x1x1xC) and folded; the
/// shift operand of tosa.mul is kept.
// CHECK-LABEL: func.func @sink_through_binary_with_constant
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>)
// CHECK-DAG:     %[[SHIFT:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK-DAG:     %[[C:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00]]]]> : tensor<1x1x1x3xf32>}>
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[SUB:.*]] = tosa.sub %[[X]], %[[C]] : (tensor<1x5x6x3xf32>, tensor<1x1x1x3xf32>)
// CHECK:         %[[MUL:.*]] = tosa.mul %[[C]], %[[SUB]], %[[SHIFT]] : {{.*}} -> tensor<1x5x6x3xf32>
// CHECK:         return %[[MUL]]
func.func @sink_through_binary_with_constant(%arg0: tensor<1x5x6x3xf32>) -> tensor<1x5x6x3xf32> {
  %c = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]], [[3.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.sub %0, %c : (tensor<1x3x5x6xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x5x6xf32>
  %2 = tosa.mul %c, %1, %shift : (tensor<1x3x1x1xf32>, tensor<1x3x5x6xf32>, tensor<1xi8>) -> tensor<1x3x5x6xf32>
  %3 = tosa.transpose %2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x6xf32>) -> tensor<1x5x6x3xf32>
  return %3 : tensor<1x5x6x3xf32>
}

// -----

// CHECK-LABEL: func.func @sink_through_residual_add
// CHECK-SAME:    (%[[A:.*]]: tensor<1x5x6x3xf32>, %[[B:.*]]: tensor<1x5x6x3xf32>)
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[ADD:.*]] = tosa.add %[[A]], %[[B]] : {{.*}} -> tensor<1x5x6x3xf32>
// CHECK:         return %[[ADD]]
func.func @sink_through_residual_add(%arg0: tensor<1x5x6x3xf32>, %arg1: tensor<1x5x6x3xf32>) -> tensor<1x5x6x3xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.transpose %arg1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %2 = tosa.add %0, %1 : (tensor<1x3x5x6xf32>, tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
  %3 = tosa.transpose %2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x6xf32>) -> tensor<1x5x6x3xf32>
  return %3 : tensor<1x5x6x3xf32>
}

// -----

/// The residual input %arg0 also feeds the NHWC conv through a transpose:
/// the add reuses that transpose, so only the input and output ones remain.
// CHECK-LABEL: func.func @sink_reusing_inverse_transpose
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK:         %[[IN:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK:         %[[CONV:.*]] = tosa.conv2d %[[IN]]
// CHECK:         %[[ADD:.*]] = tosa.add %[[CONV]], %[[IN]] : {{.*}} -> tensor<1x4x4x2xf32>
// CHECK:         %[[RELU:.*]] = tosa.clamp %[[ADD]]
// CHECK:         %[[OUT:.*]] = tosa.transpose %[[RELU]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK:         return %[[OUT]]
func.func @sink_reusing_inverse_transpose(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.conv2d %0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %3 = tosa.add %2, %arg0 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %4 = tosa.clamp %3 {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %4 : tensor<1x2x4x4xf32>
}

// -----

/// The reused transpose comes after the add; it moves up to dominate it.
// CHECK-LABEL: func.func @sink_moves_inverse_transpose_up
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[Y:.*]]: tensor<1x4x4x2xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK:         %[[ADD:.*]] = tosa.add %[[Y]], %[[T]]
// CHECK:         %[[OUT:.*]] = tosa.transpose %[[ADD]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK:         return %[[OUT]], %[[T]]
func.func @sink_moves_inverse_transpose_up(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x4x4x2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %1 = tosa.add %0, %arg0 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %1, %2 : tensor<1x2x4x4xf32>, tensor<1x4x4x2xf32>
}

// -----

/// A non-constant 1xCx1x1 operand needs no transpose, only a reshape.
// CHECK-LABEL: func.func @sink_broadcast_vector_as_reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>, %[[V:.*]]: tensor<1x3x1x1xf32>)
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[R:.*]] = tosa.reshape %[[V]], %{{.*}} -> tensor<1x1x1x3xf32>
// CHECK:         %[[MAX:.*]] = tosa.maximum %[[X]], %[[R]]
// CHECK:         return %[[MAX]]
func.func @sink_broadcast_vector_as_reshape(%arg0: tensor<1x5x6x3xf32>, %arg1: tensor<1x3x1x1xf32>) -> tensor<1x5x6x3xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.maximum %0, %arg1 : (tensor<1x3x5x6xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x5x6xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x6xf32>) -> tensor<1x5x6x3xf32>
  return %2 : tensor<1x5x6x3xf32>
}

// -----

/// Moving the transpose below the add would need a new transpose of %arg1.
// CHECK-LABEL: func.func @negative_sink_needs_new_transpose
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>, %[[Y:.*]]: tensor<1x3x5x6xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]]
// CHECK:         %[[ADD:.*]] = tosa.add %[[T]], %[[Y]]
// CHECK:         return %[[ADD]]
func.func @negative_sink_needs_new_transpose(%arg0: tensor<1x5x6x3xf32>, %arg1: tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.add %0, %arg1 : (tensor<1x3x5x6xf32>, tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
  return %1 : tensor<1x3x5x6xf32>
}

// -----

/// The transpose is also returned, so moving it below the exp would add one.
// CHECK-LABEL: func.func @negative_transpose_has_other_users
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]]
// CHECK:         %[[EXP:.*]] = tosa.exp %[[T]]
// CHECK:         return %[[T]], %[[EXP]]
func.func @negative_transpose_has_other_users(%arg0: tensor<1x5x6x3xf32>) -> (tensor<1x3x5x6xf32>, tensor<1x3x5x6xf32>) {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.exp %0 : (tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
  return %0, %1 : tensor<1x3x5x6xf32>, tensor<1x3x5x6xf32>
}

// -----

/// The transposed operand is broadcast: a transpose after the add would move
/// four times as much data.
// CHECK-LABEL: func.func @negative_transposed_operand_broadcasts
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x2x3xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]]
// CHECK:         %[[ADD:.*]] = tosa.add %[[T]], %{{.*}}
// CHECK:         return %[[ADD]]
func.func @negative_transposed_operand_broadcasts(%arg0: tensor<1x1x2x3xf32>) -> tensor<1x3x4x2xf32> {
  %c = "tosa.const"() <{values = dense<1.0> : tensor<1x3x4x2xf32>}> : () -> tensor<1x3x4x2xf32>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x1x2x3xf32>) -> tensor<1x3x1x2xf32>
  %1 = tosa.add %0, %c : (tensor<1x3x1x2xf32>, tensor<1x3x4x2xf32>) -> tensor<1x3x4x2xf32>
  return %1 : tensor<1x3x4x2xf32>
}

// -----

/// Unranked transposes carry no shape to permute: everything stays.
// CHECK-LABEL: func.func @negative_unranked
// CHECK-SAME:    (%[[X:.*]]: tensor<*xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]]
// CHECK:         %[[CLAMP:.*]] = tosa.clamp %[[T]]
// CHECK:         return %[[CLAMP]]
func.func @negative_unranked(%arg0: tensor<*xf32>) -> tensor<*xf32> {
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<*xf32>) -> tensor<*xf32>
  %1 = tosa.clamp %0 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func.func @sink_through_pad
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>)
// CHECK-DAG:     %[[PC:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}>
// CHECK-DAG:     %[[PADDING:.*]] = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 1, 3]> : tensor<8xindex>}
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[PAD:.*]] = tosa.pad %[[X]], %[[PADDING]], %[[PC]] : {{.*}} -> tensor<1x5x6x7xf32>
// CHECK:         return %[[PAD]]
func.func @sink_through_pad(%arg0: tensor<1x5x6x3xf32>) -> tensor<1x5x6x7xf32> {
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 3, 0, 0, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %pad_const = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.pad %0, %padding, %pad_const : (tensor<1x3x5x6xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x7x5x6xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x7x5x6xf32>) -> tensor<1x5x6x7xf32>
  return %2 : tensor<1x5x6x7xf32>
}

// -----

// CHECK-LABEL: func.func @sink_through_slice
// CHECK-SAME:    (%[[X:.*]]: tensor<1x5x6x3xf32>)
// CHECK-DAG:     %[[SIZE:.*]] = tosa.const_shape {values = dense<[1, 4, 6, 2]> : tensor<4xindex>}
// CHECK-DAG:     %[[START:.*]] = tosa.const_shape {values = dense<[0, 1, 0, 1]> : tensor<4xindex>}
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[SLICE:.*]] = tosa.slice %[[X]], %[[START]], %[[SIZE]] : {{.*}} -> tensor<1x4x6x2xf32>
// CHECK:         return %[[SLICE]]
func.func @sink_through_slice(%arg0: tensor<1x5x6x3xf32>) -> tensor<1x4x6x2xf32> {
  %start = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, 4, 6]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x6x3xf32>) -> tensor<1x3x5x6xf32>
  %1 = tosa.slice %0, %start, %size : (tensor<1x3x5x6xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x4x6xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x6xf32>) -> tensor<1x4x6x2xf32>
  return %2 : tensor<1x4x6x2xf32>
}

// -----

/// ResNet's option-A shortcut: split H and W, keep phase 0, merge, pad C.
// CHECK-LABEL: func.func @sink_through_subsample_shortcut
// CHECK-SAME:    (%[[X:.*]]: tensor<1x8x8x4xf32>)
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[SPLIT:.*]] = tosa.reshape %[[X]], %{{.*}} -> tensor<1x4x2x4x2x4xf32>
// CHECK:         %[[SLICE:.*]] = tosa.slice %[[SPLIT]], %{{.*}}, %{{.*}} -> tensor<1x4x1x4x1x4xf32>
// CHECK:         %[[MERGE:.*]] = tosa.reshape %[[SLICE]], %{{.*}} -> tensor<1x4x4x4xf32>
// CHECK:         %[[PAD:.*]] = tosa.pad %[[MERGE]], %{{.*}}, %{{.*}} -> tensor<1x4x4x8xf32>
// CHECK:         return %[[PAD]]
func.func @sink_through_subsample_shortcut(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x4x4x8xf32> {
  %split = tosa.const_shape {values = dense<[1, 4, 4, 2, 4, 2]> : tensor<6xindex>} : () -> !tosa.shape<6>
  %start = tosa.const_shape {values = dense<0> : tensor<6xindex>} : () -> !tosa.shape<6>
  %size = tosa.const_shape {values = dense<[1, 4, 4, 1, 4, 1]> : tensor<6xindex>} : () -> !tosa.shape<6>
  %merge = tosa.const_shape {values = dense<[1, 4, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %padding = tosa.const_shape {values = dense<[0, 0, 2, 2, 0, 0, 0, 0]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %pad_const = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  %1 = tosa.reshape %0, %split : (tensor<1x4x8x8xf32>, !tosa.shape<6>) -> tensor<1x4x4x2x4x2xf32>
  %2 = tosa.slice %1, %start, %size : (tensor<1x4x4x2x4x2xf32>, !tosa.shape<6>, !tosa.shape<6>) -> tensor<1x4x4x1x4x1xf32>
  %3 = tosa.reshape %2, %merge : (tensor<1x4x4x1x4x1xf32>, !tosa.shape<4>) -> tensor<1x4x4x4xf32>
  %4 = tosa.pad %3, %padding, %pad_const : (tensor<1x4x4x4xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x8x4x4xf32>
  %5 = tosa.transpose %4 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %5 : tensor<1x4x4x8xf32>
}

// -----

// CHECK-LABEL: func.func @unit_dim_transpose_is_reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x1x8xf32>)
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[R:.*]] = tosa.reshape %[[X]], %{{.*}} -> tensor<1x8xf32>
// CHECK:         return %[[R]]
func.func @unit_dim_transpose_is_reshape(%arg0: tensor<1x1x1x8xf32>) -> tensor<1x8xf32> {
  %shape = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x1x1x8xf32>) -> tensor<1x8x1x1xf32>
  %1 = tosa.reshape %0, %shape : (tensor<1x8x1x1xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}

// -----

/// Weight row k (NCHW order c*4 + h*2 + w) moves to the NHWC position of the
/// same element.
// CHECK-LABEL: func.func @fold_transpose_into_matmul
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x2x3xf32>)
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}0.000000e+00], [4.000000e+00], [8.000000e+00], [1.000000e+00], [5.000000e+00], [9.000000e+00], [2.000000e+00], [6.000000e+00], [1.000000e+01], [3.000000e+00], [7.000000e+00], [1.100000e+01]]]> : tensor<1x12x1xf32>}>
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[FLAT:.*]] = tosa.reshape %[[X]], %{{.*}} -> tensor<1x1x12xf32>
// CHECK:         %[[MM:.*]] = tosa.matmul %[[FLAT]], %[[W]]
// CHECK:         return %[[MM]]
func.func @fold_transpose_into_matmul(%arg0: tensor<1x2x2x3xf32>) -> tensor<1x1x1xf32> {
  %flat = tosa.const_shape {values = dense<[1, 12]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %row = tosa.const_shape {values = dense<[1, 1, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w = "tosa.const"() <{values = dense<[[[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0], [9.0], [10.0], [11.0]]]> : tensor<1x12x1xf32>}> : () -> tensor<1x12x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x3xf32>) -> tensor<1x3x2x2xf32>
  %1 = tosa.reshape %0, %flat : (tensor<1x3x2x2xf32>, !tosa.shape<2>) -> tensor<1x12xf32>
  %2 = tosa.reshape %1, %row : (tensor<1x12xf32>, !tosa.shape<3>) -> tensor<1x1x12xf32>
  %3 = tosa.matmul %2, %w, %zp, %zp : (tensor<1x1x12xf32>, tensor<1x12x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %3 : tensor<1x1x1xf32>
}

// -----

/// Flattening CxHxW does not commute with NHWC->NCHW, and no matmul
/// follows to absorb the order.
// CHECK-LABEL: func.func @negative_flatten_without_matmul
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x2x3xf32>)
// CHECK:         %[[T:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK:         %[[R:.*]] = tosa.reshape %[[T]]
// CHECK:         return %[[R]]
func.func @negative_flatten_without_matmul(%arg0: tensor<1x2x2x3xf32>) -> tensor<1x12xf32> {
  %shape = tosa.const_shape {values = dense<[1, 12]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x3xf32>) -> tensor<1x3x2x2xf32>
  %1 = tosa.reshape %0, %shape : (tensor<1x3x2x2xf32>, !tosa.shape<2>) -> tensor<1x12xf32>
  return %1 : tensor<1x12xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Batch norm: per-channel affine ops fold into the convolution.
//===----------------------------------------------------------------------===//

/// W' = W * scale, b' = (b - mean) * scale + beta.
// CHECK-LABEL: func.func @fold_batch_norm
// CHECK-SAME:    (%[[X:.*]]: tensor<1x4x4x1xf32>)
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[-7.500000e-01, -5.000000e-01]> : tensor<2xf32>}>
// CHECK:         %[[CONV:.*]] = tosa.conv2d %[[X]], %[[W]], %[[B]],
// CHECK-NOT:     tosa.sub
// CHECK-NOT:     tosa.mul
// CHECK-NOT:     tosa.add
// CHECK:         return %[[CONV]]
func.func @fold_batch_norm(%arg0: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %scale = "tosa.const"() <{values = dense<[[[[2.0, 0.5]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %beta = "tosa.const"() <{values = dense<[[[[0.25, 1.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.sub %0, %mean : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.mul %1, %scale, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %3 = tosa.add %beta, %2 : (tensor<1x1x1x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %3 : tensor<1x4x4x2xf32>
}

// -----

/// Depthwise weights are HWCM: output channel c * M + m varies fastest; the
/// size-1 bias is broadcast to one value per channel.
// CHECK-LABEL: func.func @fold_depthwise_scale
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>}>
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>}>
// CHECK:         %[[CONV:.*]] = tosa.depthwise_conv2d %{{.*}}, %[[W]], %[[B]],
// CHECK-NOT:     tosa.mul
// CHECK:         return %[[CONV]]
func.func @fold_depthwise_scale(%arg0: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 1.0], [1.0, 1.0]]]]> : tensor<1x1x2x2xf32>}> : () -> tensor<1x1x2x2xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %scale = "tosa.const"() <{values = dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.depthwise_conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %1 = tosa.mul %scale, %0, %shift : (tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>, tensor<1xi8>) -> tensor<1x4x4x4xf32>
  return %1 : tensor<1x4x4x4xf32>
}

// -----

/// c - 0.5 * conv: a splat scale, then a subtraction that negates the weights.
// CHECK-LABEL: func.func @fold_splat_and_reversed_sub
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}-5.000000e-01]]], {{\[\[\[}}-1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[3.500000e+00, 7.000000e+00]> : tensor<2xf32>}>
// CHECK:         %[[CONV:.*]] = tosa.conv2d %{{.*}}, %[[W]], %[[B]],
// CHECK-NOT:     tosa.mul
// CHECK-NOT:     tosa.sub
// CHECK:         return %[[CONV]]
func.func @fold_splat_and_reversed_sub(%arg0: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %c = "tosa.const"() <{values = dense<[[[[4.0, 8.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.mul %0, %half, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %2 = tosa.sub %c, %1 : (tensor<1x1x1x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %2 : tensor<1x4x4x2xf32>
}

// -----

/// The conv result is also returned: its weights must stay.
// CHECK-LABEL: func.func @negative_conv_with_two_uses
// CHECK:         %[[CONV:.*]] = tosa.conv2d
// CHECK:         %[[ADD:.*]] = tosa.add %[[CONV]], %{{.*}}
// CHECK:         return %[[CONV]], %[[ADD]]
func.func @negative_conv_with_two_uses(%arg0: tensor<1x4x4x1xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %w = "tosa.const"() <{values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = "tosa.const"() <{values = dense<[[[[4.0, 8.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %0 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.add %0, %c : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  return %0, %1 : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

// -----

/// The constant varies along H, not only along the channels.
// CHECK-LABEL: func.func @negative_per_element_constant
// CHECK:         %[[CONV:.*]] = tosa.conv2d
// CHECK:         %[[MUL:.*]] = tosa.mul %[[CONV]], %{{.*}}, %{{.*}}
// CHECK:         return %[[MUL]]
func.func @negative_per_element_constant(%arg0: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = "tosa.const"() <{values = dense<[[[[1.0, 2.0]], [[3.0, 4.0]]]]> : tensor<1x2x1x2xf32>}> : () -> tensor<1x2x1x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.mul %0, %c, %shift : (tensor<1x2x2x2xf32>, tensor<1x2x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

/// The added value is not a constant.
// CHECK-LABEL: func.func @negative_non_constant_operand
// CHECK-SAME:    (%{{.*}}: tensor<1x4x4x1xf32>, %[[Y:.*]]: tensor<1x1x1x2xf32>)
// CHECK:         %[[CONV:.*]] = tosa.conv2d
// CHECK:         %[[ADD:.*]] = tosa.add %[[CONV]], %[[Y]]
// CHECK:         return %[[ADD]]
func.func @negative_non_constant_operand(%arg0: tensor<1x4x4x1xf32>, %arg1: tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.add %0, %arg1 : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  return %1 : tensor<1x4x4x2xf32>
}

// -----

/// The weights are a function argument, so they cannot absorb anything.
// CHECK-LABEL: func.func @negative_weights_not_constant
// CHECK:         %[[CONV:.*]] = tosa.conv2d
// CHECK:         %[[ADD:.*]] = tosa.add %[[CONV]], %{{.*}}
// CHECK:         return %[[ADD]]
func.func @negative_weights_not_constant(%arg0: tensor<1x4x4x1xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x4x4x2xf32> {
  %b = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = "tosa.const"() <{values = dense<[[[[4.0, 8.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %0 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.add %0, %c : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  return %1 : tensor<1x4x4x2xf32>
}

// -----

/// The NCHW conv + unfused batch norm + ReLU that torch-mlir emits: the
/// transposes cancel, rsqrt(var + eps) folds to a constant and the whole
/// chain folds into the conv (scale = gamma / sqrt(var) = [1.5, 1.25]).
// CHECK-LABEL: func.func @torch_batch_norm_block
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[-1.000000e+00, -3.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.500000e+00, 0.000000e+00]]], {{\[\[\[}}0.000000e+00, 1.250000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK:         %[[IN:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK:         %[[CONV:.*]] = tosa.conv2d %[[IN]], %[[W]], %[[B]],
// CHECK:         %[[RELU:.*]] = tosa.clamp %[[CONV]]
// CHECK-NOT:     tosa.transpose
// CHECK-NOT:     tosa.sub
// CHECK-NOT:     tosa.rsqrt
// CHECK-NOT:     tosa.mul
// CHECK:         return %[[RELU]]
func.func @torch_batch_norm_block(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %var = "tosa.const"() <{values = dense<[[[[4.0]], [[16.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %eps = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %gamma = "tosa.const"() <{values = dense<[[[[3.0]], [[5.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %beta = "tosa.const"() <{values = dense<[[[[0.5]], [[-0.5]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.conv2d %0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %3 = tosa.sub %2, %mean : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %4 = tosa.add %var, %eps : (tensor<1x2x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x1x1xf32>
  %5 = tosa.rsqrt %4 : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %6 = tosa.mul %3, %5, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %7 = tosa.mul %6, %gamma, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %8 = tosa.add %7, %beta : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %9 = tosa.clamp %8 {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %10 = tosa.transpose %9 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %10 : tensor<1x4x4x2xf32>
}

// -----

/// Batch norm's scale is gamma / sqrt(var + eps) computed in float32, as
/// PyTorch and the ONNX exporters fold it, and reaches the weights in one
/// multiplication: sqrt(3) and sqrt(7) are inexact, and 3 / sqrt(3) is
/// 1.7320509 where 3 * (1 / sqrt(3)) would be 1.73205078; 5 / sqrt(7) is
/// 1.88982236 where 5 * (1 / sqrt(7)) would be 1.88982248. The bias is
/// beta - mean * scale.
// CHECK-LABEL: func.func @batch_norm_scale_rounding
// CHECK-DAG:     "tosa.const"() <{values = dense<[-1.2320509, -4.27964497]> : tensor<2xf32>}>
// CHECK-DAG:     "tosa.const"() <{values = dense<{{\[\[\[\[}}1.7320509, 0.000000e+00]]], {{\[\[\[}}0.000000e+00, 1.88982236]]]]> : tensor<2x1x1x2xf32>}>
// CHECK-NOT:     tosa.rsqrt
// CHECK-NOT:     tosa.mul
func.func @batch_norm_scale_rounding(%arg0: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %var = "tosa.const"() <{values = dense<[[[[3.0, 7.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %eps = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %gamma = "tosa.const"() <{values = dense<[[[[3.0, 5.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %beta = "tosa.const"() <{values = dense<[[[[0.5, -0.5]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %1 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %3 = tosa.sub %1, %mean : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  %4 = tosa.add %var, %eps : (tensor<1x1x1x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x2xf32>
  %5 = tosa.rsqrt %4 : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
  %6 = tosa.mul %3, %5, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %7 = tosa.mul %6, %gamma, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %8 = tosa.add %7, %beta : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  return %8 : tensor<1x4x4x2xf32>
}

// -----

/// The same block with a 1x1 output: the transposes then only move unit
/// dimensions, and must still be sunk (not turned into reshapes early) so
/// that batch norm reaches the conv.
// CHECK-LABEL: func.func @torch_batch_norm_unit_spatial
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[-1.000000e+00, -3.000000e+00]> : tensor<2xf32>}>
// CHECK:         %[[IN:.*]] = tosa.transpose
// CHECK:         %[[CONV:.*]] = tosa.conv2d %[[IN]], %{{.*}}, %[[B]],
// CHECK:         %[[RELU:.*]] = tosa.clamp %[[CONV]]
// CHECK-NOT:     tosa.transpose
// CHECK-NOT:     tosa.reshape
// CHECK-NOT:     tosa.mul
// CHECK:         return %[[RELU]]
func.func @torch_batch_norm_unit_spatial(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x3x3x2xf32>}> : () -> tensor<2x3x3x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %var = "tosa.const"() <{values = dense<[[[[4.0]], [[16.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %eps = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %gamma = "tosa.const"() <{values = dense<[[[[3.0]], [[5.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %beta = "tosa.const"() <{values = dense<[[[[0.5]], [[-0.5]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %1 = tosa.conv2d %0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x1x1x2xf32>) -> tensor<1x2x1x1xf32>
  %3 = tosa.sub %2, %mean : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %4 = tosa.add %var, %eps : (tensor<1x2x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x1x1xf32>
  %5 = tosa.rsqrt %4 : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %6 = tosa.mul %3, %5, %shift : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x1x1xf32>
  %7 = tosa.mul %6, %gamma, %shift : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x1x1xf32>
  %8 = tosa.add %7, %beta : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %9 = tosa.clamp %8 {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %10 = tosa.transpose %9 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x2xf32>
  return %10 : tensor<1x1x1x2xf32>
}
