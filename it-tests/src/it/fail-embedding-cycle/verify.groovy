// The build failed (invoker.buildResult = failure): check that it failed with our message on the right file and line.
def log = new File(basedir, 'build.log').text
def matcher = log =~ /(?m)^\[ERROR\] .*Cycle\.java:\[9,\d+\] (.*)$/
assert matcher.find() : "no error on Cycle.java line 9 in the build log"
def message = matcher.group(1)
assert message.contains('A') : "message lacks 'A': " + message
assert message.contains('B') : "message lacks 'B': " + message
assert message.contains('embeds itself') : "message lacks 'embeds itself': " + message
def second = log =~ /(?m)^\[ERROR\] .*Cycle\.java:\[12,\d+\] (.*embeds itself.*)$/
assert second.find() : "no cycle error on record B (Cycle.java line 12)"
