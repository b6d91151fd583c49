#pragma once
// toml++ (Debian's libtomlplusplus-dev 3.3, header-only) as descent includes it: with its internal
// assertions off in every build. In a build without NDEBUG, toml++ 3.3 asserts that a table header's
// key starts with a key character ("[!model]", found by the config fuzzer) before it checks and
// reports the same as a syntax error, which is all a Release build does: a Debug or sanitizer build
// would abort on a config that Release rejects with a message. The one macro of this file is
// toml++'s documented way to set its assert function.
#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_cast<void>(0)
#endif
#include <toml++/toml.h>
