// The build failed (invoker.buildResult = failure): check that it failed with our message on the right file and line.
def log = new File(basedir, 'build.log').text
def matcher = log =~ /(?m)^\[ERROR\] .*Tiny\.java:\[6,\d+\] (.*)$/
assert matcher.find() : "no error on Tiny.java line 6 in the build log"
def message = matcher.group(1)
assert message.contains('Tiny') : "message lacks 'Tiny': " + message
assert message.contains('2 bytes') : "message lacks '2 bytes': " + message
assert message.contains('4 bytes') : "message lacks '4 bytes': " + message
