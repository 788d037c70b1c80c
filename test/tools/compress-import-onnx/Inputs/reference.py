"""Plain-Python reference outputs of ops.test's small ONNX models.

reference.py MODEL OUT_DIR writes OUT_DIR/x.npy (a fixed input) and
OUT_DIR/ref.npy (the model's output computed here from the ONNX operator
definitions), for compress-run --compare. No numpy: the models are tiny.
"""
import math
import struct
import sys


def save_npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        "".join("%d, " % d for d in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode())
        f.write(struct.pack("<%df" % len(values), *values))


def conv(x, c, h, w, weights, bias, o, k, stride, pads, groups):
    """NCHW convolution of one image; pads = (top, left, bottom, right)."""
    cg = c // groups
    og = o // groups
    oh = (h + pads[0] + pads[2] - k) // stride + 1
    ow = (w + pads[1] + pads[3] - k) // stride + 1
    out = []
    for oc in range(o):
        g = oc // og
        for y in range(oh):
            for xx in range(ow):
                acc = bias[oc]
                for ci in range(cg):
                    for i in range(k):
                        for j in range(k):
                            iy = y * stride + i - pads[0]
                            ix = xx * stride + j - pads[1]
                            if 0 <= iy < h and 0 <= ix < w:
                                acc += (x[((g * cg + ci) * h + iy) * w + ix] *
                                        weights[((oc * cg + ci) * k + i) * k + j])
                out.append(acc)
    return out, oh, ow


def cnn():
    x = [math.sin(0.37 * i) for i in range(3 * 8 * 8)]
    vals = [0.1 * (i % 27 + 1) for i in range(108)]
    y, oh, ow = conv(x, 3, 8, 8, vals, [0.5, -0.5, 0.25, 0.0], 4, 3, 2,
                     (1, 1, 1, 1), 1)
    y = [max(v, 0.0) for v in y]
    # MaxPool 3x3 stride 2, ceil_mode: 4x4 -> 2x2 (windows clipped).
    pooled = []
    for c in range(4):
        for py in range(2):
            for px in range(2):
                m = -math.inf
                for i in range(3):
                    for j in range(3):
                        iy, ix = py * 2 + i, px * 2 + j
                        if iy < oh and ix < ow:
                            m = max(m, y[(c * oh + iy) * ow + ix])
                pooled.append(m)
    gap = [sum(pooled[c * 4:(c + 1) * 4]) / 4 for c in range(4)]
    fw = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
          [1, 1, 1, 1]]
    fb = [0, 1, 2, 3, 4]
    logits = [sum(a * b for a, b in zip(row, gap)) + bb
              for row, bb in zip(fw, fb)]
    m = max(logits)
    e = [math.exp(v - m) for v in logits]
    return (1, 3, 8, 8), x, (1, 5), [v / sum(e) for v in e]


def mobile():
    x = [math.cos(0.21 * i) * 3 for i in range(2 * 5 * 5)]
    dw = [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    d, _, _ = conv(x, 2, 5, 5, dw, [0.0, 0.0], 2, 3, 1,
                   (1, 1, 1, 1), 2)
    scale, bias, mean, var = [1, 2], [0, 1], [0.5, -0.5], [1, 4]
    n = []
    for c in range(2):
        s = scale[c] / math.sqrt(var[c] + 1e-5)
        n += [(v - mean[c]) * s + bias[c] for v in d[c * 25:(c + 1) * 25]]
    clipped = [min(max(v, 0.0), 6.0) for v in n]
    hswish = [v * min(max(v / 6 + 0.5, 0.0), 1.0) for v in clipped]
    return (1, 2, 5, 5), x, (1, 4, 5, 5), clipped + hswish


if __name__ == "__main__":
    in_shape, x, out_shape, ref = {"cnn": cnn, "mobile": mobile}[sys.argv[1]]()
    save_npy(sys.argv[2] + "/x.npy", in_shape, x)
    save_npy(sys.argv[2] + "/ref.npy", out_shape, ref)
