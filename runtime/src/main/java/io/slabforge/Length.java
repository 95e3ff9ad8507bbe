package io.slabforge;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fixes the length of an array or {@code String} component of a {@link SlabType} record, so that it can be stored
 * inline in the slot: an array like a C array member ({@code n} elements), a {@code String} like a C
 * {@code char[n]} (at most {@code n} bytes of UTF-8, NUL-padded; longer values are refused).
 *
 * <pre>{@code
 * @SlabType(slabSize = 4096)
 * public record Quote(@Length(16) byte[] raw, @Length(12) String symbol, long price) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface Length {

    /**
     * Elements stored inline (an array), or the most UTF-8 bytes (a {@code String}); at least 1.
     *
     * @return the fixed length
     */
    int value();
}
