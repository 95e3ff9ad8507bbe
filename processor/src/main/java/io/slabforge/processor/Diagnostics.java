package io.slabforge.processor;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Where diagnostics go: the compiler's {@link Messager}, or (while reading an embedded record whose own problems
 * are reported when that record itself is processed) a list that only remembers what went wrong.
 */
class Diagnostics {
    private final Messager messager;
    private final List<String> errors = new ArrayList<>();

    private Diagnostics(Messager messager) {
        this.messager = messager;
    }

    static Diagnostics of(Messager messager) {
        return new Diagnostics(messager);
    }

    /** Diagnostics that are collected, not printed. */
    static Diagnostics collecting() {
        return new Diagnostics(null);
    }

    void error(Element element, String message) {
        errors.add(message);
        if (messager != null) {
            messager.printMessage(Diagnostic.Kind.ERROR, message, element);
        }
    }

    /**
     * An error on an explicit annotation value, or on {@code element} when the value was defaulted
     * ({@code value == null}).
     */
    void error(Element element, AnnotationMirror mirror, AnnotationValue value, String message) {
        errors.add(message);
        if (messager == null) {
            return;
        }
        if (value == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, message, element);
        } else {
            messager.printMessage(Diagnostic.Kind.ERROR, message, element, mirror, value);
        }
    }

    void warning(Element element, String message) {
        if (messager != null) {
            messager.printMessage(Diagnostic.Kind.WARNING, message, element);
        }
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    int errorCount() {
        return errors.size();
    }

    String firstError() {
        return errors.isEmpty() ? null : errors.get(0);
    }
}
