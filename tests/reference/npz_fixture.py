"""Writes the .npz archive embedded in tests/data/npz_test.cpp (kCompressedNpz) and prints its bytes.

np.savez_compressed of images x (3, 2, 2) uint8 = arange(12) and float targets y = [0.5, 1.5, 2.5]:
deflated members, as NumPy writes them, for the reader to open with libzip.
Run: /usr/bin/python3 tests/reference/npz_fixture.py   (NumPy 1.24, Debian 12's python3-numpy)
"""
import io
import zipfile

import numpy as np

buffer = io.BytesIO()
np.savez_compressed(buffer, x=np.arange(12, dtype=np.uint8).reshape(3, 2, 2), y=np.array([0.5, 1.5, 2.5]))
data = bytearray(buffer.getvalue())
# np.savez dates every member 1980-01-01: the bytes are the same on every run.
with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
    assert [i.compress_type for i in z.infolist()] == [zipfile.ZIP_DEFLATED] * 2
print(f"// {len(data)} bytes")
for start in range(0, len(data), 16):
    print("    " + ", ".join(f"0x{b:02x}" for b in data[start:start + 16]) + ",")
