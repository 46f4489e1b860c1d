@preconcurrency import CGit2Startup
import Glibc
import Testing

/// The GSSAPI functions libgit2 names are defined by CGit2Startup (gssapi.c), which
/// opens Kerberos's library on first use instead of linking it. These call them as
/// libgit2's Negotiate authentication does, against the real library.
@Suite struct GssapiTests {

  @Test func theLibraryOpensWithEveryFunctionLibgit2Calls() {
    var error = [CChar](repeating: 0, count: 512)
    let opened = sizebudget_gssapi_load(&error, error.count)
    #expect(opened == 0, "\(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
  }

  /// libgit2 passes gssapi.c's GSS_C_NT_HOSTBASED_SERVICE, defined before the library
  /// is open: it must be the library's own OID, byte for byte.
  @Test func theHostBasedServiceNameTypeIsTheLibrarysOwn() throws {
    let library = try #require(dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_LOCAL))
    defer { dlclose(library) }
    let symbol = try #require(dlsym(library, "GSS_C_NT_HOSTBASED_SERVICE"))
    let constant = symbol.assumingMemoryBound(to: gss_OID?.self)
    let theirs = try #require(constant.pointee)
    let ours = try #require(GSS_C_NT_HOSTBASED_SERVICE)
    #expect(ours != theirs, "gssapi.c defines its own, as libgit2 links it")
    #expect(ours.pointee.length == theirs.pointee.length)
    let bytes = { (oid: gss_OID) in
      Array(UnsafeRawBufferPointer(start: oid.pointee.elements, count: Int(oid.pointee.length)))
    }
    #expect(bytes(ours) == bytes(theirs), "\(bytes(ours)) against \(bytes(theirs))")
  }

  /// libgit2 passes its own copy of GSS_C_NT_HOSTBASED_SERVICE (ours, defined before
  /// the library is open); the library must accept it as a host-based service name.
  @Test func aHostBasedServiceNameImportsAndIsReleased() {
    var minor: OM_uint32 = 0
    var name: gss_name_t? = nil
    var service = Array("HTTP@git.example.com".utf8)
    let major = service.withUnsafeMutableBytes { bytes in
      var buffer = gss_buffer_desc(length: bytes.count, value: bytes.baseAddress)
      return gss_import_name(&minor, &buffer, GSS_C_NT_HOSTBASED_SERVICE, &name)
    }
    #expect(major == 0, "gss_import_name: \(major).\(minor)")
    #expect(name != nil)
    #expect(gss_release_name(&minor, &name) == 0)
    #expect(name == nil)
  }

  @Test func theMechanismsListAndAStatusReadsAsText() {
    var minor: OM_uint32 = 0
    var mechanisms: gss_OID_set? = nil
    #expect(gss_indicate_mechs(&minor, &mechanisms) == 0)
    #expect((mechanisms?.pointee.count ?? 0) > 0)
    #expect(gss_release_oid_set(&minor, &mechanisms) == 0)
    // GSS_S_UNAVAILABLE, as a wrapper answers when the library cannot be opened.
    var context: OM_uint32 = 0
    var text = gss_buffer_desc(length: 0, value: nil)
    #expect(gss_display_status(&minor, 16 << 16, Int32(GSS_C_GSS_CODE), nil, &context, &text) == 0)
    let message = String(decoding: UnsafeRawBufferPointer(start: text.value, count: text.length), as: UTF8.self)
    #expect(message.contains("not available"), "\(message)")
    #expect(gss_release_buffer(&minor, &text) == 0)
  }
}
