package io.slabforge.processor;

import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/**
 * The attributes of one {@code @SlabType} annotation. Each {@code *Value} is the explicit annotation value, or
 * {@code null} where the attribute was left at its default, so that a diagnostic lands on the value the user wrote
 * and otherwise on the record.
 */
record SlabTypeAttributes(
        AnnotationMirror mirror,
        int slabSize,
        AnnotationValue slabSizeValue,
        int align,
        AnnotationValue alignValue,
        String cacheName,
        AnnotationValue cacheNameValue) {

    static final String SLAB_TYPE = "io.slabforge.SlabType";
    static final int DEFAULT_SLAB_SIZE = 4096;

    static SlabTypeAttributes read(AnnotationMirror mirror) {
        int slabSize = DEFAULT_SLAB_SIZE;
        int align = 0;
        String cacheName = "";
        AnnotationValue slabSizeValue = null;
        AnnotationValue alignValue = null;
        AnnotationValue cacheNameValue = null;
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : mirror.getElementValues().entrySet()) {
            Object value = e.getValue().getValue();
            switch (e.getKey().getSimpleName().toString()) {
                case "slabSize" -> {
                    if (value instanceof Integer i) {
                        slabSize = i;
                        slabSizeValue = e.getValue();
                    }
                }
                case "align" -> {
                    if (value instanceof Integer i) {
                        align = i;
                        alignValue = e.getValue();
                    }
                }
                case "cacheName" -> {
                    if (value instanceof String s) {
                        cacheName = s;
                        cacheNameValue = e.getValue();
                    }
                }
                default -> { }
            }
        }
        return new SlabTypeAttributes(mirror, slabSize, slabSizeValue, align, alignValue, cacheName, cacheNameValue);
    }
}
