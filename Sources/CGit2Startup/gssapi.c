// libgit2's HTTP "Negotiate" authentication (Kerberos, through GSSAPI), loaded on
// first use rather than linked. libgit2.a names eight GSSAPI functions and one
// constant; linking libgssapi_krb5 for them brought it and six more libraries
// (krb5, k5crypto, com_err, krb5support, keyutils, resolv) to every start: about
// 1.1 ms of the dynamic loader's work in a C start-up test, on a pre-push hook of
// 17-20 ms. sizebudget never takes libgit2's HTTP transport (notes travel through
// git itself, Sharing/GitTransport.swift), so these run only if that changes. Then
// each definition below opens the library once (CLazyLoad) and calls its own; if it
// cannot, each answers GSS_S_UNAVAILABLE, and libgit2's Negotiate setup fails
// with its own error. The prototypes are MIT krb5's (<gssapi/gssapi.h>,
// libkrb5-dev), so the compiler checks that each definition is the one libgit2 was
// built against.
//
// Hidden: a release build exports the executable's own symbols (-export-dynamic),
// and libcurl, libpq and the GSSAPI library itself, once opened, would then bind
// their GSSAPI calls, and the constant, to these definitions rather than the
// library's. Declared hidden before the header, so its declarations agree.
#pragma GCC visibility push(hidden)
#include <gssapi/gssapi.h>
#include "CGit2Startup.h"
#pragma GCC visibility pop
#include "CLazyLoad.h"

#define LIBRARY "libgssapi_krb5.so.2"

#define FUNCTIONS(X)                                                                                    \
  X(gss_init_sec_context)                                                                               \
  X(gss_delete_sec_context)                                                                             \
  X(gss_display_status)                                                                                 \
  X(gss_import_name)                                                                                    \
  X(gss_indicate_mechs)                                                                                 \
  X(gss_release_buffer)                                                                                 \
  X(gss_release_name)                                                                                   \
  X(gss_release_oid_set)

#define FIELD(name) __typeof__(name) *name;
static struct {
  FUNCTIONS(FIELD)
  // The library's own GSS_C_NT_HOSTBASED_SERVICE (the variable's address).
  gss_OID *hostbased_service;
} api;

static struct sb_lazy_library library = SB_LAZY_LIBRARY(LIBRARY);
#define NAME(name) #name,
#define SLOT(name) (void **)&api.name,
static const char *const names[] = {FUNCTIONS(NAME) "GSS_C_NT_HOSTBASED_SERVICE"};
static void **const slots[] = {FUNCTIONS(SLOT)(void **)&api.hostbased_service};
_Static_assert(sizeof names / sizeof names[0] == sizeof slots / sizeof slots[0], "one slot per name");

// libgit2 passes this variable's value as a name type before any GSSAPI call has
// opened the library, so it is defined here, with the OID's own bytes
// (1.2.840.113554.1.2.1.4, RFC 2743's host-based service name); gss_import_name
// hands the library its own constant in its place.
static gss_OID_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

int sizebudget_gssapi_load(char *error, size_t capacity) {
  return sb_lazy_open(&library, names, slots, sizeof names / sizeof names[0], error, capacity);
}

// 1 when the library is open; otherwise 0, with no minor status.
static int opened(OM_uint32 *minor_status) {
  if (sizebudget_gssapi_load(NULL, 0) == 0) return 1;
  if (minor_status != NULL) *minor_status = 0;
  return 0;
}

OM_uint32 gss_init_sec_context(
  OM_uint32 *minor_status, gss_cred_id_t credential, gss_ctx_id_t *context, gss_name_t target, gss_OID mechanism,
  OM_uint32 flags, OM_uint32 lifetime, gss_channel_bindings_t bindings, gss_buffer_t input, gss_OID *mechanism_used,
  gss_buffer_t output, OM_uint32 *flags_granted, OM_uint32 *lifetime_granted) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_init_sec_context(
    minor_status, credential, context, target, mechanism, flags, lifetime, bindings, input, mechanism_used, output,
    flags_granted, lifetime_granted);
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor_status, gss_ctx_id_t *context, gss_buffer_t output) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_delete_sec_context(minor_status, context, output);
}

OM_uint32 gss_display_status(
  OM_uint32 *minor_status, OM_uint32 status, int type, gss_OID mechanism, OM_uint32 *message_context,
  gss_buffer_t message) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_display_status(minor_status, status, type, mechanism, message_context, message);
}

OM_uint32 gss_import_name(OM_uint32 *minor_status, gss_buffer_t input, gss_OID type, gss_name_t *output) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_import_name(minor_status, input, type == &hostbased_service ? *api.hostbased_service : type, output);
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor_status, gss_OID_set *mechanisms) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_indicate_mechs(minor_status, mechanisms);
}

OM_uint32 gss_release_buffer(OM_uint32 *minor_status, gss_buffer_t buffer) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_release_buffer(minor_status, buffer);
}

OM_uint32 gss_release_name(OM_uint32 *minor_status, gss_name_t *name) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_release_name(minor_status, name);
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor_status, gss_OID_set *set) {
  if (!opened(minor_status)) return GSS_S_UNAVAILABLE;
  return api.gss_release_oid_set(minor_status, set);
}
