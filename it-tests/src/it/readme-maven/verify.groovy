def snippets = evaluate(new File(readmeSnippets))(new File(readmeFile), slabforgeVersion)
def log = new File(basedir, 'build.log').text
def expected = snippets.expectedOutput()
assert log.readLines().contains(expected) : "the README program did not print '${expected}'"
// The processor ran from annotationProcessorPaths and wrote the cache next to the record.
assert new File(basedir, 'target/generated-sources/annotations/com/example/QuoteSlab.java').isFile()
assert !log.contains('restricted method') : 'the runtime called a restricted method without native access'
return true
