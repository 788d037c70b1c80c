// MLIR 22's parser crashes on dense arrays of index elements (llvm-project
// issue 179045). compress-opt and the tools that read models reject them
// with a located error first, directly or through a type alias, and leave
// them alone inside strings and comments.

// RUN: split-file %s %t
// RUN: not compress-opt %t/direct.mlir 2>&1 | FileCheck %s --check-prefix=DIRECT
// RUN: not compress-opt < %t/direct.mlir 2>&1 | FileCheck %s --check-prefix=STDIN
// RUN: not compress-opt %t/alias.mlir 2>&1 | FileCheck %s --check-prefix=ALIAS
// RUN: not compress-run %t/direct.mlir --input %S/../compress-run/Inputs/x_f32_2x4.npy 2>&1 | FileCheck %s --check-prefix=TOOL
// RUN: compress-opt %t/harmless.mlir | FileCheck %s --check-prefix=HARMLESS

// DIRECT: direct.mlir:2:54: error: dense arrays of 'index' elements are not supported: MLIR 22's parser crashes on them (llvm-project issue 179045); use i64{{$}}
// DIRECT-NOT: Stack dump
// STDIN: <stdin>:2:54: error: dense arrays
// ALIAS: alias.mlir:3:32: error: dense arrays of 'index' elements are not supported: {{.*}} (!b is an alias of index)
// TOOL: compress-run: error: {{.*}}direct.mlir:2:54: dense arrays of 'index' elements
// HARMLESS: module attributes {x.a = array<i64: 1>, x.s = "array<index: 1>"}

//--- direct.mlir
// A dense array of index elements.
module attributes {x.a = array<i64: 1>, x.b = array< index : 1, 2>} {}

//--- alias.mlir
!a = index
!b = !a
module attributes {x.a = array<!b: 1>} {}

//--- harmless.mlir
// array<index: 1> in a comment.
!i = i64
module attributes {x.a = array<!i: 1>, x.s = "array<index: 1>"} {}
