// The build failed (invoker.buildResult = failure): check that it failed with our message on the right file and line.
def log = new File(basedir, 'build.log').text
def matcher = log =~ /(?m)^\[ERROR\] .*Ticker\.java:\[5,\d+\] (.*)$/
assert matcher.find() : "no error on Ticker.java line 5 in the build log"
def message = matcher.group(1)
assert message.contains('1000') : "message lacks '1000': " + message
assert message.contains('power of two') : "message lacks 'power of two': " + message
assert message.contains('1024') : "message lacks '1024': " + message
