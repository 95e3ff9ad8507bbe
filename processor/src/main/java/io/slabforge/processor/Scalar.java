package io.slabforge.processor;

import com.palantir.javapoet.TypeName;
import javax.lang.model.type.TypeKind;

/**
 * A primitive value as stored in a slot: its Java type, its FFM value layouts and its C size (= alignment).
 *
 * <p>Two layouts per type: the aligned one describes the C struct ({@code LAYOUT}); the unaligned one is the
 * element layout of the bulk array copies ({@code engine.copyIn}/{@code copyOut}), which need no alignment test
 * because every element is aligned by construction. Field accesses use the engine's own layouts
 * ({@code engine.getDouble(handle, offset)}), named by {@link #engineSuffix()}.
 */
enum Scalar {
    BOOLEAN(TypeName.BOOLEAN, "JAVA_BOOLEAN", "JAVA_BOOLEAN", 1),
    BYTE(TypeName.BYTE, "JAVA_BYTE", "JAVA_BYTE", 1),
    SHORT(TypeName.SHORT, "JAVA_SHORT", "JAVA_SHORT_UNALIGNED", 2),
    CHAR(TypeName.CHAR, "JAVA_CHAR", "JAVA_CHAR_UNALIGNED", 2),
    INT(TypeName.INT, "JAVA_INT", "JAVA_INT_UNALIGNED", 4),
    FLOAT(TypeName.FLOAT, "JAVA_FLOAT", "JAVA_FLOAT_UNALIGNED", 4),
    LONG(TypeName.LONG, "JAVA_LONG", "JAVA_LONG_UNALIGNED", 8),
    DOUBLE(TypeName.DOUBLE, "JAVA_DOUBLE", "JAVA_DOUBLE_UNALIGNED", 8);

    final TypeName type;
    /** The aligned {@code ValueLayout} constant, for the C layout. */
    final String layoutConstant;
    /** The unaligned {@code ValueLayout} constant, for bulk array copies (bytes have no alignment). */
    final String accessLayoutConstant;
    /** Bytes, also the C alignment. */
    final long size;

    Scalar(TypeName type, String layoutConstant, String accessLayoutConstant, long size) {
        this.type = type;
        this.layoutConstant = layoutConstant;
        this.accessLayoutConstant = accessLayoutConstant;
        this.size = size;
    }

    /** The scalar whose size is {@code bytes} and that padding is zeroed with: LONG, INT, SHORT or BYTE. */
    static Scalar ofWidth(long bytes) {
        return switch ((int) bytes) {
            case 8 -> LONG;
            case 4 -> INT;
            case 2 -> SHORT;
            case 1 -> BYTE;
            default -> throw new IllegalArgumentException("no store of " + bytes + " bytes");
        };
    }

    /** The scalar for a primitive type kind, or null for anything else. */
    static Scalar of(TypeKind kind) {
        return switch (kind) {
            case BOOLEAN -> BOOLEAN;
            case BYTE -> BYTE;
            case SHORT -> SHORT;
            case CHAR -> CHAR;
            case INT -> INT;
            case FLOAT -> FLOAT;
            case LONG -> LONG;
            case DOUBLE -> DOUBLE;
            default -> null;
        };
    }

    /** Whether {@code MemorySegment.copy} and {@code toArray} support arrays of this type (all but boolean). */
    boolean bulkCopyable() {
        return this != BOOLEAN;
    }

    /** The engine's accessor suffix: {@code engine.get<Suffix>(handle, offset)}. */
    String engineSuffix() {
        String name = name();
        return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    String javaName() {
        return type.toString();
    }
}
