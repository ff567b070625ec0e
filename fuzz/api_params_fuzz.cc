// The hub API's parameter parsers on arbitrary bytes: the form/query decoder, series selectors
// (match[]) and timestamps. They may reject, never crash or hang.
#include <cstdint>
#include <string>
#include <string_view>

#include "http/form.h"
#include "hub/api.h"
#include "promql/selector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto form = gw::http::Form::Parse(text);
  if (form.ok()) {
    for (const std::string& m : form->GetAll("match[]")) gw::promql::ParseSelector(m).IgnoreError();
  }
  gw::promql::ParseSelector(text).IgnoreError();
  gw::hub::ParseApiTime(text).IgnoreError();
  return 0;
}
