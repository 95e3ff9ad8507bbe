/*
 * A minimal HotSpot disassembler plugin over Capstone, for reading what C2 made of the benchmarks
 * (-XX:+PrintAssembly, JMH -prof perfasm). No hsdis ships with Temurin, and Debian's libhsdis0-fcml exports only
 * the pre-JDK 13 entry point. x86-64, Intel syntax.
 *
 *   apt-get install libcapstone-dev
 *   gcc -O2 -shared -fPIC -o hsdis-amd64.so hsdis-capstone.c -lcapstone
 *   LD_LIBRARY_PATH=$PWD java -XX:+UnlockDiagnosticVMOptions -XX:+PrintAssembly ...
 */
#include <stdint.h>
#include <stddef.h>
#include <capstone/capstone.h>

typedef void *(*event_callback_t)(void *, const char *, void *);
typedef int (*printf_callback_t)(void *, const char *, ...);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback_t event_callback, void *event_stream,
                                  printf_callback_t printf_callback, void *printf_stream, const char *options,
                                  int newline) {
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        return NULL;
    }
    cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    cs_insn *insn;
    size_t count = cs_disasm(handle, buffer, length, (uint64_t) start_va, 0, &insn);
    for (size_t i = 0; i < count; i++) {
        /* The events let HotSpot interleave its annotations (source lines, oop maps) between instructions. */
        (*event_callback)(event_stream, "insn", (void *) (uintptr_t) insn[i].address);
        (*printf_callback)(printf_stream, "%s\t%s", insn[i].mnemonic, insn[i].op_str);
        (*event_callback)(event_stream, "/insn", (void *) (uintptr_t) (insn[i].address + insn[i].size));
        if (newline) {
            (*printf_callback)(printf_stream, "\n");
        }
    }
    if (count > 0) {
        cs_free(insn, count);
    }
    cs_close(&handle);
    return NULL;
}
