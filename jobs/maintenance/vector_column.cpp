#include "jobs/maintenance/vector_column.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/ascii.h"
#include "common/hex.h"

namespace vigil {
namespace {

VectorStorage StorageOf(const std::string& declared, std::string_view dialect) {
  std::string t = AsciiLower(declared);
  if (dialect == "postgres") {
    if (t.starts_with("vector")) return VectorStorage::kPgVector;
    if (t.ends_with("[]")) return VectorStorage::kPgArray;
    if (t == "bytea") return VectorStorage::kFloat32Bytes;
    return VectorStorage::kJson;
  }
  if (t.empty() || t.find("blob") != std::string::npos) return VectorStorage::kFloat32Bytes;
  return VectorStorage::kJson;
}

void AppendFloat(float x, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  out->append(buf, r.ptr);
}

std::string Float32Bytes(const std::vector<float>& v) {
  std::string bytes(v.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), v.data(), bytes.size());  // little-endian hosts only (x86-64, arm64)
  return bytes;
}

Result<std::vector<float>> ParseNumberList(std::string_view text) {
  std::vector<float> v;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '[' || c == ']' || c == '{' || c == '}' || c == ',' || c == ' ') {
      ++i;
      continue;
    }
    float x = 0;
    auto r = std::from_chars(text.data() + i, text.data() + text.size(), x);
    if (r.ec != std::errc()) return Status::Error("not a number list: " + std::string(text.substr(0, 40)));
    v.push_back(x);
    i = static_cast<size_t>(r.ptr - text.data());
  }
  return v;
}

}  // namespace

Result<VectorColumn> ColumnVectorStorage(SqlConnection& db, const std::string& table, const std::string& column) {
  auto found = FindVectorColumn(db, table, column);
  if (!found.ok()) return found.status();
  if (!*found) return Status::Error("column " + table + "." + column + " does not exist");
  return **found;
}

Result<std::optional<VectorColumn>> FindVectorColumn(SqlConnection& db, const std::string& table, const std::string& column) {
  Result<SqlResult> r = db.dialect() == "postgres"
      ? db.Query("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                 "WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped",
                 {table, column})
      : db.Query("SELECT type FROM pragma_table_info($1) WHERE name = $2", {table, column});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<VectorColumn>();
  VectorColumn out;
  out.declared_type = r->rows[0].Text(0);
  out.storage = StorageOf(out.declared_type, db.dialect());
  return std::optional<VectorColumn>(out);
}

std::string VectorJson(const std::vector<float>& v) {
  std::string out;
  out.reserve(v.size() * 12 + 2);
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    AppendFloat(v[i], &out);
  }
  out.push_back(']');
  return out;
}

std::string VectorSqlExpression(const VectorColumn& column, std::string_view dialect, const std::vector<float>& v,
                                std::vector<SqlValue>* params) {
  std::string n = "$" + std::to_string(params->size() + 1);
  switch (column.storage) {
    case VectorStorage::kPgVector:
      params->push_back(VectorJson(v));
      return "CAST(" + n + " AS vector)";
    case VectorStorage::kPgArray: {
      std::string text = VectorJson(v);
      text.front() = '{';
      text.back() = '}';
      params->push_back(std::move(text));
      return "CAST(" + n + " AS " + column.declared_type + ")";
    }
    case VectorStorage::kFloat32Bytes:
      params->push_back(SqlBlob{Float32Bytes(v)});
      return dialect == "postgres" ? "CAST(" + n + " AS bytea)" : n;
    case VectorStorage::kJson:
      params->push_back(VectorJson(v));
      if (dialect == "postgres" && AsciiLower(column.declared_type).starts_with("json")) return "CAST(" + n + " AS " + column.declared_type + ")";
      return n;
  }
  return n;
}

Result<std::vector<float>> ParseStoredVector(const SqlValue& value, VectorStorage storage) {
  const auto* text = std::get_if<std::string>(&value);
  if (text == nullptr) return Status::Error("no stored vector");
  if (storage != VectorStorage::kFloat32Bytes) return ParseNumberList(*text);
  std::string bytes = *text;
  if (bytes.starts_with("\\x")) {  // PostgreSQL's text form of bytea
    auto decoded = HexDecode(bytes.substr(2));
    if (!decoded.ok()) return decoded.status();
    bytes = *decoded;
  }
  if (bytes.size() % sizeof(float) != 0) return Status::Error("stored bytes are not a float32 array");
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

}  // namespace vigil
