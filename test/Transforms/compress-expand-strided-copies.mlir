// RUN: compress-opt %s --split-input-file --compress-expand-strided-copies | FileCheck %s

/// A copy out of a strided window becomes linalg.copy (loops, not a call
/// of the runner utilities' memrefCopy).
// CHECK-LABEL: func.func @strided_source
// CHECK-SAME: %[[A:.*]]: memref<4x4xi8, strided<[8, 1]>>, %[[B:.*]]: memref<4x4xi8>
// CHECK: linalg.copy ins(%[[A]] : memref<4x4xi8, strided<[8, 1]>>) outs(%[[B]] : memref<4x4xi8>)
// CHECK-NOT: memref.copy
func.func @strided_source(%a: memref<4x4xi8, strided<[8, 1]>>,
                          %b: memref<4x4xi8>) {
  memref.copy %a, %b : memref<4x4xi8, strided<[8, 1]>> to memref<4x4xi8>
  return
}

// -----

/// So does a copy into the interior of a padded buffer.
// CHECK-LABEL: func.func @strided_target
// CHECK: linalg.copy
// CHECK-NOT: memref.copy
func.func @strided_target(%a: memref<2x2xi8>, %b: memref<4x4xi8>) {
  %interior = memref.subview %b[1, 1] [2, 2] [1, 1]
      : memref<4x4xi8> to memref<2x2xi8, strided<[4, 1], offset: 5>>
  memref.copy %a, %interior
      : memref<2x2xi8> to memref<2x2xi8, strided<[4, 1], offset: 5>>
  return
}

// -----

/// A copy between contiguous buffers is left alone: it lowers to memcpy.
// CHECK-LABEL: func.func @negative_contiguous
// CHECK: memref.copy
// CHECK-NOT: linalg.copy
func.func @negative_contiguous(%a: memref<4x4xi8>, %b: memref<4x4xi8>) {
  memref.copy %a, %b : memref<4x4xi8> to memref<4x4xi8>
  return
}
