package io.slabforge.processor;

import com.palantir.javapoet.TypeName;
import javax.lang.model.type.TypeKind;

/** A primitive value as stored in a slot: its Java type, its FFM value layout and its C size (= alignment). */
enum Scalar {
    BOOLEAN(TypeName.BOOLEAN, "JAVA_BOOLEAN", 1),
    BYTE(TypeName.BYTE, "JAVA_BYTE", 1),
    SHORT(TypeName.SHORT, "JAVA_SHORT", 2),
    CHAR(TypeName.CHAR, "JAVA_CHAR", 2),
    INT(TypeName.INT, "JAVA_INT", 4),
    FLOAT(TypeName.FLOAT, "JAVA_FLOAT", 4),
    LONG(TypeName.LONG, "JAVA_LONG", 8),
    DOUBLE(TypeName.DOUBLE, "JAVA_DOUBLE", 8);

    final TypeName type;
    final String layoutConstant;
    final long size;

    Scalar(TypeName type, String layoutConstant, long size) {
        this.type = type;
        this.layoutConstant = layoutConstant;
        this.size = size;
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

    String javaName() {
        return type.toString();
    }
}
