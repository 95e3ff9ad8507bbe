package io.slabforge;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fixes the length of an array component of a {@link SlabType} record, so that it can be stored inline in the
 * slot like a C array member.
 *
 * <pre>{@code
 * @SlabType(slabSize = 4096)
 * public record Quote(@Length(16) byte[] symbol, long price) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface Length {

    /**
     * Number of elements stored inline; at least 1.
     *
     * @return the fixed array length
     */
    int value();
}
