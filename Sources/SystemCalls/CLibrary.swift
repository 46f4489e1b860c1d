// The C library of the operating system, re-exported: every other module imports
// SystemCalls instead of Glibc or Darwin, so a port to another OS changes this module
// (and what it wraps below) rather than every file that makes a system call.
#if canImport(Glibc)
  @_exported import Glibc
#elseif canImport(Darwin)
  @_exported import Darwin
#else
  #error("SystemCalls supports Glibc (Linux) only so far; Darwin compiles but is untested")
#endif
