#pragma once
// The option tables moved to descent/util/option_field.hpp, shared by every registry (optimizers,
// schedulers, layers, losses); these names keep the optimizers' code and users' code as it was.
#include "descent/util/option_field.hpp"

namespace descent::optim {

using util::check_option;
using util::describe;
using util::field;
using util::field_names;
using util::find_field;
using util::format_integers;
using util::format_number;
using util::join;
using util::NameValuePairs;
using util::numeric_fields;
using util::option_infos;
using util::OptionField;
using util::OptionInfo;
using util::OptionKind;
using util::options_from_text;
using util::parse_flag;
using util::parse_integer;
using util::parse_integer_list;
using util::parse_number;
using util::parse_number_pair;
using util::reject_option;
using util::set_numeric_field;

}  // namespace descent::optim
