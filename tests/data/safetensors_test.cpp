#include "descent/data/safetensors.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "data/idx_files.hpp"
#include "descent/descent.hpp"

namespace descent::data {
namespace {

using testing::TempDir;

SafetensorsFile sample() {
  SafetensorsFile f;
  f.tensors["0.weight"] =
      from_vector(std::vector<double>{1.5, -2.25, 3.125, 0.1, 1e-300, -0.0}, Shape{2, 3}, Dtype::Float64);
  f.tensors["0.bias"] = tensor({0.5f, -1.0f});
  f.tensors["step"] = from_vector(std::vector<std::int64_t>{42}, Shape{1});
  f.metadata["epoch"] = "3";
  return f;
}

std::string error_of(const std::string& path) {
  try {
    load_safetensors(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Safetensors, RoundTripsEveryBitAndTheMetadata) {
  TempDir dir;
  save_safetensors(dir.file("c.safetensors"), sample());
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.safetensors.partial")));
  const SafetensorsFile back = load_safetensors(dir.file("c.safetensors"));
  ASSERT_EQ(back.tensors.size(), 3u);
  for (const auto& [name, t] : sample().tensors) {
    const Tensor& b = back.tensors.at(name);
    EXPECT_EQ(b.shape(), t.shape()) << name;
    EXPECT_EQ(b.dtype(), t.dtype()) << name;
    EXPECT_EQ(std::memcmp(b.raw_data(), t.raw_data(), t.numel() * itemsize(t.dtype())), 0) << name;
  }
  EXPECT_EQ(back.metadata.at("epoch"), "3");
}

TEST(Safetensors, TruncatedFileIsAnError) {
  TempDir dir;
  save_safetensors(dir.file("c.safetensors"), sample());
  std::filesystem::resize_file(dir.file("c.safetensors"), std::filesystem::file_size(dir.file("c.safetensors")) - 4);
  EXPECT_NE(error_of(dir.file("c.safetensors")).find("truncated or corrupt"), std::string::npos)
      << error_of(dir.file("c.safetensors"));
  std::filesystem::resize_file(dir.file("c.safetensors"), 20);
  EXPECT_NE(error_of(dir.file("c.safetensors")).find("header length"), std::string::npos);
  std::filesystem::resize_file(dir.file("c.safetensors"), 3);
  EXPECT_NE(error_of(dir.file("c.safetensors")).find("truncated: 3 bytes"), std::string::npos);
}

TEST(Safetensors, CorruptHeadersAreErrors) {
  TempDir dir;
  auto write = [&](const std::string& header, std::size_t data_bytes) {
    {
      std::ofstream out(dir.file("x.safetensors"), std::ios::binary);
      const std::uint64_t n = header.size();
      out.write(reinterpret_cast<const char*>(&n), 8);
      out << header << std::string(data_bytes, '\0');
    }
    return error_of(dir.file("x.safetensors"));
  };
  EXPECT_NE(write("{not json", 0).find("the header is not JSON"), std::string::npos);
  EXPECT_NE(write(R"({"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}})", 2).find("dtype \"F16\""),
            std::string::npos);
  EXPECT_NE(write(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4).find("needs 8"), std::string::npos);
  EXPECT_NE(
      write(
          R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
          6)
          .find("overlap or leave a gap"),
      std::string::npos);
  EXPECT_NE(write(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 9).find("5 bytes after the last tensor"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("missing.safetensors")).find("cannot open"), std::string::npos);
}

TEST(Safetensors, ShapesPastTheLimitAreRefusedBeforeAllocating) {
  TempDir dir;
  auto error = [&](const std::string& header, std::size_t data_bytes) -> std::string {
    {
      std::ofstream out(dir.file("x.safetensors"), std::ios::binary);
      const std::uint64_t n = header.size();
      out.write(reinterpret_cast<const char*>(&n), 8);
      out << header << std::string(data_bytes, '\0');
    }
    try {
      load_safetensors(dir.file("x.safetensors"));
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  // [2^32, 2^32] floats: 2^66 bytes wrapped to 0 in uint64, which matched an empty byte range.
  EXPECT_NE(error(R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0)
                .find("shape [4294967296, 4294967296]: too many elements for 64 bits"),
            std::string::npos);
  EXPECT_NE(error(R"({"x":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,0]}})", 0)
                .find("expected non-negative integers below 2^63"),
            std::string::npos);
  EXPECT_NE(error(R"({"x":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}})", 4)
                .find("shape of 9 dimensions: expected at most 8"),
            std::string::npos);
  // 3 GiB of float32 claimed: refused before the byte ranges are compared, naming both sizes.
  EXPECT_NE(error(R"({"x":{"dtype":"F32","shape":[805306368],"data_offsets":[0,0]}})", 0)
                .find("tensor \"x\" of shape [805306368] needs 3 GiB (3221225472 bytes), more than the 2 GiB allowed"),
            std::string::npos);
}

TEST(Safetensors, PythonReadsItWithNumpyAlone) {
  if (std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "Debian's python3-numpy is not installed";
  TempDir dir;
  save_safetensors(dir.file("c.safetensors"), sample());
  // A reader written from the format's description: no safetensors package.
  const std::string script = dir.file("read.py");
  std::ofstream(script) << R"(import json, struct, sys
import numpy as np
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
types = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8', 'U8': 'u1'}
t = {}
for name, e in header.items():
    if name == '__metadata__':
        continue
    b, end = e['data_offsets']
    t[name] = np.frombuffer(data[8 + n + b:8 + n + end], dtype=types[e['dtype']]).reshape(e['shape'])
assert t['0.weight'].shape == (2, 3) and t['0.weight'][0, 2] == 3.125 and t['0.weight'][1, 1] == 1e-300
assert t['0.bias'].dtype == np.float32 and list(t['0.bias']) == [0.5, -1.0]
assert int(t['step'][0]) == 42 and header['__metadata__']['epoch'] == '3'
print('ok')
)";
  EXPECT_EQ(std::system(("/usr/bin/python3 '" + script + "' '" + dir.file("c.safetensors") + "' >/dev/null").c_str()),
            0);
}

}  // namespace
}  // namespace descent::data
