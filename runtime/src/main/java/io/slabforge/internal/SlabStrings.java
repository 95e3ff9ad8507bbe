package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * {@code @Length(n) String} components: at most {@code n} bytes of UTF-8, NUL-padded, like a C {@code char[n]}.
 * Encoding and comparing work char by char on the slot, so a setter and {@code symbolEquals} allocate nothing; a
 * getter allocates only its {@code String} (the bytes are gathered in a per-thread scratch array first).
 *
 * <pre>
 *   &#64;Length(8) String symbol = "AAPL"      slot bytes: 41 41 50 4C 00 00 00 00
 *   &#64;Length(8) String symbol = "Zürich"    slot bytes: 5A C3 BC 72 69 63 68 00   (7 bytes of UTF-8)
 * </pre>
 *
 * <p>A value is refused ({@link IllegalArgumentException}, nothing written) when its UTF-8 form is longer than
 * {@code n} bytes, when it contains U+0000 (the padding) or an unpaired surrogate (no UTF-8 form). Not API.
 */
public final class SlabStrings {
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64]);
    private static final int SHOWN = 40;

    private SlabStrings() {}

    /**
     * Checks that {@code value} fits a {@code @Length(length)} string component and returns its UTF-8 byte count.
     *
     * @param value the value, not null
     * @param length the component's byte limit
     * @param name the component, for the message ({@code Order.symbol})
     * @return the UTF-8 byte count, at most {@code length}
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is too long or contains U+0000 or an unpaired surrogate
     */
    public static int check(CharSequence value, int length, String name) {
        if (value == null) {
            throw new NullPointerException(name + " is null; a @Length(" + length + ") String cannot hold null"
                    + " (store \"\" instead)");
        }
        int bytes = 0;
        int chars = value.length();
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c == 0) {
                    throw new IllegalArgumentException(name + " cannot hold U+0000 (at index " + i + " of "
                            + shown(value) + "): a @Length string is NUL-padded in its slot");
                }
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(name + " cannot hold the unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " (at index " + i + " of "
                        + shown(value) + "): it has no UTF-8 form");
            } else {
                bytes += 3;
            }
        }
        if (bytes > length) {
            throw new IllegalArgumentException(name + " is " + bytes + " bytes in UTF-8 (" + shown(value)
                    + "), more than its @Length(" + length + ") limit of " + length + " bytes; shorten it or raise"
                    + " @Length");
        }
        return bytes;
    }

    private static String shown(CharSequence value) {
        if (value.length() <= SHOWN) {
            return "\"" + value + "\"";
        }
        return "\"" + value.subSequence(0, SHOWN) + "...\" (" + value.length() + " chars)";
    }

    /** Writes an already {@link #check checked} value and its NUL padding at {@code at}. */
    static void write(MemorySegment memory, long at, int length, CharSequence value) {
        long p = at;
        int chars = value.length();
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                memory.set(JAVA_BYTE, p++, (byte) c);
            } else if (c < 0x800) {
                memory.set(JAVA_BYTE, p++, (byte) (0xC0 | c >> 6));
                memory.set(JAVA_BYTE, p++, (byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                memory.set(JAVA_BYTE, p++, (byte) (0xF0 | cp >> 18));
                memory.set(JAVA_BYTE, p++, (byte) (0x80 | cp >> 12 & 0x3F));
                memory.set(JAVA_BYTE, p++, (byte) (0x80 | cp >> 6 & 0x3F));
                memory.set(JAVA_BYTE, p++, (byte) (0x80 | cp & 0x3F));
            } else {
                memory.set(JAVA_BYTE, p++, (byte) (0xE0 | c >> 12));
                memory.set(JAVA_BYTE, p++, (byte) (0x80 | c >> 6 & 0x3F));
                memory.set(JAVA_BYTE, p++, (byte) (0x80 | c & 0x3F));
            }
        }
        long end = at + length;
        while (p < end) {
            memory.set(JAVA_BYTE, p++, (byte) 0);
        }
    }

    /** The bytes before the first NUL (or all {@code length}). */
    static int storedLength(MemorySegment memory, long at, int length) {
        int n = 0;
        while (n < length && memory.get(JAVA_BYTE, at + n) != 0) {
            n++;
        }
        return n;
    }

    /** The stored string; bytes that are not UTF-8 (written natively) decode to U+FFFD. */
    static String read(MemorySegment memory, long at, int length) {
        int n = storedLength(memory, at, length);
        if (n == 0) {
            return "";
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        MemorySegment.copy(memory, JAVA_BYTE, at, scratch, 0, n);
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Whether the stored string equals {@code value}, compared as UTF-8 without allocating; false for null and
     * for a value no slot could hold.
     */
    static boolean equalTo(MemorySegment memory, long at, int length, CharSequence value) {
        if (value == null) {
            return false;
        }
        long p = at;
        long end = at + length;
        int chars = value.length();
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                cp = Character.toCodePoint(c, value.charAt(++i));
            } else if (Character.isSurrogate(c) || c == 0) {
                return false;
            }
            int units = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (p + units > end) {
                return false;
            }
            if (units == 1) {
                if (memory.get(JAVA_BYTE, p++) != (byte) cp) {
                    return false;
                }
                continue;
            }
            int lead = units == 2 ? 0xC0 | cp >> 6 : units == 3 ? 0xE0 | cp >> 12 : 0xF0 | cp >> 18;
            if (memory.get(JAVA_BYTE, p++) != (byte) lead) {
                return false;
            }
            for (int shift = (units - 2) * 6; shift >= 0; shift -= 6) {
                if (memory.get(JAVA_BYTE, p++) != (byte) (0x80 | cp >> shift & 0x3F)) {
                    return false;
                }
            }
        }
        return p == end || memory.get(JAVA_BYTE, p) == 0;
    }
}
