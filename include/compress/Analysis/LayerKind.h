//===- LayerKind.h - The kinds of weight layer -------------------*- C++ -*-===//
//
// The three kinds of op whose constant weights compress quantizes, each
// with its own weight layout. One enum for everything that depends on the
// layout: the layers of a graph, their input Hessians and GPTQ.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_ANALYSIS_LAYERKIND_H
#define COMPRESS_ANALYSIS_LAYERKIND_H

namespace compress {

enum class LayerKind {
  /// tosa.conv2d, weights [O, KH, KW, I]: O rows of KH*KW*I columns, one
  /// Hessian.
  Conv2D,
  /// tosa.depthwise_conv2d, weights [KH, KW, C, M]: per input channel c,
  /// M rows of KH*KW columns with Hessian c and scale c.
  DepthwiseConv2D,
  /// tosa.matmul with weights [1, K, N]: N rows of K columns, one Hessian.
  Matmul,
};

} // namespace compress

#endif // COMPRESS_ANALYSIS_LAYERKIND_H
