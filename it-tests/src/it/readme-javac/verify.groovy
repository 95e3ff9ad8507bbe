import java.util.zip.ZipFile

def snippets = evaluate(new File(readmeSnippets))(new File(readmeFile), slabforgeVersion)
def log = new File(basedir, 'build.log').text
def expected = snippets.expectedOutput()
assert log.readLines().contains(expected) : "the README program did not print '${expected}'"
assert new File(basedir, 'classes/com/example/QuoteSlab.class').isFile() : 'the processor wrote no QuoteSlab'

// The README's processor path is the processor jar alone, and that was enough: it is self-contained.
def javac = snippets.commands().find { it.startsWith('javac ') }.tokenize()
def processorPath = javac[javac.indexOf('-processorpath') + 1]
assert processorPath ==~ /slabforge-processor-[^:]+\.jar/ : "README -processorpath is not the processor jar alone: ${processorPath}"

def jar = new File(basedir, processorPath)
new ZipFile(jar).withCloseable { zip ->
    def names = zip.entries()*.name
    assert !names.any { it.startsWith('com/palantir/') } : 'JavaPoet is not relocated in the processor jar'
    assert names.contains('io/slabforge/processor/shaded/javapoet/JavaFile.class') : 'JavaPoet is not shaded in'
    assert names.contains('META-INF/services/javax.annotation.processing.Processor')
    def manifest = zip.getInputStream(zip.getEntry('META-INF/MANIFEST.MF')).getText('UTF-8')
    assert manifest.contains('Automatic-Module-Name: io.slabforge.processor')
}
// The installed POM is the dependency-reduced one: no JavaPoet for a user's build to resolve.
def pom = new File(localRepositoryPath,
        "io/slabforge/slabforge-processor/${slabforgeVersion}/slabforge-processor-${slabforgeVersion}.pom").text
assert !pom.contains('<artifactId>javapoet</artifactId>') : 'the installed processor POM still lists JavaPoet'
return true
