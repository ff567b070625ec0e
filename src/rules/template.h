// Alert label and annotation templates: the subset of Go's text/template that Prometheus rule
// files use ({{ $labels.gpu }}, {{ $value }}, {{ $externalLabels.cluster }}, {{ .Labels.x }},
// {{ .Value }}, pipelines into humanize, humanize1024, humanizePercentage, humanizeDuration,
// printf, toUpper, toLower, title, reReplaceAll, {{ if }}/{{ else }}/{{ end }}, {{ range }}
// over $labels, and comments), with Prometheus' output for each. In full: text, {{- -}} trim
// markers, comments; if/else if/else, with, range (over a map: "$v :=" or "$k, $v :="; else,
// break, continue); variables (":=", "="); pipelines, parenthesized pipelines, field chains;
// string (with escapes), raw string, number and bool literals. Functions: and or not eq ne lt
// le gt ge len index print printf println html js urlquery, and Prometheus' humanize
// humanize1024 humanizeDuration humanizePercentage humanizeTimestamp toTime (prints the time)
// parseDuration title toUpper toLower (ASCII only) reReplaceAll match safeHtml stripPort
// stripDomain graphLink tableLink externalURL pathPrefix. Values are typed as Go types them, so
// `gt $value 80` fails ("incompatible types for comparison") as it does in Prometheus.
// Not supported: define/template/block (a parse error), and calling query, first, label,
// value, strvalue, sortByLabel, args, call, slice (they parse, as promtool accepts them, but
// expanding fails), methods on values, printf's width from '*' and argument indexes.
#ifndef GW_RULES_TEMPLATE_H_
#define GW_RULES_TEMPLATE_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "tsdb/labels.h"

namespace gw::rules {

struct TemplateData {
  tsdb::Labels labels;           // the alert's labels ($labels, .Labels)
  double value = 0;              // the alert's value ($value, .Value)
  tsdb::Labels external_labels;  // $externalLabels
  std::string external_url;      // $externalURL
};

// Checks that `text` parses. Errors: kInvalidArgument naming the position and the problem.
Status CheckTemplate(std::string_view text);

// Expands `text`. A template without {{ is returned unchanged. Errors: kInvalidArgument for a
// parse error or a failed function (Prometheus then uses the error text as the value; the
// rule manager does the same).
StatusOr<std::string> ExpandTemplate(std::string_view text, const TemplateData& data);

}  // namespace gw::rules

#endif  // GW_RULES_TEMPLATE_H_
