#!/usr/bin/env python3
"""Writes the CIFAR ResNet-18 family, widened to a given width, as float32
TOSA text for MLIR 22 with random weights.

The text has the form of the shared ResNet-20 (../shared/models, as
torch-mlir's TorchToTosa emits it and MLIR 22's mlir-opt prints it): NCHW
input [1, 3, 32, 32]; a transpose to NHWC before every `tosa.conv2d` and
back after it; batch norm unfused as sub / add eps / rsqrt / mul / mul /
add on 1xCx1x1 constants; ReLU as `tosa.clamp`; residual `tosa.add`; a
global `tosa.avg_pool2d`; and a fully connected layer as reshape,
`tosa.matmul` and bias add, to logits [1, 10]. Constants of more than 100
elements are raw little-endian hex, smaller ones are printed as mlir-opt
prints them.

Architecture (the usual CIFAR ResNet-18 at width 64, 11,173,962
parameters): a 3x3 stem conv of width W + BN + ReLU; four stages of two
BasicBlocks (conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU) of
widths W, 2W, 4W and 8W, where the first block of stages 2-4 has stride 2
and a 1x1 conv + BN shortcut; a 4x4 average pool; a linear layer to 10
classes. The stride-2 3x3 convs get TorchToTosa's padding [1, 0, 1, 0];
the stride-2 1x1 shortcut convs, which have no padding to shorten, get
TorchToTosa's slice of the input's last row and column instead.

Weights are random but deterministic for a seed: Kaiming-normal convs,
PyTorch's default uniform init for the linear layer, and batch-norm
statistics and affine parameters near (0, 1), so that activations stay
finite and vary from input to input. The parameter count is PyTorch's
(conv and linear weights, linear bias, BN weight and bias; BN running
statistics are buffers).

Usage:
  widened-resnet18.py (--width W | --params N) [--seed S] [-o FILE]

N takes a K or M suffix (0.27M, 25M); --params picks the width whose
parameter count is closest to N. The parameter count is printed on stderr.
"""

import argparse
import array
import math
import random
import statistics
import sys
import time

NUM_CLASSES = 10
IMAGE = 32
BN_EPS = 1e-5
FLOAT_MAX = "3.40282347E+38"
# Tensors with more elements than this print as hex, as in mlir-opt.
MAX_PRINTED_ELEMENTS = 100
# Normal samples come from a table of this many equally likely quantiles,
# indexed by random 16-bit integers: exact enough for weights, and fast
# without numpy.
QUANTILES = 1 << 16


def block_params(cin, cout, stride):
    """Parameters of one BasicBlock (convs without bias, BN weight and bias)."""
    count = 9 * cin * cout + 2 * cout + 9 * cout * cout + 2 * cout
    if stride != 1 or cin != cout:
        count += cin * cout + 2 * cout
    return count


def stages(width):
    """(in channels, out channels, stride) of every BasicBlock, in order."""
    blocks = []
    cin = width
    for stage, factor in enumerate((1, 2, 4, 8)):
        cout = width * factor
        for index in range(2):
            stride = 2 if stage > 0 and index == 0 else 1
            blocks.append((cin, cout, stride))
            cin = cout
    return blocks


def parameter_count(width):
    count = 27 * width + 2 * width
    for cin, cout, stride in stages(width):
        count += block_params(cin, cout, stride)
    return count + 8 * width * NUM_CLASSES + NUM_CLASSES


def width_for(params):
    """The width whose parameter count is closest to `params`."""
    width = 1
    while parameter_count(width + 1) < params:
        width += 1
    below, above = parameter_count(width), parameter_count(width + 1)
    return width if params - below <= above - params else width + 1


def parse_count(text):
    """A parameter count such as 270000, 0.27M, 25M or 500K."""
    scale = {"K": 1e3, "M": 1e6}.get(text[-1:].upper(), 1)
    digits = text[:-1] if scale != 1 else text
    try:
        value = float(digits) * scale
    except ValueError:
        raise argparse.ArgumentTypeError("not a parameter count: %r" % text)
    if value < 1:
        raise argparse.ArgumentTypeError("not a parameter count: %r" % text)
    return int(round(value))


# ---------------------------------------------------------------------------
# Printing float32 values as mlir-opt does.

def _float32(value):
    return array.array("f", [value])[0]


def _decimal_digits(value, precision):
    """llvm::APFloat::toString's digits of a finite non-zero float32:
    (most significant digit first, decimal exponent of the last digit),
    to `precision` significant digits. Digits beyond what the precision
    needs are truncated before rounding (half up), as APFloat does."""
    mantissa, exponent = math.frexp(abs(value))
    significand = int(mantissa * (1 << 24))
    exp = exponent - 24
    while significand % 2 == 0:
        significand //= 2
        exp += 1
    if exp >= 0:
        significand <<= exp
        exp = 0
    else:
        significand *= 5 ** -exp
    # AdjustToPrecision on the integer: drop digits the precision cannot use.
    bits_required = (precision * 196 + 58) // 59
    bits = significand.bit_length()
    if bits > bits_required:
        removable = (bits - bits_required) * 59 // 196
        if removable:
            significand //= 10 ** removable
            exp += removable
    digits = str(significand)
    stripped = digits.rstrip("0")
    exp += len(digits) - len(stripped)
    digits = stripped
    # AdjustToPrecision on the digits: round half up.
    if len(digits) > precision:
        dropped = len(digits) - precision
        kept = digits[:precision]
        if digits[precision] >= "5":
            kept = str(int(kept) + 1)
            if len(kept) > precision:  # carried into a new digit
                kept = kept[:precision]
                dropped += 1
        exp += dropped
        stripped = kept.rstrip("0")
        exp += len(kept) - len(stripped)
        digits = stripped
    return digits, exp


def _apfloat_string(value, precision, max_padding, truncate_zero):
    """llvm::APFloat::toString(Str, precision, max_padding, truncate_zero)."""
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        if truncate_zero:
            return sign + "0.0E+0"
        return sign + "0." + "0" * precision + "e+00"
    digits, exp = _decimal_digits(value, precision)
    count = len(digits)
    if max_padding == 0:
        scientific = True
    elif exp >= 0:
        scientific = exp > max_padding or count + exp > precision
    else:
        most_significant = exp + count - 1
        scientific = most_significant < 0 and -most_significant > max_padding
    if scientific:
        exp += count - 1
        mantissa = digits[0] + "."
        if count == 1 and truncate_zero:
            mantissa += "0"
        else:
            mantissa += digits[1:]
        if not truncate_zero and precision > count - 1:
            mantissa += "0" * (precision - count + 1)
        if truncate_zero:
            return "%s%sE%+d" % (sign, mantissa, exp)
        return "%s%se%s%02d" % (sign, mantissa, "-" if exp < 0 else "+",
                                abs(exp))
    if exp >= 0:
        return sign + digits + "0" * exp
    whole = exp + count
    if whole > 0:
        return sign + digits[:whole] + "." + digits[whole:]
    return sign + "0." + "0" * -whole + digits


def format_float(value):
    """A float32 as mlir-opt prints it: six significant digits in
    exponential form when that reads back exactly, else APFloat's default
    form (9 significant digits), else its bits in hex."""
    short = _apfloat_string(value, 6, 0, False)
    if _float32(float(short)) == value:
        return short
    default = _apfloat_string(value, 9, 3, True)
    if "." in default:
        return default
    # Integers beyond six digits would read as integers: mlir-opt prints
    # the bits instead.
    return "0x%08X" % array.array("I", array.array("f", [value]).tobytes())[0]


# ---------------------------------------------------------------------------
# Random weights.

class Weights:
    """Deterministic random tensors, float32."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        normal = statistics.NormalDist()
        self.quantiles = [normal.inv_cdf((i + 0.5) / QUANTILES)
                          for i in range(QUANTILES)]

    def normal(self, count, std):
        table = [std * q for q in self.quantiles]
        indices = array.array("H", self.rng.randbytes(2 * count))
        if sys.byteorder == "big":
            indices.byteswap()
        return array.array("f", map(table.__getitem__, indices))

    def uniform(self, count, low, high):
        uniform = self.rng.uniform
        return array.array("f", (uniform(low, high) for _ in range(count)))


# ---------------------------------------------------------------------------
# TOSA text.

def tensor(shape, element="f32"):
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), element)


def nested(values, shape):
    """Elements in mlir-opt's nested-list form for `shape`."""
    if not shape:
        return values[0]
    if len(shape) == 1:
        return "[" + ", ".join(values) + "]"
    step = len(values) // shape[0]
    return "[" + ", ".join(nested(values[i * step:(i + 1) * step], shape[1:])
                           for i in range(shape[0])) + "]"


def dense(values, shape):
    """A dense float32 attribute as mlir-opt prints it."""
    if len(values) > MAX_PRINTED_ELEMENTS:
        data = values
        if sys.byteorder == "big":
            data = array.array("f", values)
            data.byteswap()
        return 'dense<"0x%s">' % data.tobytes().hex().upper()
    if all(v == values[0] for v in values):
        return "dense<%s>" % format_float(values[0])
    return "dense<%s>" % nested([format_float(v) for v in values], shape)


class Writer:
    """Numbers SSA values in order and writes one op per line."""

    def __init__(self, out):
        self.out = out
        self.next = 0

    def op(self, text):
        name = "%%%d" % self.next
        self.next += 1
        self.out.write("    %s = %s\n" % (name, text))
        return name

    def const(self, attr, shape):
        ty = tensor(shape)
        return self.op('"tosa.const"() <{values = %s : %s}> : () -> %s'
                       % (attr, ty, ty))

    def zero(self, shape):
        return self.const("dense<0.000000e+00>", shape)

    def shape(self, values):
        if all(v == values[0] for v in values):
            attr = "dense<%d>" % values[0]
        else:
            attr = "dense<[%s]>" % ", ".join(str(v) for v in values)
        return self.op("tosa.const_shape  {values = %s : tensor<%dxindex>} : "
                       "() -> !tosa.shape<%d>" % (attr, len(values),
                                                  len(values)))

    def transpose(self, value, shape, perms):
        result = [shape[p] for p in perms]
        return self.op("tosa.transpose %s {perms = array<i32: %s>} : (%s) -> %s"
                       % (value, ", ".join(str(p) for p in perms),
                          tensor(shape), tensor(result))), result

    def slice(self, value, shape, size):
        start = self.shape([0] * len(shape))
        sizes = self.shape(size)
        return self.op("tosa.slice %s, %s, %s : (%s, !tosa.shape<%d>, "
                       "!tosa.shape<%d>) -> %s"
                       % (value, start, sizes, tensor(shape), len(shape),
                          len(shape), tensor(size)))

    def binary(self, name, lhs, lhs_shape, rhs, rhs_shape, result_shape):
        return self.op("tosa.%s %s, %s : (%s, %s) -> %s"
                       % (name, lhs, rhs, tensor(lhs_shape), tensor(rhs_shape),
                          tensor(result_shape)))


class Network:
    """Writes the layers of one widened ResNet-18."""

    def __init__(self, writer, weights):
        self.w = writer
        self.weights = weights

    def conv(self, x, shape, cout, kernel, stride):
        """NCHW conv without bias, as TorchToTosa lowers aten.convolution."""
        w = self.w
        _, cin, height, width = shape
        pad = kernel // 2
        input_zp = w.zero([1])
        weight_zp = w.zero([1])
        nhwc, nhwc_shape = w.transpose(x, shape, (0, 2, 3, 1))
        # TOSA wants (H - 1 + pads - (k - 1)) divisible by the stride:
        # shorten the end padding, or slice the input when there is none.
        pads = [pad, pad, pad, pad]
        for axis, (before, after) in ((1, (0, 1)), (2, (2, 3))):
            size = nhwc_shape[axis]
            remainder = (size - 1 + 2 * pad - (kernel - 1)) % stride
            if remainder == 0:
                continue
            if remainder <= pads[after]:
                pads[after] -= remainder
            else:
                sliced = list(nhwc_shape)
                sliced[axis] = size - (remainder - pads[after])
                nhwc = w.slice(nhwc, nhwc_shape, sliced)
                nhwc_shape = sliced
                pads[after] = 0
        out_h = (nhwc_shape[1] - 1 + pads[0] + pads[1] - (kernel - 1)) \
            // stride + 1
        out_w = (nhwc_shape[2] - 1 + pads[2] + pads[3] - (kernel - 1)) \
            // stride + 1
        weight_shape = [cout, kernel, kernel, cin]
        fan_in = cin * kernel * kernel
        values = self.weights.normal(cout * kernel * kernel * cin,
                                     math.sqrt(2.0 / fan_in))
        weight = w.const(dense(values, weight_shape), weight_shape)
        bias = w.zero([cout])
        out_shape = [1, out_h, out_w, cout]
        conv = w.op(
            "tosa.conv2d %s, %s, %s, %s, %s {acc_type = f32, dilation = "
            "array<i64: 1, 1>, pad = array<i64: %s>, stride = array<i64: %d, "
            "%d>} : (%s, %s, %s, tensor<1xf32>, tensor<1xf32>) -> %s"
            % (nhwc, weight, bias, input_zp, weight_zp,
               ", ".join(str(p) for p in pads), stride, stride,
               tensor(nhwc_shape), tensor(weight_shape), tensor([cout]),
               tensor(out_shape)))
        return w.transpose(conv, out_shape, (0, 3, 1, 2))

    def batch_norm(self, x, shape):
        """Eval-mode batch norm, unfused as TorchToTosa lowers it."""
        w = self.w
        channels = shape[1]
        per_channel = [1, channels, 1, 1]
        one = [1, 1, 1, 1]
        rand = self.weights
        mean = w.const(dense(rand.uniform(channels, -0.1, 0.1), per_channel),
                       per_channel)
        var = w.const(dense(rand.uniform(channels, 0.5, 1.5), per_channel),
                      per_channel)
        gamma = w.const(dense(rand.uniform(channels, 0.8, 1.2), per_channel),
                        per_channel)
        beta = w.const(dense(rand.uniform(channels, -0.1, 0.1), per_channel),
                       per_channel)
        eps = w.const("dense<%s>" % format_float(_float32(BN_EPS)), one)
        centered = w.binary("sub", x, shape, mean, per_channel, shape)
        var_eps = w.binary("add", var, per_channel, eps, one, per_channel)
        inv_std = w.op("tosa.rsqrt %s : (%s) -> %s"
                       % (var_eps, tensor(per_channel), tensor(per_channel)))
        result = centered
        for factor in (inv_std, gamma):
            shift = w.op('"tosa.const"() <{values = dense<0> : tensor<1xi8>}> '
                         ": () -> tensor<1xi8>")
            result = w.op("tosa.mul %s, %s, %s : (%s, %s, tensor<1xi8>) -> %s"
                          % (result, factor, shift, tensor(shape),
                             tensor(per_channel), tensor(shape)))
        return w.binary("add", result, shape, beta, per_channel, shape)

    def relu(self, x, shape):
        return self.w.op("tosa.clamp %s {max_val = %s : f32, min_val = "
                         "0.000000e+00 : f32} : (%s) -> %s"
                         % (x, FLOAT_MAX, tensor(shape), tensor(shape)))

    def conv_bn(self, x, shape, cout, kernel, stride):
        y, y_shape = self.conv(x, shape, cout, kernel, stride)
        return self.batch_norm(y, y_shape), y_shape

    def basic_block(self, x, shape, cout, stride):
        y, y_shape = self.conv_bn(x, shape, cout, 3, stride)
        y = self.relu(y, y_shape)
        y, y_shape = self.conv_bn(y, y_shape, cout, 3, 1)
        shortcut = x
        if stride != 1 or shape[1] != cout:
            shortcut, _ = self.conv_bn(x, shape, cout, 1, stride)
        y = self.w.binary("add", y, y_shape, shortcut, y_shape, y_shape)
        return self.relu(y, y_shape), y_shape

    def classifier(self, x, shape):
        """Average pool, flatten and the linear layer."""
        w = self.w
        channels, size = shape[1], shape[2]
        input_zp = w.zero([1])
        output_zp = w.zero([1])
        nhwc, nhwc_shape = w.transpose(x, shape, (0, 2, 3, 1))
        pooled_shape = [1, 1, 1, channels]
        pooled = w.op(
            "tosa.avg_pool2d %s, %s, %s {acc_type = f32, kernel = array<i64: "
            "%d, %d>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: %d, "
            "%d>} : (%s, tensor<1xf32>, tensor<1xf32>) -> %s"
            % (nhwc, input_zp, output_zp, size, size, size, size,
               tensor(nhwc_shape), tensor(pooled_shape)))
        nchw, nchw_shape = w.transpose(pooled, pooled_shape, (0, 3, 1, 2))
        flat = self.reshape(nchw, nchw_shape, [1, channels])
        rows = self.reshape(flat, [1, channels], [1, 1, channels])
        bound = 1.0 / math.sqrt(channels)
        matrix_shape = [1, channels, NUM_CLASSES]
        matrix = w.const(
            dense(self.weights.uniform(channels * NUM_CLASSES, -bound, bound),
                  matrix_shape), matrix_shape)
        a_zp = w.zero([1])
        b_zp = w.zero([1])
        product = w.op("tosa.matmul %s, %s, %s, %s : (%s, %s, tensor<1xf32>, "
                       "tensor<1xf32>) -> %s"
                       % (rows, matrix, a_zp, b_zp, tensor([1, 1, channels]),
                          tensor(matrix_shape), tensor([1, 1, NUM_CLASSES])))
        logits = self.reshape(product, [1, 1, NUM_CLASSES], [1, NUM_CLASSES])
        bias = w.const(dense(self.weights.uniform(NUM_CLASSES, -bound, bound),
                             [1, NUM_CLASSES]), [1, NUM_CLASSES])
        return w.binary("add", logits, [1, NUM_CLASSES], bias,
                        [1, NUM_CLASSES], [1, NUM_CLASSES])

    def reshape(self, x, shape, new_shape):
        target = self.w.shape(new_shape)
        return self.w.op("tosa.reshape %s, %s : (%s, !tosa.shape<%d>) -> %s"
                         % (x, target, tensor(shape), len(new_shape),
                            tensor(new_shape)))

    def write(self, width):
        x, shape = "%arg0", [1, 3, IMAGE, IMAGE]
        x, shape = self.conv_bn(x, shape, width, 3, 1)
        x = self.relu(x, shape)
        for _, cout, stride in stages(width):
            x, shape = self.basic_block(x, shape, cout, stride)
        return self.classifier(x, shape)


def main():
    parser = argparse.ArgumentParser(
        description="Write a widened CIFAR ResNet-18 with random weights as "
                    "float32 TOSA (MLIR 22).")
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--width", type=int,
                      help="channels of the first stage (64: ResNet-18)")
    size.add_argument("--params", type=parse_count,
                      help="parameter count to come closest to (e.g. 0.27M, "
                           "25M)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the random weights (default 0)")
    parser.add_argument("-o", dest="output", default="-",
                        help="output file (default: standard output)")
    args = parser.parse_args()
    width = args.width if args.width is not None else width_for(args.params)
    if width < 1:
        parser.error("--width must be at least 1")
    params = parameter_count(width)

    start = time.time()
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    name = "widened_resnet18_w%d" % width
    out.write("// %s: float32 TOSA (MLIR 22) in the form torch-mlir's "
              "TorchToTosa emits.\n" % name)
    out.write("// Weights: random, bench/widened-resnet18.py --width %d "
              "--seed %d; %d parameters.\n" % (width, args.seed, params))
    out.write("// Input: NCHW [1, 3, 32, 32] float32, normalized; output: "
              "logits [1, 10].\n")
    out.write("module {\n")
    out.write("  func.func @main(%%arg0: %s) -> %s {\n"
              % (tensor([1, 3, IMAGE, IMAGE]), tensor([1, NUM_CLASSES])))
    logits = Network(Writer(out), Weights(args.seed)).write(width)
    out.write("    return %s : %s\n  }\n}\n\n"
              % (logits, tensor([1, NUM_CLASSES])))
    if out is not sys.stdout:
        out.close()
    print("%s: width %d, %d parameters (%.2f MiB float32), written in %.1f s"
          % (name, width, params, params * 4 / 2**20, time.time() - start),
          file=sys.stderr)


if __name__ == "__main__":
    main()
