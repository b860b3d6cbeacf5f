#include "common/database_url.h"

#include <filesystem>

#include "common/url_secrets.h"

namespace vigil {

Result<std::string> DialectOfUrl(const std::string& url) {
  if (url.starts_with("sqlite:")) return std::string("sqlite");
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return std::string("postgres");
  return Status::Error("unsupported database URL \"" + RedactUrl(url) +
                       "\" (expected sqlite:PATH or postgresql://...)");
}

std::string RedactUrl(const std::string& url) { return RedactUrlSecrets(url); }

std::string AbsoluteSqliteUrl(const std::string& url, const std::string& base) {
  if (!url.starts_with("sqlite:")) return url;
  std::string file = url.substr(7);
  if (file.starts_with("//")) file = file.substr(2);  // sqlite:///abs/path
  if (file == ":memory:" || file.empty() || file.front() == '/') return "sqlite:" + file;
  return "sqlite:" + (std::filesystem::absolute(base) / file).lexically_normal().string();
}

}  // namespace vigil
