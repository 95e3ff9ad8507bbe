// Shared by the readme-* it-tests (prebuild and verify hooks): the fenced code blocks of README.md's
// "Use it in your build" section, so that the builds they make are the README's, and README and tests cannot
// drift. Evaluating this file returns a closure: (File readme, String slabforgeVersion) -> ReadmeSnippets.

class ReadmeSnippets {
    static final String HEADING = '## Use it in your build'

    final String section
    final List<Map<String, String>> blocks = []

    ReadmeSnippets(File readme, String version) {
        def text = readme.getText('UTF-8')
        int start = text.indexOf('\n' + HEADING + '\n')
        assert start >= 0 : "README.md has no '${HEADING}' section"
        int end = text.indexOf('\n## ', start + HEADING.length() + 2)
        section = end < 0 ? text.substring(start) : text.substring(start, end)
        def fence = ~/(?ms)^```(\w*)\n(.*?)^```$/
        def m = fence.matcher(section)
        while (m.find()) {
            blocks << [lang: m.group(1), text: m.group(2)]
        }
        // Every Slabforge version the section names is this build's: a version bump must update the README.
        def versions = [] as Set
        (section =~ /<artifactId>slabforge-\w+<\/artifactId>\s*<version>([^<]+)<\/version>/).each { versions << it[1] }
        (section =~ /io\.slabforge:slabforge-\w+:([^"]+)"/).each { versions << it[1] }
        (section =~ /slabforge-(?:processor|runtime)-(\S+?)\.jar/).each { versions << it[1] }
        assert versions == [version] as Set : "README '${HEADING}' names Slabforge versions ${versions}, the build is ${version}"
    }

    List<String> of(String lang) {
        blocks.findAll { it.lang == lang }*.text
    }

    /** The one xml block whose root element is {@code root}. */
    String xml(String root) {
        def found = of('xml').findAll { it.trim().startsWith('<' + root + '>') }
        assert found.size() == 1 : "README '${HEADING}' has ${found.size()} xml blocks with root <${root}>"
        found[0]
    }

    /** Writes each java block to root/<package path>/<public type>.java; returns the files. */
    List<File> writeJava(File root) {
        def javas = of('java')
        assert javas : "README '${HEADING}' has no java block"
        javas.collect { source ->
            def pkg = (source =~ /(?m)^package ([\w.]+);/)
            def type = (source =~ /(?m)^public (?:final |abstract )*(?:record|class|interface|enum) (\w+)/)
            assert pkg.find() && type.find() : "a README java block without package or public type:\n" + source
            def file = new File(root, pkg.group(1).replace('.', '/') + '/' + type.group(1) + '.java')
            file.parentFile.mkdirs()
            file.setText(source, 'UTF-8')
            file
        }
    }

    /** The command lines of the sh blocks. */
    List<String> commands() {
        of('sh').collectMany { it.readLines()*.trim().findAll { it && !it.startsWith('#') } }
    }

    /** What the README says the program prints: "It prints `...`". */
    String expectedOutput() {
        def m = section =~ /It prints `([^`]+)`/
        assert m.find() : "README '${HEADING}' does not say what the program prints"
        m.group(1)
    }
}

return { File readme, String version -> new ReadmeSnippets(readme, version) }
