package io.slabforge.processor;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;

/**
 * Finds {@code @SlabType} on local classes and records, which {@code RoundEnvironment} never reports (they live in
 * method bodies), so that they get an error instead of being silently ignored. Needs javac's tree API; under another
 * compiler it finds nothing.
 */
final class LocalRecords {
    private final Trees trees;
    private final Set<CompilationUnitTree> scanned = new HashSet<>();

    LocalRecords(ProcessingEnvironment env) {
        Trees found;
        try {
            found = Trees.instance(env);
        } catch (IllegalArgumentException | LinkageError e) {
            found = null; // not javac
        }
        this.trees = found;
    }

    /**
     * Local types annotated {@code @SlabType} in the compilation units that declare {@code annotated} types, each
     * unit scanned once. Only those units: an isolating processor (for Gradle) reads what is reachable from the
     * elements it processes, never {@code getRootElements()}.
     */
    List<TypeElement> find(Collection<? extends Element> annotated) {
        List<TypeElement> local = new ArrayList<>();
        if (trees == null) {
            return local;
        }
        for (Element element : annotated) {
            TreePath path = trees.getPath(element);
            if (path == null || !scanned.add(path.getCompilationUnit()) || !mentionsSlabType(path)) {
                continue;
            }
            new TreePathScanner<Void, Void>() {
                @Override
                public Void visitClass(ClassTree tree, Void unused) {
                    Element element = trees.getElement(getCurrentPath());
                    if (element instanceof TypeElement type && type.getNestingKind() == NestingKind.LOCAL
                            && ModelReader.slabTypeMirror(type) != null) {
                        local.add(type);
                    }
                    return super.visitClass(tree, unused);
                }
            }.scan(path.getCompilationUnit(), null);
        }
        return local;
    }

    private static boolean mentionsSlabType(TreePath path) {
        try {
            return path.getCompilationUnit().getSourceFile().getCharContent(true).toString().contains("SlabType");
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }
}
