#pragma once
// Text cut at a separator, the inverse of join: split("-1.5,2", ',') is {"-1.5", "2"}; split("", ',')
// is {""}, one empty part, so that a caller reports an empty item as it reports any bad one.
#include <string>
#include <string_view>
#include <vector>

namespace descent::util {

std::vector<std::string> split(std::string_view text, char separator);

}  // namespace descent::util
