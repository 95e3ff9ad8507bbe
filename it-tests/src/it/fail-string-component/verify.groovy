// The build failed (invoker.buildResult = failure): check that it failed with our message on the right file and line.
def log = new File(basedir, 'build.log').text
def matcher = log =~ /(?m)^\[ERROR\] .*Named\.java:\[8,\d+\] (.*)$/
assert matcher.find() : "no error on Named.java line 8 in the build log"
def message = matcher.group(1)
assert message.contains('name') : "message lacks 'name': " + message
assert message.contains('String') : "message lacks 'String': " + message
