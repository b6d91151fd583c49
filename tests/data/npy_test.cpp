// The .npy reader on files built here byte by byte as NumPy 1.24 writes them (the headers are copied
// from np.save's output: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" padded with
// spaces to a multiple of 64 bytes and ending in a newline), versions 1.0, 2.0 and 3.0, both byte
// orders, then each kind of bad file with the byte offset its message names. save_npy's files read
// back through the same reader (and np.load reads them: checked by hand with NumPy 1.24).
#include "descent/data/npy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "data/idx_files.hpp"
#include "descent/error.hpp"
#include "descent/tensor/creation.hpp"

namespace descent::data {
namespace {

using testing::Bytes;
using testing::error_message;
using testing::expect_contains;
using testing::TempDir;
using testing::write_raw;

// A .npy file: magic, version, the header length (2 bytes in 1.0, 4 after), the header padded as NumPy
// pads it, then `data`.
Bytes npy(const std::string& dict, const Bytes& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  header.append((prefix + header.size() + 1 + 63) / 64 * 64 - prefix - header.size() - 1, ' ');
  header += '\n';
  Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(major), 0};
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) out.push_back(static_cast<std::uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

template <class T>
Bytes little_endian(std::initializer_list<T> values) {
  Bytes out(values.size() * sizeof(T));
  std::size_t at = 0;
  for (T v : values) {
    std::memcpy(out.data() + at, &v, sizeof(T));
    at += sizeof(T);
  }
  return out;
}

std::string dict(const std::string& descr, const std::string& shape, const std::string& order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
}

std::vector<double> values(const NpyArray& a) { return npy_to_tensor(a, Shape{a.numel()}, Dtype::Float64).to_vector(); }

TEST(Npy, ReadsFloat32InCOrder) {
  const NpyArray a = parse_npy(npy(dict("<f4", "(2, 3)"), little_endian<float>({0, 1, 2.5f, 3, 4, -5})), "x.npy");
  EXPECT_EQ(a.descr, "<f4");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(values(a), (std::vector<double>{0, 1, 2.5, 3, 4, -5}));
  const Tensor t = npy_to_tensor(a, Shape{2, 3}, Dtype::Float32);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.to_vector(), (std::vector<double>{0, 1, 2.5, 3, 4, -5}));
}

TEST(Npy, ReadsEveryNumberDtype) {
  EXPECT_EQ(values(parse_npy(npy(dict("<f8", "(2,)"), little_endian<double>({0.1, -7})), "a")),
            (std::vector<double>{0.1, -7}));
  EXPECT_EQ(values(parse_npy(npy(dict("|u1", "(3,)"), {0, 128, 255}), "a")), (std::vector<double>{0, 128, 255}));
  EXPECT_EQ(values(parse_npy(npy(dict("|i1", "(2,)"), {0xff, 5}), "a")), (std::vector<double>{-1, 5}));
  EXPECT_EQ(values(parse_npy(npy(dict("<i2", "(2,)"), little_endian<std::int16_t>({-300, 300})), "a")),
            (std::vector<double>{-300, 300}));
  EXPECT_EQ(values(parse_npy(npy(dict("<u2", "(1,)"), little_endian<std::uint16_t>({65535})), "a")),
            (std::vector<double>{65535}));
  EXPECT_EQ(values(parse_npy(npy(dict("<i4", "(2,)"), little_endian<std::int32_t>({-2, 9})), "a")),
            (std::vector<double>{-2, 9}));
  EXPECT_EQ(values(parse_npy(npy(dict("<u4", "(1,)"), little_endian<std::uint32_t>({4000000000u})), "a")),
            (std::vector<double>{4e9}));
  EXPECT_EQ(values(parse_npy(npy(dict("<i8", "(2,)"), little_endian<std::int64_t>({-1, 1LL << 40})), "a")),
            (std::vector<double>{-1, 1099511627776.0}));
  EXPECT_EQ(values(parse_npy(npy(dict("<u8", "(1,)"), little_endian<std::uint64_t>({7})), "a")),
            (std::vector<double>{7}));
  EXPECT_EQ(values(parse_npy(npy(dict("|b1", "(2,)"), {1, 0}), "a")), (std::vector<double>{1, 0}));
  // Integer labels become int64 tensors.
  const NpyArray labels = parse_npy(npy(dict("<i4", "(3,)"), little_endian<std::int32_t>({0, 9, 3})), "y.npy");
  EXPECT_EQ(npy_to_tensor(labels, Shape{3}, Dtype::Int64).to_vector(), (std::vector<double>{0, 9, 3}));
}

TEST(Npy, SwapsBigEndianElements) {
  // np.array([1, 2], dtype='>i4') and np.array([1.5], dtype='>f8'): most significant byte first.
  EXPECT_EQ(values(parse_npy(npy(dict(">i4", "(2,)"), {0, 0, 0, 1, 0, 0, 0, 2}), "a")), (std::vector<double>{1, 2}));
  EXPECT_EQ(values(parse_npy(npy(dict(">f8", "(1,)"), {0x3f, 0xf8, 0, 0, 0, 0, 0, 0}), "a")),
            (std::vector<double>{1.5}));
}

TEST(Npy, ReadsVersions2And3AndOtherKeyOrders) {
  const Bytes data = little_endian<std::int64_t>({4, 5, 6});
  EXPECT_EQ(values(parse_npy(npy(dict("<i8", "(3,)"), data, 2), "a")), (std::vector<double>{4, 5, 6}));
  EXPECT_EQ(values(parse_npy(npy(dict("<i8", "(3,)"), data, 3), "a")), (std::vector<double>{4, 5, 6}));
  const NpyArray a = parse_npy(npy("{\"shape\": (1, 3), \"fortran_order\": False, \"descr\": \"<i8\"}", data), "a");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{1, 3}));
  const NpyArray scalar = parse_npy(npy(dict("<f8", "()"), little_endian<double>({3.5})), "a");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.numel(), 1);
}

TEST(Npy, SavedTensorsReadBack) {
  TempDir dir;
  const Tensor x = from_vector(std::vector<double>{0.1, -2, 3.25, 1e-8, 5, 6}, Shape{3, 2}, Dtype::Float32);
  const Tensor y = from_vector(std::vector<std::int64_t>{0, 7, 3}, Shape{3});
  const Tensor z = from_vector(std::vector<double>{0.1, 1e300}, Shape{2}, Dtype::Float64);
  save_npy(dir.file("x.npy"), x);
  save_npy(dir.file("y.npy"), y);
  save_npy(dir.file("z.npy"), z);
  const NpyArray rx = read_npy(dir.file("x.npy"));
  EXPECT_EQ(rx.descr, "<f4");
  EXPECT_EQ(rx.shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(npy_to_tensor(rx, Shape{3, 2}, Dtype::Float32).to_vector(), x.to_vector());
  EXPECT_EQ(read_npy(dir.file("y.npy")).descr, "<i8");
  EXPECT_EQ(npy_to_tensor(read_npy(dir.file("y.npy")), Shape{3}, Dtype::Int64).to_vector(), y.to_vector());
  EXPECT_EQ(values(read_npy(dir.file("z.npy"))), z.to_vector());
  // NumPy's layout: the data starts on a multiple of 64 bytes, the header ends in a newline.
  const Bytes bytes = testing::read_raw(dir.file("x.npy"));
  EXPECT_EQ(bytes.size(), 128u + 6 * 4);
  EXPECT_EQ(bytes[127], '\n');
}

TEST(Npy, BadFilesNameTheFileTheByteAndWhatWasExpected) {
  const Bytes f4 = little_endian<float>({1, 2});
  auto error = [](const Bytes& bytes) { return error_message<IoError>([&] { parse_npy(bytes, "x.npy"); }); };
  expect_contains(error(npy(dict("<f8", "(2, 2)", "True"), Bytes(32))),
                  {"x.npy", "fortran_order = True", "C-order", "np.ascontiguousarray"});
  expect_contains(error(npy(dict("<f2", "(2,)"), {0, 0, 0, 0})), {"x.npy", "byte 20", "'<f2'", "float16", "float32"});
  expect_contains(error(npy(dict("<c8", "(1,)"), Bytes(8))), {"'<c8'", "complex"});
  expect_contains(error(npy(dict("|O", "(1,)"), Bytes(8))), {"'|O'", "Python objects"});
  expect_contains(error(npy(dict("<U3", "(1,)"), Bytes(12))), {"'<U3'", "strings"});
  expect_contains(error(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", Bytes(4))),
                  {"x.npy", "byte 21", "structured arrays are not supported"});
  expect_contains(error(npy(dict("<f4", "(3,)"), f4)),
                  {"x.npy", "shape (3,)", "expected 12 bytes of data from byte 128, found 8", "truncated"});
  Bytes trailing = npy(dict("<f4", "(2,)"), f4);
  trailing.push_back(0);
  expect_contains(error(trailing), {"expected 8 bytes of data from byte 128, found 9"});
  expect_contains(error(npy("{'descr': '<f4', 'shape': (2,), }", f4)),
                  {"x.npy", "'descr', 'fortran_order' and 'shape'"});
  expect_contains(error(npy(dict("<f4", "(2, x)"), f4)), {"x.npy", "byte 64", "a non-negative integer dimension"});
  expect_contains(error(npy("'descr'", f4)), {"byte 10", "expected '{'"});
  Bytes wrong_magic = npy(dict("<f4", "(2,)"), f4);
  wrong_magic[1] = 'X';
  expect_contains(error(wrong_magic), {"x.npy", "byte 0", "not a NumPy .npy file"});
  Bytes version = npy(dict("<f4", "(2,)"), f4);
  version[6] = 4;
  expect_contains(error(version), {"byte 6", ".npy version 4.0", "1.0, 2.0 or 3.0"});
  expect_contains(error({0x93, 'N', 'U'}), {"x.npy", "3 bytes", "expected the .npy magic"});
  expect_contains(error(npy(dict("<f8", "(4294967296, 4294967296)"), f4)),
                  {"x.npy", "shape (4294967296, 4294967296)", "fits in 64 bits"});
  Bytes short_header = npy(dict("<f4", "(2,)"), {});
  short_header.resize(40);
  expect_contains(error(short_header), {"40 bytes", "a header of 118 bytes"});

  TempDir dir;
  expect_contains(error_message<IoError>([&] { read_npy(dir.file("missing.npy")); }), {"missing.npy", "cannot open"});
  write_raw(dir.file("bad.npy"), {1, 2, 3});
  expect_contains(error_message<IoError>([&] { read_npy(dir.file("bad.npy")); }), {"bad.npy", "3 bytes"});
}

TEST(Npy, ToTensorRefusesFloatsAsLabels) {
  const NpyArray a = parse_npy(npy(dict("<f4", "(2,)"), little_endian<float>({1, 2})), "y.npy");
  expect_contains(error_message<ValueError>([&] { npy_to_tensor(a, Shape{2}, Dtype::Int64); }), {"'<f4'", "int64"});
  expect_contains(error_message<ShapeError>([&] { npy_to_tensor(a, Shape{3}, Dtype::Float32); }), {"[3]"});
}

}  // namespace
}  // namespace descent::data
