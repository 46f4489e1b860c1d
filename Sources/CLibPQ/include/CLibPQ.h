#ifndef SIZEBUDGET_CLIBPQ_H
#define SIZEBUDGET_CLIBPQ_H

// libpq, PostgreSQL's client library, loaded on first use (dlopen) rather than
// linked: with Kerberos and LDAP it brings a dozen shared libraries to every start,
// the pre-push hook's included, and only a store on a PostgreSQL server needs it.
// The types and constants are libpq's own; every function is called through the sb_
// wrappers below, so a direct call to PQ* fails to link.
// (Debian keeps the header under postgresql/; other systems in the include root.)
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#include <stddef.h>

/// Loads libpq.so.5 and resolves the functions below, once per process; later calls
/// return the first call's result. 0 on success; otherwise -1, with the reason (the
/// dynamic loader's message) copied into `error`.
int sb_pq_load(char *error, size_t capacity);

// Each wrapper calls the libpq function of the same name without the prefix; they
// must not be called before sb_pq_load has returned 0.
int sb_PQlibVersion(void);
PGconn *sb_PQconnectdb(const char *conninfo);
void sb_PQfinish(PGconn *connection);
ConnStatusType sb_PQstatus(const PGconn *connection);
PGTransactionStatusType sb_PQtransactionStatus(const PGconn *connection);
char *sb_PQerrorMessage(const PGconn *connection);
PQnoticeProcessor sb_PQsetNoticeProcessor(PGconn *connection, PQnoticeProcessor processor, void *context);
PGresult *sb_PQexec(PGconn *connection, const char *query);
PGresult *sb_PQexecParams(
  PGconn *connection, const char *command, int count, const Oid *types, const char *const *values,
  const int *lengths, const int *formats, int resultFormat);
ExecStatusType sb_PQresultStatus(const PGresult *result);
char *sb_PQresultErrorMessage(const PGresult *result);
char *sb_PQresultErrorField(const PGresult *result, int field);
int sb_PQntuples(const PGresult *result);
char *sb_PQgetvalue(const PGresult *result, int row, int column);
int sb_PQgetisnull(const PGresult *result, int row, int column);
void sb_PQclear(PGresult *result);

#endif
