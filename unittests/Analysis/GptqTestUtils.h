//===- GptqTestUtils.h - Layers with known inputs for GPTQ tests -*- C++ -*-===//
//
// Random weights, correlated input vectors and their Hessian, shared by the
// GPTQ and pruning tests.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UNITTESTS_ANALYSIS_GPTQTESTUTILS_H
#define COMPRESS_UNITTESTS_ANALYSIS_GPTQTESTUTILS_H

#include <cstdint>
#include <random>
#include <vector>

namespace compress::test {

inline std::vector<float> randomWeights(int64_t rows, int64_t columns,
                                        std::mt19937_64 &rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(rows * columns);
  for (float &v : w)
    v = normal(rng);
  return w;
}

/// `count` input vectors of `columns` values (vector i at [i * columns]):
/// x = A z with z standard normal and A a random mixing matrix plus a
/// component common to all inputs, so neighbouring inputs are correlated as
/// the pixels of an image patch are.
inline std::vector<double> correlatedInputs(int64_t columns, int64_t count,
                                     std::mt19937_64 &rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> mixing(columns * columns);
  for (double &v : mixing)
    v = normal(rng);
  std::vector<double> x(columns * count), z(columns);
  for (int64_t i = 0; i < count; ++i) {
    for (double &v : z)
      v = normal(rng);
    double common = 2.0 * normal(rng);
    for (int64_t j = 0; j < columns; ++j) {
      double sum = common;
      for (int64_t k = 0; k < columns; ++k)
        sum += mixing[j * columns + k] * z[k];
      x[i * columns + j] = sum;
    }
  }
  return x;
}

/// 2 X X^T / N (symmetric, so either order).
inline std::vector<float> hessianOf(const std::vector<double> &x, int64_t columns) {
  int64_t count = x.size() / columns;
  std::vector<double> h(columns * columns, 0.0);
  for (int64_t i = 0; i < count; ++i)
    for (int64_t a = 0; a < columns; ++a)
      for (int64_t b = 0; b < columns; ++b)
        h[a * columns + b] += x[i * columns + a] * x[i * columns + b];
  std::vector<float> result;
  for (double v : h)
    result.push_back(float(v * 2.0 / double(count)));
  return result;
}

} // namespace compress::test

#endif // COMPRESS_UNITTESTS_ANALYSIS_GPTQTESTUTILS_H
