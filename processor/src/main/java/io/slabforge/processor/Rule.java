package io.slabforge.processor;

/**
 * The rules of the processor's diagnostics: every error and warning belongs to one rule, whose stable id is
 * printed at the end of the message ({@code [slabforge.slab-size]}) and which tests name instead of parsing text.
 * The messages themselves (value, limit, fix) are the {@link Message} catalogue's; each names its rule.
 */
enum Rule {
    RELEASE("release", "generated code needs --release 22 or later"),
    REACHABLE("reachable", "the generated cache must reach the record (not local, not private)"),
    RECORD_KIND("record-kind", "@SlabType applies to records only"),
    GENERIC("generic", "a record with type parameters has no fixed layout"),
    CACHE_NAME("cache-name", "the generated class name: a valid identifier, not an existing or claimed type"),
    COMPONENT_TYPE("component-type", "a component's type must have a fixed inline layout"),
    LENGTH("length", "@Length: on arrays and String only, at least 1, required on arrays"),
    ATOMIC("atomic", "@Atomic applies to int and long components only"),
    EMBEDDED("embedded", "an embedded record must be a @SlabType record that can be laid out"),
    CYCLE("cycle", "a record cannot embed itself"),
    SLOT_SIZE("slot-size", "a slot holds at least the 4-byte free-list link and fits the largest slab"),
    SLOT_ALIGNMENT("slot-alignment", "slots are at least 4-aligned"),
    ALIGN("align", "align: 0, or a power of two not below the natural alignment"),
    SLAB_SIZE("slab-size", "slabSize: a power of two from one slot to 16 MiB"),
    ACCESSOR_CLASH("accessor-clash", "every accessor name is distinct after the naming rule"),
    UNRESOLVED("unresolved", "every component type is resolved by the last round"),
    WRITE("write", "the generated file could not be written"),
    INTERNAL("internal", "the processor itself failed: a bug to report"),
    LAYOUT("layout", "warning: another component order gives smaller slots");

    /** The id shown in messages: {@code slabforge.slab-size}. */
    final String id;
    /** What the rule checks, for the catalogue's reader. */
    final String checks;

    Rule(String id, String checks) {
        this.id = "slabforge." + id;
        this.checks = checks;
    }

    /** The message as printed: the text, then the rule's id in brackets. */
    String format(String message) {
        return message + " [" + id + "]";
    }
}
