package io.slabforge.internal;

/**
 * Which cache this is, in words: the name given with {@code builder().name(...)}, the generated cache type, the
 * record and the tag. Every message, log line, JFR event and MXBean that speaks of a cache takes its words from here.
 *
 * @param name the user's name, or null
 * @param cacheType the generated class's simple name ({@code "ParticleSlab"}), or {@code "SlabEngine"}
 * @param recordType the record's canonical name, or null for an engine of untyped slots
 * @param tag the cache tag
 */
record CacheIdentity(String name, String cacheType, String recordType, int tag) {

    /** How logs and events name the cache: its name, else its type and tag ({@code "ParticleSlab#7"}). */
    String label() {
        return name != null ? name : cacheType + "#" + tag;
    }

    /** The type and record, for JMX: {@code "ParticleSlab (com.example.Particle)"}. */
    String type() {
        return recordType == null ? cacheType : cacheType + " (" + recordType + ")";
    }

    /**
     * The cache for a sentence: {@code ParticleSlab "particles" (com.example.Particle, tag 7)}, or without the name
     * where none was given.
     */
    String describe() {
        return describe("");
    }

    /** {@link #describe()} with more inside the parentheses: {@code describe(", 32-byte slots")}. */
    String describe(String more) {
        return cacheType + (name == null ? "" : " \"" + name + "\"") + " ("
                + (recordType == null ? "" : recordType + ", ") + "tag " + tag + more + ")";
    }
}
