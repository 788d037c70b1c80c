// RUN: compress-opt %s --split-input-file --compress-plan-buffers | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-plan-buffers="arena=global" | FileCheck %s --check-prefix=GLOBAL

/// %a dies before %c is allocated, so they share offset 0 (the largest
/// buffer is placed first); %b lives across both and goes after %c. The
/// result keeps its own allocation.
// CHECK-LABEL: func.func @lifetimes
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<192xi8>
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<192xi8> to memref<64xi8>
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%c128{{.*}}][] : memref<192xi8> to memref<16xi32>
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<192xi8> to memref<128xi8>
// CHECK: %[[R:.*]] = memref.alloc() : memref<64xi8>
// CHECK: return %[[R]]
// GLOBAL-LABEL: func.func @lifetimes
// GLOBAL: %[[ARENA:.*]] = memref.get_global @lifetimes_arena : memref<192xi8>
// GLOBAL-NOT: memref.alloc() {alignment
// GLOBAL: memref.global "private" @lifetimes_arena : memref<192xi8> = uninitialized {alignment = 64 : i64}
func.func @lifetimes(%x: memref<64xi8>) -> memref<64xi8> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<64xi8>
  memref.copy %x, %a : memref<64xi8> to memref<64xi8>
  %b = memref.alloc() {alignment = 64 : i64} : memref<16xi32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<64xi8>
  %c = memref.alloc() {alignment = 64 : i64} : memref<128xi8>
  memref.store %v, %c[%c0] : memref<128xi8>
  %w = memref.load %c[%c0] : memref<128xi8>
  %i = arith.extsi %w : i8 to i32
  memref.store %i, %b[%c0] : memref<16xi32>
  %r = memref.alloc() : memref<64xi8>
  memref.copy %x, %r : memref<64xi8> to memref<64xi8>
  return %r : memref<64xi8>
}

// -----

/// A use inside a loop, through a view, keeps the buffer alive until the
/// loop ends, so the later buffer cannot take its place.
// CHECK-LABEL: func.func @loop_and_view
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK: memref.view {{.*}}[%c0{{.*}}][] : memref<128xi8> to memref<4x16xi8>
// CHECK: memref.view {{.*}}[%c64{{.*}}][] : memref<128xi8> to memref<64xi8>
func.func @loop_and_view(%n: index) -> i8 {
  %a = memref.alloc() : memref<4x16xi8>
  %b = memref.alloc() : memref<64xi8>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<4x16xi8> into memref<64xi8>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i8
  scf.for %i = %c0 to %n step %c1 {
    memref.store %z, %b[%i] : memref<64xi8>
    %v = memref.load %flat[%i] : memref<64xi8>
    memref.store %v, %b[%i] : memref<64xi8>
  }
  %r = memref.load %b[%c0] : memref<64xi8>
  return %r : i8
}

// -----

/// A single buffer, or one that reaches a call, stays as it is.
// CHECK-LABEL: func.func @negative_escapes
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<8xi8>
// CHECK: memref.alloc() : memref<8xi8>
func.func private @sink(memref<8xi8>)
func.func @negative_escapes() {
  %a = memref.alloc() : memref<8xi8>
  %b = memref.alloc() : memref<8xi8>
  func.call @sink(%a) : (memref<8xi8>) -> ()
  %c0 = arith.constant 0 : index
  %z = arith.constant 0 : i8
  memref.store %z, %b[%c0] : memref<8xi8>
  return
}
