#!/usr/bin/env bash
# descent as a user's own project meets it: installs the build into a fresh prefix, then configures,
# builds and runs, each from a fresh CMake build directory that knows descent only through
# find_package(descent) in that prefix, examples/cpp_api/ (an MLP on data it makes, exit 0 when its
# loss halves) and the C++ block of README.md's library section, as written (Fashion-MNIST or MNIST
# from DATA_DIR, its last epoch's test count above 7000 of 10000); and that without OpenBLAS's
# pkg-config file find_package(descent) fails, saying so.
# Usage: install_and_build.sh BUILD_DIR SOURCE_DIR CXX_COMPILER WORK_DIR DATA_DIR
set -euo pipefail
build=$1 source=$2 cxx=$3 work=$4 data=$5
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

# A compiler launcher named in the environment but not installed (a fresh clone without ccache) would
# fail the configure: build without it.
if [[ -n "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ]] && ! command -v "$CMAKE_CXX_COMPILER_LAUNCHER" >/dev/null; then
  unset CMAKE_CXX_COMPILER_LAUNCHER
fi

step() {  # step NAME COMMAND...: runs the command, its output shown only when it fails
  local log=$work/$1.log
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log"
    echo "install_and_build: failed: $*" >&2
    exit 1
  fi
}

# configure_and_build SOURCE BINARY_DIR
configure_and_build() {
  step "$(basename "$2")-configure" cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
  local found
  found=$(sed -n 's/^descent_DIR:PATH=//p' "$2/CMakeCache.txt")
  if [[ "$found" != "$prefix"/* ]]; then
    echo "install_and_build: $1 found descent in '$found', not in $prefix" >&2
    exit 1
  fi
  step "$(basename "$2")-build" cmake --build "$2"
}

step install cmake --install "$build" --prefix "$prefix"

# A missing dependency fails find_package(descent) with its name and Debian package.
if PKG_CONFIG_LIBDIR=/nonexistent cmake -S "$source/examples/cpp_api" -B "$work/no_openblas" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" >"$work/no_openblas.log" 2>&1; then
  echo "install_and_build: find_package(descent) succeeded without pkg-config's openblas.pc" >&2
  exit 1
fi
if ! grep -q "descent needs OpenBLAS, and pkg-config finds no openblas.pc" "$work/no_openblas.log"; then
  cat "$work/no_openblas.log"
  echo "install_and_build: no message naming OpenBLAS" >&2
  exit 1
fi

configure_and_build "$source/examples/cpp_api" "$work/cpp_api"
"$work/cpp_api/cpp_api"

# The first C++ block after the heading "## The library", compiled as it stands.
mkdir -p "$work/readme"
awk '/^## The library/ { section = 1 } section && /^```cpp/ { inside = 1; next } inside && /^```/ { exit } inside' \
  "$source/README.md" >"$work/readme/main.cpp"
cat >"$work/readme/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(readme_library LANGUAGES CXX)
find_package(descent REQUIRED)
add_executable(readme_library main.cpp)
target_link_libraries(readme_library PRIVATE descent::descent)
CMAKE
configure_and_build "$work/readme" "$work/readme_build"
"$work/readme_build/readme_library" "$data" | tee "$work/readme.out"
correct=$(awk 'END { print $3 }' "$work/readme.out")
if ! ((correct > 7000)); then
  echo "install_and_build: the README's program ended at $correct / 10000 correct, expected > 7000" >&2
  exit 1
fi
