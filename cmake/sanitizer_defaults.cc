// Linked into every executable of a SPINDLE_SANITIZE build
// (cmake/SpindleTargets.cmake): defaults the sanitizer runtimes read at
// start-up, before main. The environment's ASAN_OPTIONS still override
// them.
//
// intercept_tls_get_addr=0: g++ 12's LeakSanitizer tracks each thread's
// dynamic TLS blocks through __tls_get_addr, and with glibc 2.36 that
// record can hold a garbage block ("DTLS 6 at 0x4d7-0x30000015d9") once
// the LLVM plugin's compile threads have come and gone; the leak check's
// tracer then crashes at exit ("Tracer caught signal 11") after the test
// passed. Without the interceptor LeakSanitizer scans no dynamic TLS: it
// can only report more leaks (a pointer held only there), never fewer.
extern "C" const char* __asan_default_options() { return "intercept_tls_get_addr=0"; }
