//===- ParetoPlot.cpp - Size/error trade-off as an SVG chart --------------===//

#include "compress/Analysis/ParetoPlot.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace compress;

namespace {

/// Maps data coordinates (bytes, log10 error) to the plot area.
struct Axes {
  static constexpr double width = 760, height = 480;
  static constexpr double left = 90, right = 30, top = 50, bottom = 60;
  double xMin, xMax, yMin, yMax; // yMin/yMax are log10 of the error

  double x(double bytes) const {
    return left + (bytes - xMin) / (xMax - xMin) * (width - left - right);
  }
  double y(double error) const {
    double e = error > 0 ? std::log10(error) : yMin;
    e = std::clamp(e, yMin, yMax);
    return top + (yMax - e) / (yMax - yMin) * (height - top - bottom);
  }
};

std::string escape(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A size in bytes as a short axis label.
std::string formatBytes(double bytes) {
  if (bytes >= 1024.0 * 1024.0)
    return llvm::formatv("{0:f2} MiB", bytes / (1024.0 * 1024.0)).str();
  if (bytes >= 1024.0)
    return llvm::formatv("{0:f1} KiB", bytes / 1024.0).str();
  return llvm::formatv("{0} B", int64_t(bytes)).str();
}

} // namespace

/// Axes that hold every point of `chart` and its budget, with a margin
/// in size and whole decades of error.
static Axes fitAxes(const ParetoChart &chart) {
  std::vector<const ParetoPoint *> all;
  for (const ParetoPoint &p : chart.frontier)
    all.push_back(&p);
  for (const ParetoPoint &p : chart.denseFrontier)
    all.push_back(&p);
  for (const ParetoPoint &p : chart.uniform)
    all.push_back(&p);
  if (chart.chosen)
    all.push_back(&*chart.chosen);

  double xMin = INFINITY, xMax = -INFINITY, eMin = INFINITY, eMax = -INFINITY;
  for (const ParetoPoint *p : all) {
    xMin = std::min(xMin, double(p->bytes));
    xMax = std::max(xMax, double(p->bytes));
    if (p->error > 0) {
      eMin = std::min(eMin, std::log10(p->error));
      eMax = std::max(eMax, std::log10(p->error));
    }
  }
  if (chart.sizeBudget) {
    xMin = std::min(xMin, double(*chart.sizeBudget));
    xMax = std::max(xMax, double(*chart.sizeBudget));
  }
  if (!std::isfinite(xMin)) {
    xMin = 0;
    xMax = 1;
  }
  if (!std::isfinite(eMin)) {
    eMin = -1;
    eMax = 0;
  }
  double xPad = std::max(1.0, 0.05 * (xMax - xMin));
  Axes axes{std::max(0.0, xMin - xPad), xMax + xPad, std::floor(eMin),
            std::ceil(eMax)};
  if (axes.yMax <= axes.yMin)
    axes.yMax = axes.yMin + 1;
  return axes;
}

/// The grid, the ticks, the frame, the axis titles and the size budget.
static void writeGrid(llvm::raw_ostream &os, const Axes &axes,
                      const ParetoChart &chart) {
  // One line per decade of error, five size ticks.
  double plotRight = Axes::width - Axes::right;
  double plotBottom = Axes::height - Axes::bottom;
  for (double e = axes.yMin; e <= axes.yMax + 1e-9; e += 1) {
    double y = axes.y(std::pow(10.0, e));
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                        "stroke=\"#ddd\"/>\n",
                        Axes::left, y, plotRight);
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                        "dominant-baseline=\"middle\">1e{2}</text>\n",
                        Axes::left - 8, y, int(e));
  }
  for (int i = 0; i <= 4; ++i) {
    double bytes = axes.xMin + (axes.xMax - axes.xMin) * i / 4;
    double x = axes.x(bytes);
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                        "stroke=\"#ddd\"/>\n",
                        x, Axes::top, plotBottom);
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" "
                        "text-anchor=\"middle\">{2}</text>\n",
                        x, plotBottom + 18, formatBytes(bytes));
  }
  os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" "
                      "fill=\"none\" stroke=\"black\"/>\n",
                      Axes::left, Axes::top, plotRight - Axes::left,
                      plotBottom - Axes::top);
  os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">"
                      "weight size</text>\n",
                      (Axes::left + plotRight) / 2, Axes::height - 16);
  os << llvm::formatv("<text x=\"20\" y=\"{0}\" text-anchor=\"middle\" "
                      "transform=\"rotate(-90 20 {0})\">predicted error "
                      "(sum of Omega)</text>\n",
                      (Axes::top + plotBottom) / 2);

  if (chart.sizeBudget) {
    double x = axes.x(double(*chart.sizeBudget));
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                        "stroke=\"#888\" stroke-dasharray=\"6 4\"/>\n",
                        x, Axes::top, plotBottom);
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" fill=\"#555\">budget "
                        "{2}</text>\n",
                        x + 4, Axes::top + 14,
                        formatBytes(double(*chart.sizeBudget)));
  }
}

/// A frontier as a staircase (an optimal plan's error holds until the
/// next, larger plan) with a dot per plan.
static void writeStaircase(llvm::raw_ostream &os, const Axes &axes,
                           llvm::ArrayRef<ParetoPoint> frontier,
                           llvm::StringRef color, llvm::StringRef dash) {
  if (frontier.empty())
    return;
  std::string path;
  for (auto [i, p] : llvm::enumerate(frontier)) {
    double x = axes.x(double(p.bytes)), y = axes.y(p.error);
    if (i == 0)
      path += llvm::formatv("M{0:f1},{1:f1}", x, y).str();
    else
      path += llvm::formatv(" H{0:f1} V{1:f1}", x, y).str();
  }
  os << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << color
     << "\" stroke-width=\"1.5\"";
  if (!dash.empty())
    os << " stroke-dasharray=\"" << dash << "\"";
  os << "/>\n";
  for (const ParetoPoint &p : frontier)
    os << llvm::formatv("<circle cx=\"{0:f1}\" cy=\"{1:f1}\" r=\"2.5\" "
                        "fill=\"{2}\"/>\n",
                        axes.x(double(p.bytes)), axes.y(p.error), color);
}

/// The frontiers, the uniform plans and the chosen plan.
static void writePoints(llvm::raw_ostream &os, const Axes &axes,
                        const ParetoChart &chart) {
  writeStaircase(os, axes, chart.denseFrontier, "#2ca02c", "5 3");
  writeStaircase(os, axes, chart.frontier, "#1f77b4", "");
  for (const ParetoPoint &p : chart.uniform) {
    double x = axes.x(double(p.bytes)), y = axes.y(p.error);
    os << llvm::formatv("<rect x=\"{0:f1}\" y=\"{1:f1}\" width=\"8\" "
                        "height=\"8\" fill=\"#ff7f0e\"/>\n",
                        x - 4, y - 4);
    os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" "
                        "fill=\"#c05800\">{2}</text>\n",
                        x + 7, y - 6, escape(p.label));
  }
  if (chart.chosen) {
    double x = axes.x(double(chart.chosen->bytes));
    double y = axes.y(chart.chosen->error);
    os << llvm::formatv("<circle cx=\"{0:f1}\" cy=\"{1:f1}\" r=\"7\" "
                        "fill=\"none\" stroke=\"#d62728\" "
                        "stroke-width=\"2.5\"/>\n",
                        x, y);
    os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" fill=\"#d62728\" "
                        "text-anchor=\"end\">{2}</text>\n",
                        x - 10, y + 18, escape(chart.chosen->label));
  }
}

static void writeLegend(llvm::raw_ostream &os, const ParetoChart &chart) {
  double plotRight = Axes::width - Axes::right;
  double lx = plotRight - 190, ly = Axes::top + 16;
  bool dense = !chart.denseFrontier.empty();
  os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"182\" height=\"{2}\" "
                      "fill=\"white\" stroke=\"#bbb\"/>\n",
                      lx - 8, ly - 12, dense ? 80 : 62);
  os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                      "stroke=\"#1f77b4\" stroke-width=\"1.5\"/>"
                      "<text x=\"{3}\" y=\"{4}\">optimal plans</text>\n",
                      lx, ly, lx + 20, lx + 28, ly + 4);
  if (dense) {
    ly += 18;
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" "
                        "y2=\"{1}\" stroke=\"#2ca02c\" stroke-width=\"1.5\" "
                        "stroke-dasharray=\"5 3\"/><text x=\"{3}\" "
                        "y=\"{4}\">optimal without sparsity</text>\n",
                        lx, ly, lx + 20, lx + 28, ly + 4);
  }
  os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"8\" height=\"8\" "
                      "fill=\"#ff7f0e\"/><text x=\"{2}\" y=\"{3}\">uniform "
                      "bit widths</text>\n",
                      lx + 6, ly + 14, lx + 28, ly + 22);
  os << llvm::formatv("<circle cx=\"{0}\" cy=\"{1}\" r=\"5\" fill=\"none\" "
                      "stroke=\"#d62728\" stroke-width=\"2\"/><text x=\"{2}\" "
                      "y=\"{3}\">chosen plan</text>\n",
                      lx + 10, ly + 36, lx + 28, ly + 40);
}

void compress::writeParetoSvg(llvm::raw_ostream &os, const ParetoChart &chart) {
  Axes axes = fitAxes(chart);
  os << llvm::formatv(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n",
      Axes::width, Axes::height);
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  os << llvm::formatv("<text x=\"{0}\" y=\"28\" text-anchor=\"middle\" "
                      "font-size=\"15\">{1}</text>\n",
                      Axes::width / 2, escape(chart.title));
  writeGrid(os, axes, chart);
  writePoints(os, axes, chart);
  writeLegend(os, chart);
  os << "</svg>\n";
}
