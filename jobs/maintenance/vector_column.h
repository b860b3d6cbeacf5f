// How a vector is stored in a destination column, decided from the column's declared type:
//   PostgreSQL vector(N) (pgvector)      '[0.1,0.2]'::vector
//   PostgreSQL real[] / double precision[] '{0.1,0.2}'::real[]
//   PostgreSQL json / jsonb, or text     a JSON array
//   PostgreSQL bytea, SQLite BLOB or no declared type   little-endian float32 bytes
//   SQLite JSON / TEXT                   a JSON array as text
// Numbers are written in the shortest form that reads back as the same float.
//
// Threads: ColumnVectorStorage uses the caller's connection; the rest are pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sql.h"

namespace vigil {

enum class VectorStorage { kPgVector, kPgArray, kJson, kFloat32Bytes };

struct VectorColumn {
  VectorStorage storage = VectorStorage::kJson;
  std::string declared_type;  // as the database reports it ("vector(1536)", "jsonb", "BLOB")
};

// The storage of `table.column`; an error if the column does not exist (kMissingTable-style
// message: "column message_embeddings.embedding does not exist").
Result<VectorColumn> ColumnVectorStorage(SqlConnection& db, const std::string& table, const std::string& column);
// The same, nullopt when the column does not exist.
Result<std::optional<VectorColumn>> FindVectorColumn(SqlConnection& db, const std::string& table, const std::string& column);

// The SQL expression that stores `v`: it appends one parameter to `params` (float32 bytes as an
// SqlBlob, the other forms as text) and refers to it by its number ($N), so the statement's text
// is the same for every row and the driver's prepared statement is reused.
std::string VectorSqlExpression(const VectorColumn& column, std::string_view dialect, const std::vector<float>& v,
                                std::vector<SqlValue>* params);

// "[0.5,-1,0.25]" (also the pgvector text form).
std::string VectorJson(const std::vector<float>& v);

// Reads back a stored vector in any of the forms above (JSON or pgvector text, {..} array
// text, or float32 bytes as the SQLite driver returns a blob).
Result<std::vector<float>> ParseStoredVector(const SqlValue& value, VectorStorage storage);

}  // namespace vigil
