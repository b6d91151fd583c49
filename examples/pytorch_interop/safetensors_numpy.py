"""safetensors files read and written with numpy and json alone (Debian has no `safetensors` package).

The format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length n, n bytes
of JSON naming each tensor with its dtype, shape and [begin, end) byte range in the data that follows,
and an optional "__metadata__" object of strings; then the raw little-endian data.

    tensors = load("lenet.safetensors")                  # {"0.weight": np.ndarray, ...}
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    save("init.safetensors", {k: v.numpy() for k, v in model.state_dict().items()})
"""
import json
import struct

import numpy as np

DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
          "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
CODES = {np.dtype(t): code for code, t in DTYPES.items()}


def load(path, with_metadata=False):
    """The tensors of the file as numpy arrays (writable copies), by name; and the metadata if asked."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: {len(raw)} bytes, expected at least the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} exceeds the file ({len(raw)} bytes)")
    header = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(entry["shape"])
        tensors[name] = array.astype(dtype.newbyteorder("="), copy=True)
    return (tensors, metadata) if with_metadata else tensors


def save(path, tensors, metadata=None):
    """Writes a dict of numpy arrays (or anything np.asarray takes) as safetensors, sorted by name."""
    header = {"__metadata__": dict(metadata)} if metadata else {}
    chunks, offset = [], 0
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        if not array.flags.c_contiguous:  # not np.ascontiguousarray, which makes a 0-d array 1-d
            array = array.copy(order="C")
        little = array.astype(array.dtype.newbyteorder("<"), copy=False)
        header[name] = {"dtype": CODES[array.dtype.newbyteorder("=")], "shape": list(array.shape),
                        "data_offsets": [offset, offset + little.nbytes]}
        chunks.append(little.tobytes())
        offset += little.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
