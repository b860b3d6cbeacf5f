// Metrics: a process-wide registry of counters, gauges and histograms, rendered in the
// Prometheus text exposition format for GET /metrics.
//
// Threads: every method may be called from any thread; a single mutex guards the maps (updates
// are a map lookup and an add, cheap next to the work they count).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace vigil {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  static Metrics& Global();

  // Declares a family's help text and type ("counter", "gauge", "histogram"). Optional; an
  // undeclared family renders as "untyped".
  void Describe(const std::string& name, const std::string& type, const std::string& help);

  void Inc(const std::string& name, const Labels& labels = {}, double delta = 1);
  void Set(const std::string& name, const Labels& labels, double value);
  // Histogram in seconds with fixed buckets from 0.5 ms to 60 s.
  void Observe(const std::string& name, const Labels& labels, double seconds);

  // Current value of a counter or gauge series (0 if absent): for tests and `vigil status`.
  double Value(const std::string& name, const Labels& labels = {}) const;

  std::string Render() const;
  void Reset();  // tests only

 private:
  struct Histogram {
    std::vector<double> counts;  // per bucket, cumulative at render time
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string type = "untyped";
    std::string help;
    std::map<std::string, double> values;         // label text -> value
    std::map<std::string, Histogram> histograms;  // label text -> histogram
  };
  static std::string LabelText(const Labels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace vigil
