// The wrappers of CLibPQ.h: one table of libpq's functions, filled by dlsym once.
#include "CLibPQ.h"
#include "CLazyLoad.h"

// libpq's soname has been libpq.so.5 since PostgreSQL 8.0; Debian's package is libpq5.
#define LIBRARY "libpq.so.5"

// X(return type, name, parameters): the functions taken from the library.
#define FUNCTIONS(X)                                                                                    \
  X(int, PQlibVersion, (void))                                                                          \
  X(PGconn *, PQconnectdb, (const char *))                                                              \
  X(void, PQfinish, (PGconn *))                                                                         \
  X(ConnStatusType, PQstatus, (const PGconn *))                                                         \
  X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *))                                     \
  X(char *, PQerrorMessage, (const PGconn *))                                                           \
  X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *, PQnoticeProcessor, void *))                     \
  X(PGresult *, PQexec, (PGconn *, const char *))                                                       \
  X(PGresult *, PQexecParams,                                                                           \
    (PGconn *, const char *, int, const Oid *, const char *const *, const int *, const int *, int))     \
  X(ExecStatusType, PQresultStatus, (const PGresult *))                                                 \
  X(char *, PQresultErrorMessage, (const PGresult *))                                                   \
  X(char *, PQresultErrorField, (const PGresult *, int))                                                \
  X(int, PQntuples, (const PGresult *))                                                                 \
  X(char *, PQgetvalue, (const PGresult *, int, int))                                                   \
  X(int, PQgetisnull, (const PGresult *, int, int))                                                     \
  X(void, PQclear, (PGresult *))

#define FIELD(type, name, parameters) type(*name) parameters;
static struct {
  FUNCTIONS(FIELD)
} api;

static struct sb_lazy_library library = SB_LAZY_LIBRARY(LIBRARY);
#define NAME(type, name, parameters) #name,
#define SLOT(type, name, parameters) (void **)&api.name,
static const char *const names[] = {FUNCTIONS(NAME)};
static void **const slots[] = {FUNCTIONS(SLOT)};
_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "one slot per name");

int sb_pq_load(char *error, size_t capacity) {
  return sb_lazy_open(&library, names, slots, sizeof names / sizeof names[0], error, capacity);
}

int sb_PQlibVersion(void) { return api.PQlibVersion(); }
PGconn *sb_PQconnectdb(const char *conninfo) { return api.PQconnectdb(conninfo); }
void sb_PQfinish(PGconn *connection) { api.PQfinish(connection); }
ConnStatusType sb_PQstatus(const PGconn *connection) { return api.PQstatus(connection); }
PGTransactionStatusType sb_PQtransactionStatus(const PGconn *connection) {
  return api.PQtransactionStatus(connection);
}
char *sb_PQerrorMessage(const PGconn *connection) { return api.PQerrorMessage(connection); }
PQnoticeProcessor sb_PQsetNoticeProcessor(PGconn *connection, PQnoticeProcessor processor, void *context) {
  return api.PQsetNoticeProcessor(connection, processor, context);
}
PGresult *sb_PQexec(PGconn *connection, const char *query) { return api.PQexec(connection, query); }
PGresult *sb_PQexecParams(
  PGconn *connection, const char *command, int count, const Oid *types, const char *const *values,
  const int *lengths, const int *formats, int resultFormat) {
  return api.PQexecParams(connection, command, count, types, values, lengths, formats, resultFormat);
}
ExecStatusType sb_PQresultStatus(const PGresult *result) { return api.PQresultStatus(result); }
char *sb_PQresultErrorMessage(const PGresult *result) { return api.PQresultErrorMessage(result); }
char *sb_PQresultErrorField(const PGresult *result, int field) { return api.PQresultErrorField(result, field); }
int sb_PQntuples(const PGresult *result) { return api.PQntuples(result); }
char *sb_PQgetvalue(const PGresult *result, int row, int column) { return api.PQgetvalue(result, row, column); }
int sb_PQgetisnull(const PGresult *result, int row, int column) { return api.PQgetisnull(result, row, column); }
void sb_PQclear(PGresult *result) { api.PQclear(result); }
