package io.slabforge.processor;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;

/** How a record component is stored in a slot: its C size and alignment, and its Java type. */
sealed interface ComponentType {

    /** Bytes the component occupies in the slot. */
    long size();

    /** The component's alignment inside the slot (C rules: natural alignment of its widest scalar). */
    long alignment();

    /** The component's Java type. */
    TypeName javaType();

    /** A primitive component: {@code double x}. */
    record Primitive(Scalar scalar) implements ComponentType {
        @Override
        public long size() {
            return scalar.size;
        }

        @Override
        public long alignment() {
            return scalar.size;
        }

        @Override
        public TypeName javaType() {
            return scalar.type;
        }
    }

    /**
     * An enum component, stored as its ordinal in the smallest unsigned width that holds every constant
     * ({@code storage} is BYTE, SHORT or INT, read as unsigned).
     */
    record EnumType(ClassName type, int constants, Scalar storage) implements ComponentType {
        static EnumType of(ClassName type, int constants) {
            Scalar storage = constants <= 1 << 8 ? Scalar.BYTE : constants <= 1 << 16 ? Scalar.SHORT : Scalar.INT;
            return new EnumType(type, constants, storage);
        }

        @Override
        public long size() {
            return storage.size;
        }

        @Override
        public long alignment() {
            return storage.size;
        }

        @Override
        public TypeName javaType() {
            return type;
        }
    }

    /** A fixed-length primitive array stored inline: {@code @Length(16) byte[] symbol}. */
    record ArrayType(Scalar element, int length) implements ComponentType {
        @Override
        public long size() {
            return element.size * length;
        }

        @Override
        public long alignment() {
            return element.size;
        }

        @Override
        public TypeName javaType() {
            return ArrayTypeName.of(element.type);
        }
    }

    /**
     * A {@code @Length(n) String}: at most {@code length} bytes of UTF-8, NUL-padded, like a C {@code char[n]};
     * the setters take any {@code CharSequence}.
     */
    record StringType(int length) implements ComponentType {
        @Override
        public long size() {
            return length;
        }

        @Override
        public long alignment() {
            return 1;
        }

        @Override
        public TypeName javaType() {
            return ClassName.get(String.class);
        }
    }

    /** Another {@code @SlabType} record embedded inline, like a C struct member. */
    record Embedded(RecordModel record) implements ComponentType {
        @Override
        public long size() {
            return record.layout().size();
        }

        @Override
        public long alignment() {
            return record.layout().alignment();
        }

        @Override
        public TypeName javaType() {
            return record.recordType();
        }
    }
}
