#include "common/metrics.h"

#include <cmath>
#include <sstream>

namespace vigil {
namespace {

const std::vector<double>& Buckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                        0.25,   0.5,   1,      2.5,   5,    10,    30,    60};
  return b;
}

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

// Joins an existing label text ("a=\"1\"") with one more label.
std::string WithLabel(const std::string& labels, const std::string& extra) {
  return "{" + labels + (labels.empty() ? "" : ",") + extra + "}";
}

}  // namespace

Metrics& Metrics::Global() {
  static Metrics metrics;
  return metrics;
}

std::string Metrics::LabelText(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=\"" + Escape(v) + "\"";
  return out;
}

void Metrics::Describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = families_[name];
  f.type = type;
  f.help = help;
}

void Metrics::Inc(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[LabelText(labels)] += delta;
}

void Metrics::Set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  families_[name].values[LabelText(labels)] = value;
}

void Metrics::Observe(const std::string& name, const Labels& labels, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = families_[name];
  if (f.type == "untyped") f.type = "histogram";
  auto& h = f.histograms[LabelText(labels)];
  if (h.counts.empty()) h.counts.assign(Buckets().size(), 0);
  for (size_t i = 0; i < Buckets().size(); ++i) {
    if (seconds <= Buckets()[i]) {
      h.counts[i] += 1;
      break;
    }
  }
  h.sum += seconds;
  h.count += 1;
}

double Metrics::Value(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto v = f->second.values.find(LabelText(labels));
  return v == f->second.values.end() ? 0 : v->second;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out << "# HELP " << name << " " << f.help << "\n";
    out << "# TYPE " << name << " " << f.type << "\n";
    for (const auto& [labels, v] : f.values) {
      out << name << (labels.empty() ? "" : "{" + labels + "}") << " " << Number(v) << "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      double cumulative = 0;
      for (size_t i = 0; i < Buckets().size(); ++i) {
        cumulative += h.counts[i];
        out << name << "_bucket" << WithLabel(labels, "le=\"" + Number(Buckets()[i]) + "\"") << " " << Number(cumulative) << "\n";
      }
      out << name << "_bucket" << WithLabel(labels, "le=\"+Inf\"") << " " << Number(h.count) << "\n";
      out << name << "_sum" << (labels.empty() ? "" : "{" + labels + "}") << " " << Number(h.sum) << "\n";
      out << name << "_count" << (labels.empty() ? "" : "{" + labels + "}") << " " << Number(h.count) << "\n";
    }
  }
  return out.str();
}

void Metrics::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  families_.clear();
}

}  // namespace vigil
