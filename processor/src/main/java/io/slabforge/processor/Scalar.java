package io.slabforge.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import javax.lang.model.type.TypeKind;

/**
 * A primitive value as stored in a slot: its Java type, its FFM value layouts and its C size (= alignment).
 *
 * <p>Two layouts per type: the aligned one describes the C struct ({@code LAYOUT}, the {@code @Atomic} var
 * handles, which need it for their atomic access modes); the unaligned one is what the accessors read and write
 * through, see {@link ConstantsWriter}.
 */
enum Scalar {
    BOOLEAN(TypeName.BOOLEAN, "JAVA_BOOLEAN", "JAVA_BOOLEAN", "OfBoolean", 1),
    BYTE(TypeName.BYTE, "JAVA_BYTE", "JAVA_BYTE", "OfByte", 1),
    SHORT(TypeName.SHORT, "JAVA_SHORT", "JAVA_SHORT_UNALIGNED", "OfShort", 2),
    CHAR(TypeName.CHAR, "JAVA_CHAR", "JAVA_CHAR_UNALIGNED", "OfChar", 2),
    INT(TypeName.INT, "JAVA_INT", "JAVA_INT_UNALIGNED", "OfInt", 4),
    FLOAT(TypeName.FLOAT, "JAVA_FLOAT", "JAVA_FLOAT_UNALIGNED", "OfFloat", 4),
    LONG(TypeName.LONG, "JAVA_LONG", "JAVA_LONG_UNALIGNED", "OfLong", 8),
    DOUBLE(TypeName.DOUBLE, "JAVA_DOUBLE", "JAVA_DOUBLE_UNALIGNED", "OfDouble", 8);

    final TypeName type;
    /** The aligned {@code ValueLayout} constant, for the C layout. */
    final String layoutConstant;
    /** The {@code ValueLayout} constant of field accesses: the unaligned variant (bytes have no alignment). */
    final String accessLayoutConstant;
    /** {@code ValueLayout.OfDouble}, the type of both constants. */
    final ClassName layoutType;
    final long size;

    Scalar(TypeName type, String layoutConstant, String accessLayoutConstant, String layoutType, long size) {
        this.type = type;
        this.layoutConstant = layoutConstant;
        this.accessLayoutConstant = accessLayoutConstant;
        this.layoutType = Names.VALUE_LAYOUT.nestedClass(layoutType);
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
